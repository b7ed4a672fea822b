<?php
/**
 * One full cycle of Shopcaisse Sync against the sandbox, through the plugin's own entry points,
 * told in a few lines a merchant understands. Run by scripts/demo.sh in php-cli on the demo site:
 *
 *   php cycle.php WP_DIR SITE_URL SANDBOX_URL
 *
 *  1. the access key the Shopcaisse back office gives (the sandbox's), checked by the plugin's
 *     connection test; company, store, till and price list chosen from its answer and saved
 *     through the settings' own validation;
 *  2. the products cron URL, over HTTP with the site's token, automatic import switched on: the
 *     catalog refreshed, then every till product not in the shop yet imported by the plugin's
 *     importer;
 *  3. the stock cron URL;
 *  4. a till sale in the sandbox, seen by the next stock run;
 *  5. a shopper's order through WooCommerce's Store API over HTTP (cart, checkout, cash on
 *     delivery), then the orders cron URL twice: the order reaches the till exactly once;
 *  6. one more stock run: the units of the order on their way stay off the website's stock.
 *
 * Exits 1 when a step did not do what it says, and always unless the POS holds the web order
 * exactly once.
 */

declare(strict_types=1);

use ShopcaisseSync\Plugin\Admin\ConnectionReport;
use ShopcaisseSync\Plugin\Orders\OrderStates;
use ShopcaisseSync\Plugin\Plugin;
use ShopcaisseSync\Plugin\Rest\CronController;
use ShopcaisseSync\Plugin\Settings\CronToken;
use ShopcaisseSync\Plugin\Settings\Options;

/** What the till sells during the demo, and what the shopper buys. */
const TILL_SALE = ['Mug émaillé', 2];
const WEB_ORDER = [['Assiette plate', 2], ['Miel de lavande 250 g', 1]];

[, $wpDir, $siteUrl, $sandboxUrl] = $argv;
$_SERVER['HTTP_HOST'] = parse_url($siteUrl, PHP_URL_HOST) . ':' . parse_url($siteUrl, PHP_URL_PORT);
require $wpDir . '/wp-load.php';

$failures = 0;

function told(bool $ok, string $line): void
{
    global $failures;
    echo $ok ? '  ✓ ' : '  ✗ ', $line, "\n";
    $failures += $ok ? 0 : 1;
}

function stop(string $why): never
{
    fwrite(STDERR, "  ✗ $why\n");
    exit(1);
}

/**
 * One HTTP request; the answer's status, headers (lower-case names) and decoded JSON body.
 *
 * @return array{status:int,headers:array<string,string>,body:mixed}
 */
function http(string $method, string $url, ?array $json = null, array $headers = []): array
{
    static $handle = null;
    $handle ??= curl_init();
    curl_reset($handle);
    $received = [];
    curl_setopt_array($handle, [
        CURLOPT_URL => $url,
        CURLOPT_CUSTOMREQUEST => $method,
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_TIMEOUT => 120,
        CURLOPT_COOKIEFILE => '', // cookies kept for the handle's life: the shopper's cart
        CURLOPT_HTTPHEADER => array_merge($headers, $json === null ? [] : ['Content-Type: application/json']),
        CURLOPT_HEADERFUNCTION => static function ($h, string $line) use (&$received): int {
            if (str_contains($line, ':')) {
                [$name, $value] = explode(':', $line, 2);
                $received[strtolower(trim($name))] = trim($value);
            }
            return strlen($line);
        },
    ]);
    if ($json !== null) {
        curl_setopt($handle, CURLOPT_POSTFIELDS, json_encode($json));
    }
    $body = curl_exec($handle);
    if ($body === false) {
        stop("$method $url: " . curl_error($handle));
    }
    return ['status' => (int) curl_getinfo($handle, CURLINFO_RESPONSE_CODE), 'headers' => $received, 'body' => json_decode((string) $body, true)];
}

/**
 * Calls a cron URL as the Shopcaisse back office does; its JSON summary. The token goes in the
 * header the URLs also accept, so that php -S's request log never holds it.
 */
function cron(string $job): array
{
    $answer = http('GET', rest_url(CronController::NAMESPACE . '/' . $job), null, ['X-Shopcaisse-Sync-Token: ' . CronToken::get()]);
    if (!is_array($answer['body']) || !in_array($answer['body']['status'] ?? '', ['completed', 'partial'], true)) {
        stop("the $job URL answered " . $answer['status'] . ': ' . json_encode($answer['body']));
    }
    return $answer['body'];
}

