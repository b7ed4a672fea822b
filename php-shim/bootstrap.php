<?php
/**
 * Shopcaisse Sync PHP shim: require this file, then call
 * `\ShopcaisseSync\Shim\Loader::load('/abs/path/to/libshopcaisse_sync.so')`.
 *
 * It gives PHP the same `ShopcaisseSync\Engine` API whether the native extension is loaded or
 * only PHP's FFI is available, and otherwise says plainly what is missing.
 */

declare(strict_types=1);

require_once __DIR__ . '/src/LoadResult.php';
require_once __DIR__ . '/src/Loader.php';
