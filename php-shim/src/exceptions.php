<?php
/**
 * The exception hierarchy of the FFI backend. The extension registers the very same classes
 * natively; this file declares them only when it did not. The class for each error comes from
 * the core (its `class` field), so the mapping lives in Rust alone.
 */

declare(strict_types=1);

namespace ShopcaisseSync;

if (!class_exists(Exception::class, false)) {
    /** Base class of every error the engine throws; getCode() is the kind's stable code. */
    class Exception extends \Exception
    {
    }
    /** The AppToken is invalid, expired or revoked. */
    class InvalidTokenException extends Exception
    {
    }
    /** The POS lacks the order-management module (401 on order push with a valid token). */
    class OrderModuleMissingException extends Exception
    {
    }
    /** The token lacks a permission (403). */
    class PermissionDeniedException extends Exception
    {
    }
    /** The resource does not exist (404). */
    class NotFoundException extends Exception
    {
    }
    /** The API kept answering 429. */
    class RateLimitedException extends Exception
    {
    }
    /** The API kept failing (5xx). */
    class ServerException extends Exception
    {
    }
    /** DNS, connection or TLS failure. */
    class NetworkException extends Exception
    {
    }
    /** A connect or request timeout ran out. */
    class TimeoutException extends Exception
    {
    }
    /** The API answered something the contract does not allow. */
    class UnexpectedPayloadException extends Exception
    {
    }
    /** A duplicate was refused, or a record changed under us. */
    class ConflictException extends Exception
    {
    }
    /** The engine was handed something invalid. */
    class InvalidInputException extends Exception
    {
    }
    /** The state file is unreadable, locked, corrupt or full. */
    class StateException extends Exception
    {
    }
    /** Another run of the same job is under way. */
    class BusyException extends Exception
    {
    }
    /** A setting the operation needs is missing. */
    class NotConfiguredException extends Exception
    {
    }
    /** A bug inside the core (a caught panic); the process lives on. */
    class InternalException extends Exception
    {
    }
}
