<?php
/**
 * Child process of the "four processes at once" order test: loads the core on the backend the
 * parent runs (the extension when PHP was started with it, else FFI), opens the same state
 * directory with the same settings, waits for the start signal, then delivers due orders until
 * none is left, and prints what it delivered as JSON.
 *
 * argv: 1 the state directory, 2 a JSON file with the engine's settings, 3 the FFI library,
 *       4 the start signal file.
 */

declare(strict_types=1);

require dirname(__DIR__, 3) . '/php-shim/bootstrap.php';

[, $stateDir, $settingsFile, $ffiLibrary, $signal] = $argv;
$loaded = \ShopcaisseSync\Shim\Loader::load($ffiLibrary);
if (!$loaded->isLoaded()) {
    fwrite(STDERR, $loaded->reason . "\n");
    exit(2);
}
$engine = new \ShopcaisseSync\Engine(json_decode((string) file_get_contents($settingsFile), true), $stateDir);
$deadline = microtime(true) + 60;
while (!file_exists($signal) && microtime(true) < $deadline) {
    usleep(1000);
}
$totals = ['backend' => $loaded->backend, 'calls' => 0, 'claimed' => 0, 'pushed' => 0, 'adopted' => 0, 'failed' => 0];
do {
    $answer = $engine->pushOrders(10);
    $totals['calls']++;
    foreach (['claimed', 'pushed', 'adopted', 'failed'] as $count) {
        $totals[$count] += (int) $answer[$count];
    }
} while ($answer['claimed'] > 0 && microtime(true) < $deadline);
echo json_encode($totals), "\n";
