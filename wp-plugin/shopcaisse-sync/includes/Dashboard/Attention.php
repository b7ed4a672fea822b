<?php
/**
 * "What needs a person": each kind of problem with how many there are and the screen where it
 * is fixed. The core counts what it keeps (held stock runs, blocked orders, declinations not
 * associated); the shop side is counted in SQL (ids only, never product objects), and the drift
 * with the drift report's own rule, a product counting once its shop stock is off by at least
 * the threshold (filter `shopcaisse_sync_drift_threshold`, in units, 2 by default: a unit sold
 * online that the till has taken in shows as a gap of one until the next stock run writes it).
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Dashboard;

use ShopcaisseSync\Plugin\Admin\SettingsPage;
use ShopcaisseSync\Plugin\Admin\ShopProductsTable;
use ShopcaisseSync\Plugin\Orders\OrdersList;
use ShopcaisseSync\Plugin\Shop\ShopSnapshot;
use ShopcaisseSync\Plugin\Stock\DriftReport;

final class Attention
{
    public const DRIFT_THRESHOLD = 2;

    /**
     * @param array{held_stock_runs?:int,blocked_orders?:int,declinations_not_associated?:int} $core the engine's dashboard `attention`
     * @return array<string,array{count:int,url:string}> kind => how many, where it is fixed (in display order)
     */
    public static function gather(\ShopcaisseSync\Engine $engine, array $core): array
    {
        return [
            'held_stock_runs' => ['count' => (int) ($core['held_stock_runs'] ?? 0), 'url' => self::tab('shop-products') . '#scs-held-runs'],
            'blocked_orders' => ['count' => (int) ($core['blocked_orders'] ?? 0), 'url' => OrdersList::url('blocked')],
            'unlinked_on_sale' => ['count' => self::unlinkedOnSale($engine), 'url' => self::tab('shop-products', [ShopProductsTable::FILTER => ShopProductsTable::UNLINKED])],
            'unassociated_declinations' => ['count' => (int) ($core['declinations_not_associated'] ?? 0), 'url' => self::tab('variations')],
            'drift' => ['count' => self::drift($engine), 'url' => self::tab('shop-products') . '#scs-stock-drift'],
        ];
    }

    /**
     * What each kind says, with its count.
     */
    public static function text(string $kind, int $count): string
    {
        return match ($kind) {
            /* translators: %d: how many stock runs */
            'held_stock_runs' => sprintf(_n('%d stock run held back, waiting for you to apply or dismiss it', '%d stock runs held back, waiting for you to apply or dismiss them', $count, 'shopcaisse-sync'), $count),
            /* translators: %d: how many orders */
            'blocked_orders' => sprintf(_n('%d order blocked: it cannot reach the POS', '%d orders blocked: they cannot reach the POS', $count, 'shopcaisse-sync'), $count),
            /* translators: %d: how many products */
            'unlinked_on_sale' => sprintf(_n('%d product on sale not linked to Shopcaisse', '%d products on sale not linked to Shopcaisse', $count, 'shopcaisse-sync'), $count),
            /* translators: %d: how many declinations */
            'unassociated_declinations' => sprintf(_n('%d declination of a linked product not associated with a variation', '%d declinations of linked products not associated with a variation', $count, 'shopcaisse-sync'), $count),
            /* translators: %d: how many products */
            'drift' => sprintf(_n('%d linked product whose shop stock is far from the POS', '%d linked products whose shop stock is far from the POS', $count, 'shopcaisse-sync'), $count),
            default => $kind,
        };
    }

    /** Products and variations on sale that no link reaches (a variable parent is linked through its variations). */
    public static function unlinkedOnSale(\ShopcaisseSync\Engine $engine): int
    {
        $linked = [];
        foreach ($engine->listLinks(0)['links'] ?? [] as $link) {
            $linked[(int) $link['wc_id']] = true;
        }
        $count = 0;
        foreach (ShopSnapshot::onSaleIds() as $id) {
            if (!isset($linked[$id])) {
                $count++;
            }
        }
        return $count;
    }

    /** Linked products whose shop stock is off by the threshold or more (or not managed at all). */
    public static function drift(\ShopcaisseSync\Engine $engine): int
    {
        $threshold = max(1, (int) apply_filters('shopcaisse_sync_drift_threshold', self::DRIFT_THRESHOLD));
        $far = array_filter(
            DriftReport::build($engine)['drift'],
            static fn (array $row) => $row['shop'] === null || abs($row['expected'] - $row['shop']) >= $threshold
        );
        return count($far);
    }

    /** @param array<string,string> $query */
    private static function tab(string $slug, array $query = []): string
    {
        return add_query_arg(['page' => SettingsPage::SLUG, 'tab' => $slug] + $query, admin_url('options-general.php'));
    }
}
