<?php
/**
 * The browser tests' php-cli side: seeds and reads the site through wp-load.php, and answers one
 * line of JSON.
 *
 *   php wp.php WP_DIR SITE_URL locale LOGIN LOCALE   the user's admin language (en_US clears it)
 *   php wp.php WP_DIR SITE_URL reset                  the plugin's settings back to their defaults
 *   php wp.php WP_DIR SITE_URL settings               what is saved (the key only as saved or not)
 *   php wp.php WP_DIR SITE_URL state                  where the state file is
 *
 * The product and order tests' scene (tests/browser/products.mjs, orders.mjs, http.mjs):
 *   scene JSON            a fresh scene: no product, no order, no queued action of the plugin,
 *                         an empty core state, the site's switches back to normal (HPOS,
 *                         background runner on); then the settings as given (the sandbox's
 *                         address, key and ids...) and the catalog refreshed
 *   switch NAME VALUE     a switch of mu-plugins/scs-test-switches.php ('' clears it)
 *   storage               which order storage WooCommerce uses now: hpos or posts
 *   import JSON           the core's items of these ids imported as the Importer does: its summary
 *   catalog JSON          the core's searchCatalog(JSON): total and rows (id, barcodes, linked...)
 *   product JSON          simple products [{name, price, sku?, virtual?, link?}]: their ids
 *   products              the site's products and variations: count, and {id, sku, name} by SKU
 *   order JSON            a paid order {lines: [[product id, quantity]], email?}: id, edit URL
 *   orders N PRODUCT_ID   N paid orders of one line each, created as the REST API does: ids
 *   push ID               the order sent now, as its button does: its POS state
 *   order-state ID        the order's POS state (its meta), and where WooCommerce keeps it
 *   order-states JSON     the POS state in the meta of each of these orders, by id
 *   outbox                the core's outbox: its counts by state and its rows
 *   cron-url JOB          the cron URL of a job, with its token
 *   cod                   cash on delivery enabled, virtual orders included
 *   as-lock               when Action Scheduler may next start its async runner by itself (its
 *                         once-a-minute lock), as a Unix time; null when it may now
 *   log-rows JSON         the core's queryLogs(JSON): total and rows
 */

declare(strict_types=1);

[, $dir, $siteUrl, $command] = array_pad($argv, 4, '');
$args = array_slice($argv, 4);
$_SERVER['HTTP_HOST'] = (string) parse_url($siteUrl, PHP_URL_HOST) . ':' . (string) parse_url($siteUrl, PHP_URL_PORT);
$_SERVER['REQUEST_URI'] = '/';
require $dir . '/wp-load.php';

/** @param mixed $value */
function answer($value): void
{
    echo "\n", wp_json_encode($value), "\n";
    exit(0);
}

function fail(string $message): void
{
    fwrite(STDERR, $message . "\n");
    exit(1);
}

