<?php
/**
 * "Produits WooCommerce": stock runs held back by the mass-drop guard (apply or dismiss), the
 * drift report (linked products whose shop stock differs from the POS, with its CSV export), and
 * every product and variation with its sync state, the ones on sale but not linked first and
 * counted, each with a shortcut to link it.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Admin;

use ShopcaisseSync\Plugin\Core\EngineFactory;
use ShopcaisseSync\Plugin\Stock\DriftReport;

final class ShopProductsTab implements Tab
{
    public const EXPORT_ACTION = 'shopcaisse_sync_export_drift';
    private const DRIFT_SHOWN = 50;

    public function __construct(private readonly EngineFactory $engines)
    {
    }

    public function title(): string
    {
        return __('WooCommerce products', 'shopcaisse-sync');
    }

    public function render(): void
    {
        try {
            $engine = $this->engines->engine();
            $held = $engine->heldStockRuns()['pending'] ?? [];
            $report = DriftReport::build($engine);
            $table = new ShopProductsTable($engine);
            $table->prepare_items();
        } catch (\ShopcaisseSync\Exception $e) {
            EngineErrorNotice::render($e);
            return;
        }
        echo '<div class="scs-products" id="scs-shop-products">';
        echo '<div id="scs-notice" class="scs-result" aria-live="polite"></div>';
        self::held($held);
        self::drift($report['drift'], $report['in_flight']);
        echo '<h2>', esc_html__('Products and their sync state', 'shopcaisse-sync'), '</h2>';
        $unlinked = $table->unlinkedOnSale();
        if ($unlinked > 0) {
            /* translators: %d: how many products */
            $text = sprintf(_n('%d product on sale is not linked to Shopcaisse: an order containing it cannot reach the POS correctly. It is listed first.', '%d products on sale are not linked to Shopcaisse: an order containing them cannot reach the POS correctly. They are listed first.', $unlinked, 'shopcaisse-sync'), $unlinked);
            echo '<div class="notice notice-warning inline"><p id="scs-unlinked-count">', esc_html($text), '</p></div>';
        }
        echo '<form method="get">';
        printf('<input type="hidden" name="page" value="%s" /><input type="hidden" name="tab" value="shop-products" />', esc_attr(SettingsPage::SLUG));
        $table->views();
        $table->display();
        echo '</form></div>';
    }

    /** @param list<array> $held */
    private static function held(array $held): void
    {
        if ($held === []) {
            return;
        }
        echo '<h2 id="scs-held-runs">', esc_html__('Stock runs held back', 'shopcaisse-sync'), '</h2>';
        foreach ($held as $run) {
            $summary = is_array($run['summary'] ?? null) ? $run['summary'] : [];
            echo '<div class="notice notice-warning inline scs-held"><p>', esc_html(self::holdReason($summary['reason'] ?? [])), '</p>';
            /* translators: %d: how many products the run would write */
            echo '<p>', esc_html(sprintf(__('It would write %d products.', 'shopcaisse-sync'), (int) ($summary['would_write'] ?? 0))), '</p><p>';
            printf('<button type="button" class="button button-primary scs-apply-held" data-id="%d">%s</button> ', (int) $run['id'], esc_html__('Apply it', 'shopcaisse-sync'));
            printf('<button type="button" class="button scs-dismiss-held" data-id="%d">%s</button>', (int) $run['id'], esc_html__('Dismiss it', 'shopcaisse-sync'));
            echo '</p></div>';
        }
    }

    public static function holdReason(array $reason): string
    {
        return match ($reason['reason'] ?? '') {
            /* translators: %d: how many linked products */
            'empty_answer' => sprintf(__('The POS answered no stock at all while %d products are linked.', 'shopcaisse-sync'), (int) ($reason['linked'] ?? 0)),
            /* translators: 1: rows in the answer, 2: linked products */
            'truncated_answer' => sprintf(__('The POS answered stock for only %1$d of the %2$d linked products: the answer looks cut short.', 'shopcaisse-sync'), (int) ($reason['rows_for_linked'] ?? 0), (int) ($reason['linked'] ?? 0)),
            /* translators: 1: products dropping to zero, 2: linked products */
            'mass_drop' => sprintf(__('%1$d of the %2$d linked products would drop to zero at once.', 'shopcaisse-sync'), (int) ($reason['drops'] ?? 0), (int) ($reason['linked'] ?? 0)),
            default => __('This stock run looks like a mass drop to zero.', 'shopcaisse-sync'),
        };
    }

    /**
     * @param list<array> $drift
     * @param list<array> $inFlight products whose shop stock is lowered by web orders in flight
     */
    private static function drift(array $drift, array $inFlight): void
    {
        echo '<h2 id="scs-stock-drift">', esc_html__('Stock drift', 'shopcaisse-sync'), '</h2>';
        if ($drift === []) {
            echo '<p>', esc_html__('Every linked product shows the stock the POS allows.', 'shopcaisse-sync'), '</p>';
        } else {
            /* translators: %d: how many products */
            echo '<p>', esc_html(sprintf(_n('%d linked product shows a stock that differs from the POS.', '%d linked products show a stock that differs from the POS.', count($drift), 'shopcaisse-sync'), count($drift))), ' ';
            $url = wp_nonce_url(admin_url('admin-post.php?action=' . self::EXPORT_ACTION), SettingsPage::NONCE_ACTION, 'nonce');
            printf('<a class="button" href="%s">%s</a></p>', esc_url($url), esc_html__('Export as CSV', 'shopcaisse-sync'));
            echo '<table class="widefat striped scs-drift"><thead><tr><th>', esc_html__('Name', 'shopcaisse-sync'), '</th><th>', esc_html__('Reference', 'shopcaisse-sync'), '</th><th>',
                esc_html__('Product', 'shopcaisse-sync'), '</th><th>', esc_html__('POS stock', 'shopcaisse-sync'), '</th><th>', esc_html__('Expected on the website', 'shopcaisse-sync'), '</th><th>', esc_html__('Shop stock', 'shopcaisse-sync'), '</th></tr></thead><tbody>';
            foreach (array_slice($drift, 0, self::DRIFT_SHOWN) as $row) {
                $held = DriftReport::positive($row['in_flight']) ? '<br><span class="scs-in-flight">' . esc_html(InFlightText::reserved($row['in_flight'])) . '</span>' : '';
                printf('<tr><td>%s</td><td>%s</td><td>#%d</td><td>%s%s</td><td>%d</td><td>%s</td></tr>', esc_html($row['name']), esc_html($row['reference']), $row['wc_id'], esc_html($row['pos']), $held, $row['expected'], $row['shop'] === null ? '—' : (int) $row['shop']);
            }
            echo '</tbody></table>';
        }
        if ($inFlight !== []) {
            /* translators: %d: how many products */
            echo '<p class="scs-in-flight-summary">', esc_html(sprintf(_n('%d product shows less than the POS stock because web orders the till has not taken in yet hold units back:', '%d products show less than the POS stock because web orders the till has not taken in yet hold units back:', count($inFlight), 'shopcaisse-sync'), count($inFlight))), '</p><ul class="scs-in-flight-list">';
            foreach (array_slice($inFlight, 0, self::DRIFT_SHOWN) as $row) {
                printf('<li>%s (#%d): %s</li>', esc_html($row['name']), $row['wc_id'], esc_html(InFlightText::reserved($row['units'])));
            }
            echo '</ul>';
        }
    }

    /** admin-post: the drift report as a CSV download. */
    public function export(?\Closure $finish = null): void
    {
        if (!current_user_can(SettingsPage::CAPABILITY)) {
            wp_die(esc_html__('You are not allowed to manage Shopcaisse Sync.', 'shopcaisse-sync'), 403);
        }
        if (!wp_verify_nonce(isset($_REQUEST['nonce']) ? sanitize_text_field(wp_unslash((string) $_REQUEST['nonce'])) : '', SettingsPage::NONCE_ACTION)) {
            wp_die(esc_html__('This page has expired. Reload it and try again.', 'shopcaisse-sync'), 403);
        }
        $rows = DriftReport::build($this->engines->engine())['drift'];
        if (!headers_sent()) {
            header('Content-Type: text/csv; charset=utf-8');
            header('Content-Disposition: attachment; filename="shopcaisse-stock-drift-' . gmdate('Y-m-d') . '.csv"');
        }
        $out = fopen('php://output', 'w');
        DriftReport::csv($rows, $out);
        fclose($out);
        ($finish ?? static function (): void {
            exit;
        })();
    }
}
