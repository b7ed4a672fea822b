<?php

declare(strict_types=1);

namespace ShopcaisseSync\Shim;

/**
 * Picks the backend: the native extension when PHP loaded it, else the portable FFI library when
 * FFI is usable in this SAPI, else a plain reason with the php.ini line that fixes it.
 */
final class Loader
{
    /** The extension's name as PHP reports it (`php -m`). */
    public const EXTENSION_NAME = 'shopcaisse-sync';

    /** The C ABI this shim speaks; a library reporting another one is refused, not used blindly. */
    public const ABI_VERSION = 1;

    private static ?LoadResult $result = null;

    /**
     * Loads a backend once per process and returns what was found.
     *
     * @param string|null $ffiLibrary  Absolute path of the portable library (libshopcaisse_sync.so).
     * @param string|null $extension   Absolute path of the extension, only to write the php.ini hint.
     */
    public static function load(?string $ffiLibrary, ?string $extension = null): LoadResult
    {
        if (self::$result !== null && self::$result->isLoaded()) {
            return self::$result;
        }
        return self::$result = self::detect($ffiLibrary, $extension);
    }

    private static function detect(?string $ffiLibrary, ?string $extension): LoadResult
    {
        require_once __DIR__ . '/exceptions.php';
        if (extension_loaded(self::EXTENSION_NAME)) {
            return LoadResult::loaded(LoadResult::EXTENSION);
        }
        $fixes = [];
        if ($extension !== null) {
            $fixes[] = 'extension=' . $extension;
        }
        $ffiProblem = self::ffiProblem($ffiLibrary);
        if ($ffiProblem === null) {
            try {
                Native::open((string) $ffiLibrary, self::ABI_VERSION);
                require_once __DIR__ . '/Engine.php';
                return LoadResult::loaded(LoadResult::FFI);
            } catch (\Throwable $e) {
                $ffiProblem = 'the FFI library could not be loaded: ' . $e->getMessage();
            }
        }
        if (!extension_loaded('ffi')) {
            $fixes[] = 'extension=ffi';
        }
        $fixes[] = 'ffi.enable=true';
        return LoadResult::unavailable(
            'The Shopcaisse Sync extension is not loaded, and ' . $ffiProblem . '.',
            $fixes
        );
    }

    /** Why FFI cannot be used here, or null when it can. */
    private static function ffiProblem(?string $ffiLibrary): ?string
    {
        if (!extension_loaded('ffi') || !class_exists(\FFI::class)) {
            return "PHP's FFI extension is not installed";
        }
        $mode = strtolower((string) ini_get('ffi.enable'));
        $enabled = in_array($mode, ['1', 'true', 'on', 'yes'], true)
            || ($mode === 'preload' && PHP_SAPI === 'cli');
        if (!$enabled) {
            return 'FFI is disabled in this PHP (ffi.enable=' . ($mode === '' ? '0' : $mode) . ')';
        }
        if ($ffiLibrary === null || $ffiLibrary === '' || !is_file($ffiLibrary)) {
            return 'the FFI library was not found at ' . ($ffiLibrary ?? '(no path given)');
        }
        return null;
    }
}

/**
 * The one FFI handle of the process, opened from the shipped header and library.
 *
 * @internal
 */
final class Native
{
    private static ?\FFI $ffi = null;

    public static function open(string $library, int $abiVersion): void
    {
        if (self::$ffi !== null) {
            return;
        }
        $header = (string) file_get_contents(__DIR__ . '/../shopcaisse_sync.h');
        $ffi = \FFI::cdef($header, $library);
        $abi = (int) $ffi->scs_abi_version();
        if ($abi !== $abiVersion) {
            throw new \RuntimeException(sprintf(
                'the library speaks ABI %d and this shim ABI %d; install matching versions',
                $abi,
                $abiVersion
            ));
        }
        self::$ffi = $ffi;
    }

    public static function ffi(): \FFI
    {
        if (self::$ffi === null) {
            throw new \LogicException('the FFI library is not loaded; call Loader::load() first');
        }
        return self::$ffi;
    }
}
