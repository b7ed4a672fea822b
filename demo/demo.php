<?php
/**
 * The Shopcaisse Sync demo, from php-cli, through the same PHP API the WordPress plugin uses.
 * Usage: php demo/demo.php extension|ffi   (run by `make demo`, which loads the library both ways)
 */

declare(strict_types=1);

require_once __DIR__ . '/../php-shim/bootstrap.php';

$wanted = $argv[1] ?? 'ffi';
$loaded = \ShopcaisseSync\Shim\Loader::load(getenv('SCS_FFI_LIB') ?: null);
if ($loaded->backend !== $wanted) {
    fwrite(STDERR, "Wanted the $wanted backend, got " . ($loaded->backend ?? 'none') . ". $loaded->reason\n");
    exit(1);
}

function step(string $what, mixed $detail = null): void
{
    echo '  • ', $what, $detail === null ? '' : ': ' . (is_string($detail) ? $detail : json_encode($detail, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES)), "\n";
}

echo "== Shopcaisse Sync through the $wanted backend ==\n";
$stateDir = sys_get_temp_dir() . '/shopcaisse-sync-demo';
@mkdir($stateDir, 0700, true);
$engine = new \ShopcaisseSync\Engine(['test_hooks' => true], $stateDir);
$d = $engine->diagnostics();
step('library version', $engine->version());
step('backend', sprintf('%s (ABI %d, built for PHP %s)', $d['backend'], $d['abi_version'], $d['built_for_php'] ?? 'any, through FFI'));
step('running on PHP', PHP_VERSION . (PHP_ZTS ? ' ZTS' : ' NTS'));
try {
    $engine->triggerPanicForTest('a deliberate panic');
} catch (\ShopcaisseSync\InternalException $e) {
    step('a Rust panic reached PHP as', get_class($e) . ' #' . $e->getCode() . ' "' . $e->getMessage() . '"');
}
step('and the process goes on', $engine->roundTripForTest(['still' => 'alive']));
