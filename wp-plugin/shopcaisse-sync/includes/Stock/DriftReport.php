<?php
/**
 * Linked products whose WooCommerce stock differs from what the POS holds: the stock WooCommerce
 * shows (product lookup table) against the available POS stock in the core's cache (stock minus
 * what is reserved for customers when the setting says so, never below zero, whole units for
 * weighed items, as the stock job writes them). Packs and parents of declinations are left out:
 * their stock is computed, not read.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Stock;

use ShopcaisseSync\Plugin\Products\ProductWriter;
use ShopcaisseSync\Plugin\Settings\Options;

final class DriftReport
{
    /**
     * @return list<array{item_id:string,name:string,reference:string,wc_id:int,pos:int,shop:?int}>
     */
    public static function rows(\ShopcaisseSync\Engine $engine): array
    {
        $subtract = (bool) Options::get('subtract_reserved');
        $drift = [];
        for ($page = 1; ; $page++) {
            $rows = $engine->searchCatalog(['linked' => true, 'page' => $page, 'per_page' => 500])['rows'];
            if ($rows === []) {
                break;
            }
            $candidates = array_filter($rows, static fn ($row) => !$row['has_declinations'] && $row['stock'] !== null
                && (is_array($row['kind']) ? ($row['kind']['kind'] ?? '') : $row['kind']) !== 'pack');
            $shop = self::shopStock(array_map(static fn ($row) => (int) $row['wc_id'], $candidates));
            foreach ($candidates as $row) {
                $available = (float) $row['stock']['stock'] - ($subtract ? (float) $row['stock']['reserved_for_customers'] : 0.0);
                $pos = ProductWriter::units(sprintf('%.3F', max(0.0, $available)));
                $wc = (int) $row['wc_id'];
                $current = $shop[$wc] ?? null;
                if ($current !== $pos) {
                    $drift[] = ['item_id' => (string) $row['id'], 'name' => (string) $row['name'], 'reference' => (string) ($row['reference'] ?? ''), 'wc_id' => $wc, 'pos' => $pos, 'shop' => $current];
                }
            }
            if (count($rows) < 500) {
                break;
            }
        }
        return $drift;
    }

    /**
     * @param int[] $ids
     * @return array<int,?int> wc_id => stock WooCommerce shows (null: stock not managed)
     */
    private static function shopStock(array $ids): array
    {
        if ($ids === []) {
            return [];
        }
        global $wpdb;
        $rows = $wpdb->get_results(
            "SELECT product_id, stock_quantity FROM {$wpdb->prefix}wc_product_meta_lookup WHERE product_id IN (" . implode(',', array_map('intval', $ids)) . ')',
            ARRAY_N
        );
        $stock = [];
        foreach ($rows as [$id, $quantity]) {
            $stock[(int) $id] = $quantity === null ? null : (int) floor((float) $quantity);
        }
        return $stock;
    }

    /** Writes the report as CSV (Excel reads the BOM as UTF-8). */
    public static function csv(array $rows, $out): void
    {
        fwrite($out, "\xEF\xBB\xBF");
        fputcsv($out, ['item_id', 'name', 'reference', 'wc_id', 'pos_stock', 'shop_stock'], ',', '"', '\\');
        foreach ($rows as $row) {
            // A cell starting with = + - @ would be a formula in a spreadsheet: quote it as text.
            $cells = array_map(static fn ($v) => is_string($v) && preg_match('/^[=+\-@\t\r]/', $v) ? "'" . $v : $v, array_values($row));
            fputcsv($out, $cells, ',', '"', '\\');
        }
    }
}