function engine(): \ShopcaisseSync\Engine
{
    return Plugin::instance()->engines->engine();
}

/** A product's stock as the website shows it now (the cron URLs ran in the server's process). */
function shop_stock(int $productId): ?float
{
    wp_cache_flush();
    $stock = wc_get_product($productId)?->get_stock_quantity();
    return $stock === null ? null : (float) $stock;
}

/**
 * The till item named $name and the shop product linked to it.
 *
 * @return array{item:string,product:WC_Product}
 */
function linked(string $name): array
{
    $rows = engine()->searchCatalog(['text' => $name, 'per_page' => 20])['rows'] ?? [];
    foreach ($rows as $row) {
        $product = ($row['name'] ?? '') === $name && !empty($row['wc_id']) ? wc_get_product((int) $row['wc_id']) : null;
        if ($product) {
            return ['item' => (string) $row['id'], 'product' => $product];
        }
    }
    stop("no shop product is linked to the till item \"$name\"");
}

function units(float|int|null $n): string
{
    return $n === null ? '—' : rtrim(rtrim(number_format((float) $n, 3, '.', ''), '0'), '.');
}

/** 1. The key, the connection test, the choices, the settings saved. */
function connect(string $sandboxUrl): void
{
    $key = (string) (http('GET', $sandboxUrl . '/__sandbox/state')['body']['token'] ?? '');
    $apiUrl = $sandboxUrl . '/v1';
    $report = ConnectionReport::fromEngine(Plugin::instance()->engines->engineWith(['token' => $key, 'base_url' => $apiUrl])->testConnection());
    if (!$report['ok']) {
        stop('connection test: ' . $report['message']);
    }
    $company = $report['companies'][0];
    $stores = array_values(array_filter($report['stores'], static fn (array $s) => in_array($s['company_id'], [null, $company['id']], true)));
    $store = $stores[0] ?? stop('the key reaches no store');
    $pos = $store['pos'][0] ?? stop('the store has no till');
    $list = $report['price_lists'][0] ?? stop('the company has no price list');
    $saved = Options::validate([
        'base_url' => $apiUrl, 'token' => $key, 'company_id' => $company['id'], 'store_id' => $store['id'],
        'pos_id' => $pos['id'], 'price_list_id' => $list['id'], 'auto_products' => '1',
    ], Options::all());
    if ($saved['errors'] !== []) {
        stop('settings refused: ' . json_encode($saved['errors'], JSON_UNESCAPED_UNICODE));
    }
    Options::save($saved['values']);
    told(true, sprintf('Connected to Shopcaisse: %s, store %s, till %s, price list %s', $company['name'], $store['name'], $pos['name'], $list['name']));
}

/** What a merchant sets in WooCommerce before selling: a way to pay and a way to ship. */
function open_checkout(): void
{
    update_option('woocommerce_cod_settings', ['enabled' => 'yes', 'title' => 'Paiement à la livraison', 'enable_for_methods' => [], 'enable_for_virtual' => 'yes']);
    $zone = new WC_Shipping_Zone();
    $zone->set_zone_name('France');
    $zone->add_location('FR', 'country');
    $zone->save();
    $zone->add_shipping_method('free_shipping');
}

/** 2. The products URL: the catalog refresh, then the import. */
function import_catalog(): void
{
    $done = [];
    do { // on a slow machine a call stops at its time budget and the next one resumes
        $answer = cron('products');
        foreach ($answer['summary'] as $field => $count) {
            $done[$field] = ($done[$field] ?? 0) + (int) $count;
        }
    } while ($answer['status'] === 'partial');
    told(($done['items'] ?? 0) > 0, sprintf('Catalog read from the till: %d items, %d stock lines', $done['items'] ?? 0, $done['stock_rows'] ?? 0));
    $left = ($done['skipped'] ?? 0) + ($done['failed'] ?? 0);
    told(($done['created'] ?? 0) > 0 && ($done['failed'] ?? 0) === 0, sprintf(
        '%d products imported into the shop (%d variations)%s',
        $done['created'] ?? 0,
        $done['variations'] ?? 0,
        $left > 0 ? sprintf(', %d left aside (the POS products tab says why)', $left) : ''
    ));
}

