<?php
/**
 * The product tabs' AJAX actions. Each checks the capability and the nonce first, hands the
 * decision to the core, and answers JSON (names as data: the page sets them as text).
 *
 * - search_products: WooCommerce products for the selectWoo box (link by hand);
 * - link / unlink / restore_link: a link made, undone, or restored from its history row;
 * - preview_import: what importing these items would create (the core's dry run), worded;
 * - import: one item now; several in the background (Action Scheduler), with a batch to poll;
 * - import_progress: a background import's progress;
 * - preview_matching / apply_matching: every exact match, shown, then linked;
 * - apply_held_stock / dismiss_held_stock: a stock run the mass-drop guard held back.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Admin;

use ShopcaisseSync\Plugin\Core\EngineFactory;
use ShopcaisseSync\Plugin\ErrorMessages;
use ShopcaisseSync\Plugin\Jobs\JobRunner;
use ShopcaisseSync\Plugin\Jobs\StockJob;
use ShopcaisseSync\Plugin\Products\BulkImport;
use ShopcaisseSync\Plugin\Products\Importer;
use ShopcaisseSync\Plugin\Settings\Options;
use ShopcaisseSync\Plugin\Shop\ShopSnapshot;

final class ProductsAjax
{
    /** Imports of at most this many items run in the request; more go to the background. */
    public const INLINE_LIMIT = 1;

    private const ACTIONS = ['search_products', 'link', 'unlink', 'restore_link', 'preview_import', 'import',
        'import_progress', 'preview_matching', 'apply_matching', 'apply_held_stock', 'dismiss_held_stock'];

    public function __construct(private readonly EngineFactory $engines, private readonly BulkImport $bulk)
    {
    }

    public function register(): void
    {
        foreach (self::ACTIONS as $action) {
            add_action('wp_ajax_shopcaisse_sync_' . $action, function () use ($action): void {
                $this->guard();
                try {
                    $this->{$action}();
                } catch (\ShopcaisseSync\Exception $e) {
                    $kind = ErrorMessages::kindOfCode((int) $e->getCode());
                    wp_send_json_error(['kind' => $kind, 'message' => ErrorMessages::forKind($kind), 'detail' => $e->getMessage()], 400);
                }
            });
        }
    }

    private function guard(): void
    {
        if (!current_user_can(SettingsPage::CAPABILITY)) {
            wp_send_json_error(['message' => __('You are not allowed to manage Shopcaisse Sync.', 'shopcaisse-sync')], 403);
        }
        if (!check_ajax_referer(SettingsPage::NONCE_ACTION, 'nonce', false)) {
            wp_send_json_error(['message' => __('This page has expired. Reload it and try again.', 'shopcaisse-sync')], 403);
        }
    }

    private static function text(string $field): string
    {
        return isset($_POST[$field]) ? trim(sanitize_text_field(wp_unslash((string) $_POST[$field]))) : '';
    }

    /** @return list<string> */
    private static function itemIds(): array
    {
        $raw = isset($_POST['item_ids']) ? (array) wp_unslash($_POST['item_ids']) : [];
        $ids = array_map(static fn ($id) => sanitize_text_field((string) $id), $raw);
        return array_values(array_unique(array_filter($ids, static fn (string $id) => $id !== '')));
    }

    private function search_products(): void
    {
        $term = self::text('term');
        $ids = $term === '' ? [] : (new \WC_Product_Data_Store_CPT())->search_products($term, '', true, false, 20);
        $rows = [];
        foreach (ShopSnapshot::byIds($ids) as $id => $product) {
            $label = $product['name'] . (isset($product['sku']) ? ' (' . $product['sku'] . ')' : '') . ' #' . $id;
            $rows[] = ['id' => $id, 'text' => $label];
        }
        wp_send_json_success(['results' => $rows]);
    }

    private function link(): void
    {
        $wcId = isset($_POST['wc_id']) ? absint($_POST['wc_id']) : 0;
        $item = self::text('item_id');
        if ($wcId === 0 || $item === '') {
            wp_send_json_error(['message' => __('Choose a product to link.', 'shopcaisse-sync')], 400);
        }
        $this->engines->engine()->link($item, $wcId);
        wp_send_json_success(['message' => __('Linked.', 'shopcaisse-sync')]);
    }

    private function unlink(): void
    {
        $this->engines->engine()->unlinkItem(self::text('item_id'));
        wp_send_json_success(['message' => __('Link undone. It can be restored from the history.', 'shopcaisse-sync')]);
    }

    private function restore_link(): void
    {
        $this->engines->engine()->restoreLink(isset($_POST['history_id']) ? absint($_POST['history_id']) : 0);
        wp_send_json_success(['message' => __('Link restored.', 'shopcaisse-sync')]);
    }

    private function preview_import(): void
    {
        $ids = self::itemIds();
        $preview = $this->engines->engine()->previewImport(ShopSnapshot::products(), $ids === [] ? null : $ids);
        wp_send_json_success(ImportPreviewText::from($preview));
    }

    private function import(): void
    {
        $ids = self::itemIds();
        if ($ids === []) {
            wp_send_json_error(['message' => __('Select at least one item.', 'shopcaisse-sync')], 400);
        }
        if (count($ids) > self::INLINE_LIMIT) {
            wp_send_json_success(['batch' => $this->bulk->start($ids), 'total' => count($ids)]);
        }
        $done = Importer::make()->import($this->engines->engine(), $ids);
        wp_send_json_success(['summary' => $done, 'message' => ImportPreviewText::done($done)]);
    }

    private function import_progress(): void
    {
        $progress = BulkImport::progress(self::text('batch'));
        if ($progress === null) {
            wp_send_json_error(['message' => __('This import is no longer known.', 'shopcaisse-sync')], 404);
        }
        if ($progress['state'] === 'queued') {
            BulkImport::kick(); // not started yet: the runner may never have been asked
        }
        wp_send_json_success($progress);
    }

    private function preview_matching(): void
    {
        $engine = $this->engines->engine();
        $plan = $engine->planMatching(ShopSnapshot::products());
        wp_send_json_success(ImportPreviewText::matching($plan, static function (string $item) use ($engine): string {
            $row = $engine->catalogItem($item)['row'];
            return $row['name'] . (($row['reference'] ?? '') !== '' ? ' (' . $row['reference'] . ')' : '');
        }));
    }

    private function apply_matching(): void
    {
        $applied = $this->engines->engine()->applyMatching(ShopSnapshot::products());
        $count = count($applied['recorded']);
        /* translators: %d: how many links were made */
        wp_send_json_success(['recorded' => $count, 'message' => sprintf(_n('%d link made.', '%d links made.', $count, 'shopcaisse-sync'), $count)]);
    }

    private function apply_held_stock(): void
    {
        $engine = $this->engines->engine();
        $budget = (float) Options::get('job_budget_seconds');
        $start = $engine->startJob('stock', (int) (($budget + 60) * 1000));
        if (!$start['started']) {
            wp_send_json_error(['message' => ErrorMessages::forKind('busy')], 409);
        }
        try {
            $result = (new StockJob())->apply($engine, $engine->planStock(true), microtime(true) + $budget);
        } catch (\Throwable $e) {
            $engine->finishJob('stock', $start['run_id'], 'failed', ['error' => JobRunner::describe($e)], null);
            throw $e;
        }
        $engine->finishJob('stock', $start['run_id'], $result->outcome, $result->summary, $result->cursor);
        $written = (int) ($result->summary['written'] ?? 0);
        /* translators: %d: how many products had their stock written */
        wp_send_json_success(['summary' => $result->summary, 'message' => sprintf(_n('Applied: %d product written.', 'Applied: %d products written.', $written, 'shopcaisse-sync'), $written)]);
    }

    private function dismiss_held_stock(): void
    {
        $this->engines->engine()->dismissHeldStockRun(isset($_POST['id']) ? absint($_POST['id']) : 0);
        wp_send_json_success(['message' => __('Dismissed: this stock run will not be applied.', 'shopcaisse-sync')]);
    }
}