switch ($command) {
    case 'locale':
        [$login, $locale] = $args + ['', ''];
        $user = get_user_by('login', $login);
        if (!$user) {
            fail("no user $login");
        }
        if ($locale === '' || $locale === 'en_US') {
            delete_user_meta($user->ID, 'locale');
        } else {
            update_user_meta($user->ID, 'locale', $locale);
        }
        answer(['user' => $login, 'locale' => get_user_locale($user->ID)]);

    case 'reset':
        delete_option('shopcaisse_sync_settings');
        answer(['reset' => true]);

    case 'settings':
        $saved = get_option('shopcaisse_sync_settings', []);
        $saved = is_array($saved) ? $saved : [];
        $out = ['has_token' => isset($saved['token']) && $saved['token'] !== ''];
        foreach (['base_url', 'company_id', 'store_id', 'pos_id', 'price_list_id'] as $field) {
            $out[$field] = (string) ($saved[$field] ?? '');
        }
        answer($out);

    case 'state':
        if (!class_exists(\ShopcaisseSync\Plugin\Core\StateDirectory::class)) {
            fail('the plugin is not loaded');
        }
        $stateDir = \ShopcaisseSync\Plugin\Core\StateDirectory::path();
        $file = $stateDir . '/shopcaisse-sync.sqlite';
        $uploads = wp_upload_dir(null, false);
        answer([
            'dir' => $stateDir,
            'file' => $file,
            'exists' => is_file($file),
            'key' => \ShopcaisseSync\Plugin\Core\StateDirectory::siteKey(),
            'abspath' => realpath(ABSPATH),
            'content_dir' => realpath(WP_CONTENT_DIR),
            'uploads_dir' => $uploads['basedir'],
            'plugin_dir' => realpath(WP_PLUGIN_DIR . '/shopcaisse-sync'),
        ]);

    case 'scene':
        $given = json_decode($args[0] ?? '', true);
        if (!is_array($given)) {
            fail('scene wants the settings as a JSON object');
        }
        fresh();
        update_option(\ShopcaisseSync\Plugin\Settings\Options::OPTION, array_merge(\ShopcaisseSync\Plugin\Settings\Options::all(), $given));
        answer(engine()->refreshCatalog(true));

    case 'switch':
        [$name, $value] = $args + ['', ''];
        if (!in_array($name, ['order_storage', 'background_runner'], true)) {
            fail("unknown switch: $name");
        }
        $value === '' ? delete_option('scs_test_' . $name) : update_option('scs_test_' . $name, $value);
        answer([$name => $value]);

    case 'storage':
        answer(['storage' => \Automattic\WooCommerce\Utilities\OrderUtil::custom_orders_table_usage_is_enabled() ? 'hpos' : 'posts']);

    case 'catalog':
        $page = engine()->searchCatalog(json_decode($args[0] ?? '{}', true) ?: []);
        $rows = array_map(static fn ($row) => ['id' => $row['id'], 'name' => $row['name'], 'reference' => $row['reference'] ?? null,
            'barcodes' => $row['barcodes'] ?? [], 'linked' => (bool) $row['linked'], 'wc_id' => $row['wc_id'] ?? null], $page['rows']);
        answer(['total' => (int) $page['total'], 'rows' => $rows]);

    case 'import':
        answer(\ShopcaisseSync\Plugin\Products\Importer::make()->import(engine(), json_decode($args[0] ?? '[]', true) ?: []));

    case 'job':
        answer(\ShopcaisseSync\Plugin\Plugin::instance()->jobs->run((string) ($args[0] ?? ''), 20.0, true));

    case 'unlink':
        answer(engine()->unlinkItem((string) ($args[0] ?? '')));

    case 'set-stock':
        [$id, $quantity] = $args + ['0', '0'];
        answer(['stock' => wc_update_product_stock((int) $id, (int) $quantity, 'set')]);

    case 'product':
        $ids = [];
        foreach (json_decode($args[0] ?? '[]', true) ?: [] as $spec) {
            $product = new \WC_Product_Simple();
            $product->set_name((string) $spec['name']);
            $product->set_regular_price((string) $spec['price']);
            if (isset($spec['sku'])) {
                $product->set_sku((string) $spec['sku']);
            }
            $product->set_virtual(!empty($spec['virtual']));
            $product->set_status('publish');
            $product->save();
            if (isset($spec['link'])) {
                engine()->link((string) $spec['link'], $product->get_id());
            }
            $ids[] = $product->get_id();
        }
        answer(['ids' => $ids]);

    case 'products':
        $ids = get_posts(['post_type' => ['product', 'product_variation'], 'post_status' => 'any', 'numberposts' => -1, 'fields' => 'ids']);
        $bySku = [];
        foreach ($ids as $id) {
            $product = wc_get_product($id);
            if ($product && $product->get_sku() !== '') {
                $bySku[$product->get_sku()] = ['id' => $id, 'name' => $product->get_name(), 'type' => $product->get_type()];
            }
        }
        answer(['count' => count($ids), 'by_sku' => (object) $bySku]);

    case 'order':
        $spec = json_decode($args[0] ?? '', true);
        $order = paid_order((array) $spec['lines'], (string) ($spec['email'] ?? 'jeanne@example.fr'));
        answer(['id' => $order->get_id(), 'number' => $order->get_order_number(), 'edit_url' => $order->get_edit_order_url(),
            'storage' => storage_of($order->get_id())]);

    case 'orders':
        [$count, $productId] = $args + ['0', '0'];
        // The shop's e-mails take most of an order's time and are not what is tested.
        add_filter('woocommerce_email_enabled_new_order', '__return_false');
        add_filter('woocommerce_email_enabled_customer_processing_order', '__return_false');
        $product = wc_get_product((int) $productId);
        $ids = [];
        for ($i = 0; $i < (int) $count; $i++) {
            // Saved once, already paid, as the REST API creates orders: the creation path queues it.
            $order = new \WC_Order();
            $order->set_status('processing');
            $order->set_currency('EUR');
            $order->add_product($product, 1 + $i % 3);
            $order->set_billing_email('buyer' . $i . '@example.org');
            $order->calculate_totals();
            $order->save();
            $ids[] = $order->get_id();
        }
        do_action(\ShopcaisseSync\Plugin\Orders\OrderHooks::FLUSH_ACTION);
        answer(['ids' => $ids]);

    case 'push':
        $order = wc_get_order((int) ($args[0] ?? 0));
        if (!$order) {
            fail('no such order');
        }
        \ShopcaisseSync\Plugin\Plugin::instance()->orders->pushNow($order);
        answer(\ShopcaisseSync\Plugin\Orders\OrderStates::stored(wc_get_order($order->get_id())));

    case 'order-state':
        $order = wc_get_order((int) ($args[0] ?? 0));
        if (!$order) {
            fail('no such order');
        }
        answer(\ShopcaisseSync\Plugin\Orders\OrderStates::stored($order) + ['number' => $order->get_order_number(), 'storage' => storage_of($order->get_id())]);

    case 'order-states':
        $states = [];
        foreach (json_decode($args[0] ?? '[]', true) ?: [] as $id) {
            $order = wc_get_order((int) $id);
            $states[(string) $id] = $order ? \ShopcaisseSync\Plugin\Orders\OrderStates::stored($order)['state'] : null;
        }
        answer((object) $states);

    case 'outbox':
        $outbox = engine()->listOutbox(['per_page' => 500]);
        $rows = array_map(static fn ($row) => ['wc_order_id' => $row['wc_order_id'], 'state' => $row['state'],
            'reference' => $row['external_reference'] ?? null, 'pos_order_id' => $row['pos_order_id'] ?? null], $outbox['rows']);
        answer(['total' => $outbox['total'], 'counts' => $outbox['counts'], 'rows' => $rows]);

    case 'cron-url':
        answer(['url' => \ShopcaisseSync\Plugin\Rest\CronController::url((string) ($args[0] ?? ''))]);

    case 'cod':
        update_option('woocommerce_cod_settings', ['enabled' => 'yes', 'title' => 'Paiement à la livraison', 'enable_for_methods' => [], 'enable_for_virtual' => 'yes']);
        answer(['cod' => true]);

    case 'as-lock':
        $until = \ActionScheduler::lock()->get_expiration('async-request-runner');
        answer(['until' => $until && $until > time() ? (int) $until : null, 'now' => time()]);

    case 'log-rows':
        $logs = engine()->queryLogs(json_decode($args[0] ?? '{}', true) ?: []);
        answer(['total' => (int) $logs['total'], 'rows' => $logs['rows']]);

    default:
        fail("unknown command: $command");
}