/** 3 and 4. A stock run, a till sale, the next stock run. */
function till_sale(string $sandboxUrl): void
{
    $stock = cron('stock')['summary'];
    told(true, ($stock['written'] ?? 0) > 0
        ? sprintf('Stock of %d products written from the till', $stock['written'])
        : 'Stock run: the website already shows the till\'s stock (the import wrote it)');
    [$name, $quantity] = TILL_SALE;
    ['item' => $item, 'product' => $product] = linked($name);
    $before = shop_stock($product->get_id());
    $sale = http('POST', $sandboxUrl . '/__sandbox/sales', ['lines' => [['item' => $item, 'quantity' => $quantity]]]);
    if ($sale['status'] >= 300) {
        stop('the till sale was refused: ' . json_encode($sale['body']));
    }
    cron('stock');
    $after = shop_stock($product->get_id());
    told($before !== null && $after === $before - $quantity, sprintf(
        'Till sale of %d × %s seen on the website: stock %s → %s',
        $quantity,
        $name,
        units($before),
        units($after)
    ));
}

/** The Store API's URL for a route (no pretty permalinks on php -S). */
function store_api(string $route): string
{
    return add_query_arg('rest_route', '/wc/store/v1/' . $route, home_url('/'));
}

/** 5. A shopper fills a cart and checks out over HTTP; answers the order id. */
function shopper_checkout(): int
{
    $cart = http('GET', store_api('cart'));
    $cartHeaders = ['Nonce: ' . ($cart['headers']['nonce'] ?? ''), 'Cart-Token: ' . ($cart['headers']['cart-token'] ?? '')];
    foreach (WEB_ORDER as [$name, $quantity]) {
        $added = http('POST', store_api('cart/add-item'), ['id' => linked($name)['product']->get_id(), 'quantity' => $quantity], $cartHeaders);
        if ($added['status'] !== 201) {
            stop("adding $name to the cart: " . json_encode($added['body'], JSON_UNESCAPED_UNICODE));
        }
    }
    $address = ['first_name' => 'Jeanne', 'last_name' => 'Martin', 'address_1' => '3 rue des Mûriers', 'city' => 'Lyon',
        'postcode' => '69001', 'country' => 'FR', 'email' => 'jeanne.martin@example.fr', 'phone' => '0600000000'];
    $checkout = http('POST', store_api('checkout'), [
        'billing_address' => $address,
        'shipping_address' => array_diff_key($address, ['email' => 1]),
        'payment_method' => 'cod',
    ], $cartHeaders);
    if ($checkout['status'] !== 200 || empty($checkout['body']['order_id'])) {
        stop('checkout: ' . json_encode($checkout['body'], JSON_UNESCAPED_UNICODE));
    }
    return (int) $checkout['body']['order_id'];
}

/** 5. The orders URL, twice, and what the POS holds for the order. */
function deliver_order(int $orderId, string $sandboxUrl): void
{
    cron('orders');
    cron('orders');
    wp_cache_flush();
    $order = wc_get_order($orderId);
    $reference = Options::get('order_prefix') . $order->get_order_number();
    $held = array_values(array_filter(
        http('GET', $sandboxUrl . '/__sandbox/orders')['body'] ?? [],
        static fn (array $o) => ($o['externalReference'] ?? '') === $reference
    ));
    $lines = implode(', ', array_map(static fn (WC_Order_Item_Product $line) => $line->get_quantity() . ' × ' . $line->get_name(), array_values($order->get_items())));
    $total = number_format((float) $order->get_total(), 2, ',', ' ') . ' €';
    told(count($held) === 1 && OrderStates::stored($order)['state'] === 'pushed', sprintf(
        'Web order #%s (%s, %s, paid on delivery) delivered to the till %s, as %s',
        $order->get_order_number(),
        $lines,
        $total,
        count($held) === 1 ? 'once' : count($held) . ' times',
        $reference
    ));
    if (count($held) !== 1) {
        stop("the POS holds the order $reference " . count($held) . ' times, not once');
    }
}

/** 6. The next stock run keeps the ordered units off the website until the till has them. */
function stock_after_order(): void
{
    [$name, $quantity] = WEB_ORDER[0];
    $product = linked($name)['product'];
    $before = shop_stock($product->get_id());
    cron('stock');
    $after = shop_stock($product->get_id());
    told($after === $before, sprintf(
        'Next stock run: %s stays at %s on the website while the %d ordered wait at the till',
        $name,
        units($after),
        $quantity
    ));
}

if (Plugin::instance() === null) {
    stop('the plugin did not start: is its library loaded? (the extension line of php-ini.txt)');
}
connect($sandboxUrl);
open_checkout();
import_catalog();
till_sale($sandboxUrl);
$orderId = shopper_checkout();
deliver_order($orderId, $sandboxUrl);
stock_after_order();
exit($failures === 0 ? 0 : 1);
