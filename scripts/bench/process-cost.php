<?php
/**
 * What the library costs one PHP process: threads and resident memory after loading it, after
 * the first API request, after a catalog refresh, and in a child forked after that use (as a
 * PHP-FPM worker would be, if the master had used the client).
 *
 *   php -d extension=target/ext/release/libshopcaisse_sync.so scripts/bench/process-cost.php
 *   SCS_FFI_LIB=target/ffi/release/libshopcaisse_sync.so php -d ffi.enable=1 scripts/bench/process-cost.php
 *
 * Needs SCS_SANDBOX_BIN (the sandbox binary) and pcntl. Prints one line per step:
 * "step  threads  VmRSS". Figures are recorded in docs/benchmarks.md.
 */

declare(strict_types=1);

require_once __DIR__ . '/../../php-shim/bootstrap.php';

use ShopcaisseSync\Engine;

function status(): array
{
    $fields = [];
    foreach (file('/proc/self/status') as $line) {
        [$key, $value] = array_map('trim', explode(':', $line, 2)) + [1 => ''];
        $fields[$key] = $value;
    }
    return ['threads' => (int) $fields['Threads'], 'rss' => $fields['VmRSS']];
}

function report(string $step): void
{
    $s = status();
    printf("%-34s %3d threads  %s\n", $step, $s['threads'], $s['rss']);
}

$items = (int) ($argv[1] ?? 5000);
report('php started');
$loaded = \ShopcaisseSync\Shim\Loader::load(getenv('SCS_FFI_LIB') ?: null);
if ($loaded->backend === null) {
    fwrite(STDERR, "No backend: $loaded->reason\n");
    exit(1);
}
$binary = getenv('SCS_SANDBOX_BIN') ?: '';
$sandbox = proc_open([$binary, '--port', '0', '--generate', (string) $items], [1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'a']], $pipes);
$line = is_resource($sandbox) ? (string) fgets($pipes[1]) : '';
if (!preg_match('#^listening on (\S+)#', $line, $m)) {
    fwrite(STDERR, "The sandbox did not start ($binary).\n");
    exit(1);
}
register_shutdown_function(static fn () => proc_terminate($sandbox));
$root = $m[1];
$dir = sys_get_temp_dir() . '/scs-process-cost-' . getmypid();
@mkdir($dir, 0700, true);
$base = ['base_url' => "$root/v1", 'token' => 'sandbox-demo-token'];
$probe = new Engine($base, $dir);
report("library loaded ($loaded->backend)");
$reach = $probe->testConnection();
report('after testConnection');
$settings = $base + ['company_id' => $reach['companies'][0]['id'], 'store_id' => $reach['stores'][0]['id']];
$engine = new Engine($settings, $dir);
$summary = $engine->refreshCatalog();
report("after refreshCatalog ({$summary['items']} items)");

$pid = pcntl_fork();
if ($pid === 0) {
    report('forked child, before any request');
    $again = (new Engine($settings, $dir))->refreshCatalog(true);
    report("forked child, after refreshCatalog ({$again['items']})");
    exit(0);
}
pcntl_waitpid($pid, $status);
report('parent, after the child exited');
exit(pcntl_wexitstatus($status));