function engine(): \ShopcaisseSync\Engine
{
    $plugin = \ShopcaisseSync\Plugin\Plugin::instance();
    if ($plugin === null) {
        fail('the plugin is not loaded');
    }
    return $plugin->engines->engine();
}

/** Where WooCommerce keeps an order: its HPOS row, its post, or both. */
function storage_of(int $id): array
{
    global $wpdb;
    $hpos = (bool) $wpdb->get_var($wpdb->prepare("SELECT COUNT(*) FROM {$wpdb->prefix}wc_orders WHERE id = %d AND type = 'shop_order'", $id));
    return ['hpos_row' => $hpos, 'post_type' => (string) get_post_type($id)];
}

/**
 * A paid order bought by Jeanne, built as the WordPress tier builds its orders.
 *
 * @param list<array{0:int,1:int|float}> $lines product id, quantity
 */
function paid_order(array $lines, string $email): \WC_Order
{
    require_once dirname(__DIR__) . '/wp/support/OrderFixtures.php';
    $fixtures = new class () {
        use \ShopcaisseSync\Tests\WordPress\OrderFixtures;

        public function paid(array $lines, string $email): \WC_Order
        {
            return $this->paidOrder($lines, 'processing', static fn (\WC_Order $order) => $order->set_billing_email($email));
        }
    };
    return $fixtures->paid(array_map(static fn (array $line) => [wc_get_product((int) $line[0]), $line[1]], $lines), $email);
}

