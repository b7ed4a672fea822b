//! The exception hierarchy, registered natively: `ShopcaisseSync\Exception` (a RuntimeException
//! in spirit, an `\Exception` in fact) and one subclass per [`ErrorKind`], so PHP catches exactly
//! what it can act on. `php-shim/src/exceptions.php` declares the same classes for the FFI backend.

use crate::{Error, ErrorKind};
use ext_php_rs::builders::ModuleBuilder;
use ext_php_rs::class::RegisteredClass;
use ext_php_rs::exception::PhpException;
use ext_php_rs::prelude::*;
use ext_php_rs::zend::ce;

/// The base class of every error the engine throws.
#[php_class]
#[php(name = "ShopcaisseSync\\Exception")]
#[php(extends(ce = ce::exception, stub = "\\Exception"))]
#[derive(Default)]
pub struct BaseException;

macro_rules! kind_exceptions {
    ($($kind:ident => $rust:ident, $php:literal;)*) => {
        $(
            #[php_class]
            #[php(name = $php)]
            #[php(extends(BaseException))]
            #[derive(Default)]
            pub struct $rust;
        )*

        /// Registers the base class, then one class per kind (parents first, as PHP requires).
        pub fn register(module: ModuleBuilder) -> ModuleBuilder {
            module.class::<BaseException>()$(.class::<$rust>())*
        }

        /// The one mapping from an engine error to the PHP exception thrown for it.
        pub fn to_php(error: &Error) -> PhpException {
            let class = match error.kind() {
                $(ErrorKind::$kind => $rust::get_metadata().ce(),)*
            };
            PhpException::new(error.message().to_owned(), error.kind().code(), class)
        }
    };
}

kind_exceptions! {
    InvalidToken => InvalidTokenException, "ShopcaisseSync\\InvalidTokenException";
    OrderModuleMissing => OrderModuleMissingException, "ShopcaisseSync\\OrderModuleMissingException";
    PermissionDenied => PermissionDeniedException, "ShopcaisseSync\\PermissionDeniedException";
    NotFound => NotFoundException, "ShopcaisseSync\\NotFoundException";
    RateLimited => RateLimitedException, "ShopcaisseSync\\RateLimitedException";
    Server => ServerException, "ShopcaisseSync\\ServerException";
    Network => NetworkException, "ShopcaisseSync\\NetworkException";
    Timeout => TimeoutException, "ShopcaisseSync\\TimeoutException";
    UnexpectedPayload => UnexpectedPayloadException, "ShopcaisseSync\\UnexpectedPayloadException";
    Conflict => ConflictException, "ShopcaisseSync\\ConflictException";
    InvalidInput => InvalidInputException, "ShopcaisseSync\\InvalidInputException";
    State => StateException, "ShopcaisseSync\\StateException";
    Busy => BusyException, "ShopcaisseSync\\BusyException";
    NotConfigured => NotConfiguredException, "ShopcaisseSync\\NotConfiguredException";
    Internal => InternalException, "ShopcaisseSync\\InternalException";
}
