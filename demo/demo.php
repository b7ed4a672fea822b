<?php
/**
 * The Shopcaisse Sync demo, from php-cli, through the same PHP API the WordPress plugin uses.
 *
 *   php demo/demo.php extension|ffi [--story]
 *
 * Without --story it loads the library through the named backend and prints its diagnostics.
 * With --story it also starts the Shopcaisse sandbox (its demo shop) and walks through what the
 * engine does, one line per step. `make demo` runs both backends, and the story once.
 */

declare(strict_types=1);

require_once __DIR__ . '/../php-shim/bootstrap.php';

use ShopcaisseSync\Engine;

$wanted = $argv[1] ?? 'ffi';
$story = in_array('--story', $argv, true);
$loaded = \ShopcaisseSync\Shim\Loader::load(getenv('SCS_FFI_LIB') ?: null);
if ($loaded->backend !== $wanted) {
    fwrite(STDERR, "Wanted the $wanted backend, got " . ($loaded->backend ?? 'none') . ". $loaded->reason\n");
    exit(1);
}

function step(string $what, mixed $detail = null): void
{
    if ($detail !== null && !is_string($detail)) {
        $detail = json_encode($detail, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES);
    }
    echo '  • ', $what, $detail === null ? '' : ': ' . $detail, "\n";
}

function fresh_dir(string $name): string
{
    $dir = sys_get_temp_dir() . '/shopcaisse-sync-demo-' . $name . '-' . getmypid();
    @mkdir($dir, 0700, true);
    return $dir;
}

echo "== Shopcaisse Sync through the $wanted backend ==\n";
$engine = new Engine(['test_hooks' => true], fresh_dir('diag'));
$d = $engine->diagnostics();
step('library', sprintf('%s, ABI %d, %s', $engine->version(), $d['abi_version'], $d['built_for_php'] ? 'built for PHP ' . $d['built_for_php'] : 'portable (FFI), any PHP'));
step('running on PHP', PHP_VERSION . (PHP_ZTS ? ' ZTS' : ' NTS'));
try {
    $engine->triggerPanicForTest('a deliberate panic');
} catch (\ShopcaisseSync\InternalException $e) {
    step('a Rust panic reaches PHP as', get_class($e) . ' #' . $e->getCode());
}
step('and the PHP process goes on', $engine->roundTripForTest('yes'));
if (!$story) {
    exit(0);
}

// ---------------------------------------------------------------------------------------------
echo "\n== The engine at work, against the Shopcaisse sandbox (no WordPress) ==\n";
$binary = getenv('SCS_SANDBOX_BIN') ?: '';
$sandbox = proc_open([$binary, '--port', '0'], [1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'a']], $pipes);
$line = is_resource($sandbox) ? (string) fgets($pipes[1]) : '';
if (!preg_match('#^listening on (\S+)#', $line, $m)) {
    fwrite(STDERR, "The sandbox did not start ($binary).\n");
    exit(1);
}
$root = $m[1];
register_shutdown_function(static fn () => proc_terminate($sandbox));
$control = static function (string $method, string $path, ?array $body = null) use ($root): mixed {
    $context = stream_context_create(['http' => [
        'method' => $method, 'header' => "Content-Type: application/json\r\n",
        'content' => $body === null ? '' : json_encode($body), 'ignore_errors' => true,
    ]]);
    return json_decode((string) file_get_contents("$root/__sandbox/$path", false, $context), true);
};
step('sandbox started with its demo shop', $root);

$base = ['base_url' => "$root/v1", 'token' => 'sandbox-demo-token', 'order_prefix' => 'WEB-'];
$reach = (new Engine($base, fresh_dir('probe')))->testConnection();
$store = $reach['stores'][0];
step('testConnection', sprintf(
    'company "%s", store "%s", POS %s, price lists %s',
    $reach['companies'][0]['name'],
    $store['name'],
    implode(' / ', array_map(static fn ($p) => $p['name'] . ($p['order_management'] ? ' (commandes)' : ''), $store['pos'])),
    implode(', ', array_column($reach['price_lists'], 'name'))
));
$bad = (new Engine(['token' => 'revoked'] + $base, fresh_dir('bad')))->testConnection();
step('testConnection with a wrong key', $bad['error']['kind'] . ' — ' . $bad['error']['message']);

$settings = $base + [
    'company_id' => $reach['companies'][0]['id'],
    'store_id' => $store['id'],
    'pos_id' => $store['pos'][0]['id'],
    'matching_method' => 'reference',
];
$engine = new Engine($settings, fresh_dir('site'));
$summary = $engine->refreshCatalog();
step('refreshCatalog', sprintf(
    '%d items cached (%d with declinations, %d declinations, %d packs, %d weighed), %d listing problems, %d ms',
    $summary['items'], $summary['with_declinations'], $summary['declinations'], $summary['packs'],
    $summary['weighed'], $summary['problem_count'], $summary['took_ms']
));
$found = $engine->searchCatalog(['text' => 'cafe']);
step('searchCatalog "cafe" (accents ignored)', implode(', ', array_column($found['rows'], 'name')));

