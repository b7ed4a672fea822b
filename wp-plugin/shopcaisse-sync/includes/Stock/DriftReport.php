<?php
/**
 * Linked products whose WooCommerce stock differs from what the stock job would write: the
 * stock WooCommerce shows (product lookup table) against the core's figure for each cached row
 * (`shop_units`: the POS stock, minus what it reserves for customers when the setting says so,
 * minus what web orders in flight hold back, in whole units). The rule stays in the core, so a
 * figure shown here is the figure a stock run writes. Packs and parents of declinations are
 * left out: their stock is made up from other items.
 *
 * It also gathers the products whose shop stock is below the POS because web orders the till
 * has not taken in yet hold units back: that is no drift, but the screen says why.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Stock;

final class DriftReport
{
    private const PAGE = 500;

    /**
     * @return array{
     *   drift: list<array{item_id:string,name:string,reference:string,wc_id:int,pos:string,in_flight:string,expected:int,shop:?int}>,
     *   in_flight: list<array{item_id:string,name:string,wc_id:int,units:string}>
     * }
     */
    public static function build(\ShopcaisseSync\Engine $engine): array
    {
        $drift = [];
        $inFlight = [];
        for ($page = 1; ; $page++) {
            $rows = $engine->searchCatalog(['linked' => true, 'page' => $page, 'per_page' => self::PAGE])['rows'];
            if ($rows === []) {
                break;
            }
            $candidates = array_filter($rows, static fn ($row) => ($row['shop_units'] ?? null) !== null);
            $shop = self::shopStock(array_map(static fn ($row) => (int) $row['wc_id'], $candidates));
            foreach ($candidates as $row) {
                $wc = (int) $row['wc_id'];
                $held = (string) ($row['reserved_in_flight'] ?? '0');
                if (self::positive($held)) {
                    $inFlight[] = ['item_id' => (string) $row['id'], 'name' => (string) $row['name'], 'wc_id' => $wc, 'units' => $held];
                }
                $expected = (int) $row['shop_units'];
                $current = $shop[$wc] ?? null;
                if ($current !== $expected) {
                    $drift[] = [
                        'item_id' => (string) $row['id'],
                        'name' => (string) $row['name'],
                        'reference' => (string) ($row['reference'] ?? ''),
                        'wc_id' => $wc,
                        'pos' => (string) $row['stock']['stock'],
                        'in_flight' => $held,
                        'expected' => $expected,
                        'shop' => $current,
                    ];
                }
            }
            if (count($rows) < self::PAGE) {
                break;
            }
        }
        return ['drift' => $drift, 'in_flight' => $inFlight];
    }

    /** Whether a decimal quantity string from the core is above zero ("0", "0.000" are not). */
    public static function positive(string $quantity): bool
    {
        return (float) $quantity > 0.0;
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

    /** Writes the drift rows as CSV (Excel reads the BOM as UTF-8). */
    public static function csv(array $rows, $out): void
    {
        fwrite($out, "\xEF\xBB\xBF");
        fputcsv($out, ['item_id', 'name', 'reference', 'wc_id', 'pos_stock', 'in_flight', 'expected_shop_stock', 'shop_stock'], ',', '"', '\\');
        foreach ($rows as $row) {
            // A cell starting with = + - @ would be a formula in a spreadsheet: quote it as text.
            $cells = array_map(static fn ($v) => is_string($v) && preg_match('/^[=+\-@\t\r]/', $v) ? "'" . $v : $v, array_values($row));
            fputcsv($out, $cells, ',', '"', '\\');
        }
    }
}