/** The scene every product and order test starts from. */
function fresh(): void
{
    global $wpdb;
    delete_option('scs_test_order_storage');
    delete_option('scs_test_background_runner');
    // Action Scheduler starts its async runner at most once a minute: a test must not wait for
    // the previous test's minute to end.
    delete_option('action_scheduler_lock_async-request-runner');
    delete_transient('action_scheduler_lock_async-request-runner');
    if (function_exists('as_unschedule_all_actions')) {
        foreach ([\ShopcaisseSync\Plugin\Orders\OrderSync::PUSH_ACTION, \ShopcaisseSync\Plugin\Orders\OrderSync::CHANGED_ACTION,
            \ShopcaisseSync\Plugin\Products\BulkImport::HOOK] as $hook) {
            as_unschedule_all_actions($hook);
        }
    }
    $wpdb->query("DELETE FROM {$wpdb->options} WHERE option_name LIKE 'shopcaisse\\_sync\\_bulk\\_%'");
    // By SQL: deleting a few hundred products or orders one by one costs seconds per test.
    $posts = "SELECT ID FROM {$wpdb->posts} WHERE post_type IN ('product', 'product_variation', 'shop_order', 'shop_order_placehold')";
    $wpdb->query("DELETE FROM {$wpdb->postmeta} WHERE post_id IN ($posts)");
    $wpdb->query("DELETE FROM {$wpdb->term_relationships} WHERE object_id IN ($posts)");
    $wpdb->query("DELETE FROM {$wpdb->comments} WHERE comment_type = 'order_note'");
    $wpdb->query("DELETE FROM {$wpdb->posts} WHERE post_type IN ('product', 'product_variation', 'shop_order', 'shop_order_placehold')");
    foreach (['wc_product_meta_lookup', 'wc_product_attributes_lookup', 'wc_orders', 'wc_orders_meta', 'wc_order_addresses',
        'wc_order_operational_data', 'woocommerce_order_itemmeta', 'woocommerce_order_items', 'wc_order_stats',
        'wc_order_product_lookup', 'wc_customer_lookup'] as $table) {
        $wpdb->query("DELETE FROM {$wpdb->prefix}$table");
    }
    wp_cache_flush();
    wc_delete_product_transients();
    // The core's state: its files go, the next engine starts an empty one.
    $dir = \ShopcaisseSync\Plugin\Core\StateDirectory::path();
    foreach (glob($dir . '/shopcaisse-sync.sqlite*') ?: [] as $file) {
        unlink($file);
    }
}