$preview = $engine->previewImport([], []);
step('previewImport into an empty shop', sprintf(
    'would create %d products with %d variations, link %d, skip %d',
    $preview['counts']['products_to_create'], $preview['counts']['variations_to_create'],
    $preview['counts']['links'], $preview['counts']['skipped']
));

$shop = [
    ['id' => 11, 'kind' => 'simple', 'sku' => ' adm-plt ', 'name' => 'Assiette plate grès', 'on_sale' => true],
    ['id' => 12, 'kind' => 'simple', 'sku' => 'ADM-CRS', 'name' => 'Assiette creuse', 'on_sale' => true],
    ['id' => 13, 'kind' => 'simple', 'sku' => 'ADM-CRS', 'name' => 'Assiette creuse (doublon)', 'on_sale' => true],
    ['id' => 14, 'kind' => 'simple', 'sku' => 'ADM-BOL', 'name' => 'Bol Nuage', 'on_sale' => true],
    ['id' => 15, 'kind' => 'simple', 'sku' => 'EPI-MIEL', 'name' => 'Miel de lavande', 'on_sale' => true],
    ['id' => 16, 'kind' => 'simple', 'sku' => 'CADEAU', 'name' => 'Carte cadeau', 'on_sale' => true],
];
$plan = $engine->planMatching($shop);
step('planMatching against a small shop', sprintf(
    '%d links, %d conflicts (%s), %d items unmatched, %d products on sale left unlinked',
    count($plan['links']), count($plan['conflicts']),
    implode('; ', array_map(static fn ($c) => $c['by'] . ' ' . $c['key'] . ': items ' . count($c['items']) . ' / products ' . count($c['products']), $plan['conflicts'])),
    count($plan['unmatched_items']), count($plan['unlinked_on_sale'])
));
$applied = $engine->applyMatching($shop);
step('applyMatching', sprintf('%d links recorded', count($applied['recorded'] ?? $applied['links'] ?? [])));

$stock = $engine->planStock(false);
step('planStock', implode(', ', array_map(static fn ($w) => "#{$w['wc_id']} → {$w['quantity']}", $stock['writes'])));
$engine->reportStockApplied(array_map(static fn ($w) => ['wc_id' => $w['wc_id'], 'quantity' => $w['quantity']], $stock['writes']));
step('planStock again, nothing sold', count($engine->planStock(false)['writes']) . ' writes');

$plate = $engine->searchCatalog(['text' => 'ADM-PLT'])['rows'][0];
$control('POST', 'sales', ['lines' => [['item' => $plate['id'], 'quantity' => 2]]]);
step('a till sale in the shop', '2 × ' . $plate['name']);
$after = $engine->planStock(false);
step('the next stock run picks it up', implode(', ', array_map(static fn ($w) => "#{$w['wc_id']} {$w['previous']} → {$w['quantity']}", $after['writes'])));

$order = static fn (int $id, array $lines, int $total) => [
    'wc_order_id' => $id, 'number' => (string) $id, 'status' => 'processing',
    'created_at_ms' => 1785578400000, 'currency' => 'EUR',
    'customer' => ['first_name' => 'Jeanne', 'last_name' => 'Martin', 'email' => 'JEANNE@example.fr ', 'phone' => '06 00 00 00 00'],
    'lines' => $lines, 'shipping' => [['name' => 'Livraison', 'total_ttc' => 490]],
    'payment_method_title' => 'Carte bancaire (en ligne)', 'total_ttc' => $total,
];
$first = $order(1042, [['wc_product_id' => 11, 'name' => 'Assiette plate', 'quantity' => '2', 'unit_price_ttc' => 2490, 'total_ttc' => 4980]], 5470);
$second = $order(1043, [['wc_product_id' => 15, 'name' => 'Miel de lavande', 'quantity' => '1', 'unit_price_ttc' => 890, 'total_ttc' => 890]], 1380);
step('order 1042 reaches "processing"', $engine->orderChanged($first)['action']);
step('the same hook fires again', $engine->orderChanged($first)['action']);
$pushed = $engine->pushOrders(10);
step('pushOrders', sprintf('%d claimed, %d pushed', $pushed['claimed'], $pushed['pushed']));
$again = $engine->pushOrderNow($first)['order'];
step('the order button clicked on 1042 anyway', $again['state'] . ' as ' . $again['pos_order_id'] . ' (nothing sent again)');
$engine->orderChanged($second);
$engine->pushOrders(10);
$unlinked = $order(1044, [['wc_product_id' => 16, 'name' => 'Carte cadeau', 'quantity' => '1', 'unit_price_ttc' => 2000, 'total_ttc' => 2000]], 2490);
$blocked = $engine->orderChanged($unlinked)['order'];
step('order 1044 with an unlinked product', $blocked['state'] . ': ' . $blocked['error']['message']);

$held = $control('GET', 'orders');
$byReference = array_count_values(array_column($held, 'externalReference'));
step('orders held by the POS', implode(', ', array_map(static fn ($r, $n) => "$r ×$n", array_keys($byReference), $byReference)));
step('customer of WEB-1042', $held[0]['customerDetails']['firstName'] . ' ' . $held[0]['customerDetails']['lastName'] . ' (found by email, not created)');
