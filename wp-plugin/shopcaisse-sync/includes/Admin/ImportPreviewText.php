<?php
/**
 * The core's import and matching dry runs, worded for the confirmation the merchant reads before
 * anything is created or linked. Names stay plain text: the page sets them with textContent.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Admin;

use ShopcaisseSync\Plugin\Products\ProductWriter;

final class ImportPreviewText
{
    /** @return array{counts:array,lines:list<string>,actionable:bool} */
    public static function from(array $preview): array
    {
        $lines = [];
        foreach ($preview['create'] ?? [] as $spec) {
            $lines[] = self::product($spec);
        }
        foreach ($preview['add_variations'] ?? [] as $add) {
            /* translators: 1: how many variations, 2: a WooCommerce product id */
            $lines[] = sprintf(__('Add %1$d variations to product #%2$d.', 'shopcaisse-sync'), count($add['variations']), (int) $add['parent_wc_id']);
        }
        foreach ($preview['link'] ?? [] as $link) {
            /* translators: %d: a WooCommerce product id */
            $lines[] = sprintf(__('Link to the existing product #%d (same reference or barcode): nothing created.', 'shopcaisse-sync'), (int) $link['wc_id']);
        }
        foreach ($preview['skipped'] ?? [] as $skipped) {
            /* translators: 1: a Shopcaisse reference or id, 2: the reason */
            $lines[] = sprintf(__('Left out: %1$s (%2$s).', 'shopcaisse-sync'), (string) ($skipped['reference'] ?? $skipped['item']), self::reason((string) $skipped['reason']));
        }
        $counts = $preview['counts'] ?? [];
        return [
            'counts' => $counts,
            'lines' => $lines,
            'actionable' => ($counts['products_to_create'] ?? 0) + ($counts['variations_to_create'] ?? 0) + ($counts['links'] ?? 0) > 0,
        ];
    }

    private static function product(array $spec): string
    {
        $price = isset($spec['regular_price']) ? ProductWriter::money((int) $spec['regular_price']) : '';
        if (!empty($spec['weighed'])) {
            /* translators: 1: product name, 2: SKU, 3: price, 4: unit symbol, 5: stock */
            return sprintf(__('Create the weighed product “%1$s” (%2$s) at %3$s per %4$s, stock %5$s.', 'shopcaisse-sync'), $spec['name'], (string) $spec['sku'], ProductWriter::money((int) $spec['weighed']['price_per_unit']), (string) $spec['weighed']['unit']['symbol'], (string) ($spec['stock'] ?? '0'));
        }
        if (($spec['product_type'] ?? '') === 'variable') {
            /* translators: 1: product name, 2: SKU, 3: how many variations */
            return sprintf(__('Create the variable product “%1$s” (%2$s) with %3$d variations.', 'shopcaisse-sync'), $spec['name'], (string) $spec['sku'], count($spec['variations'] ?? []));
        }
        if (!empty($spec['pack'])) {
            /* translators: 1: product name, 2: SKU, 3: price, 4: how many components */
            return sprintf(__('Create the pack “%1$s” (%2$s) at %3$s, its stock computed from its %4$d components.', 'shopcaisse-sync'), $spec['name'], (string) $spec['sku'], $price, count($spec['pack']['components']));
        }
        /* translators: 1: product name, 2: SKU, 3: price, 4: stock */
        return sprintf(__('Create the product “%1$s” (%2$s) at %3$s, stock %4$s.', 'shopcaisse-sync'), $spec['name'], (string) $spec['sku'], $price, (string) ($spec['stock'] ?? '0'));
    }

    /** How a link was made, in words (the core's method names otherwise reach the screens). */
    public static function linkMethod(string $method): string
    {
        return match ($method) {
            'reference' => __('reference', 'shopcaisse-sync'),
            'barcode' => __('barcode', 'shopcaisse-sync'),
            'attributes' => __('attribute values', 'shopcaisse-sync'),
            'manual' => __('by hand', 'shopcaisse-sync'),
            'imported' => __('imported', 'shopcaisse-sync'),
            'forced' => __('forced', 'shopcaisse-sync'),
            default => $method,
        };
    }

    public static function reason(string $reason): string
    {
        return match ($reason) {
            'no_price' => __('no price', 'shopcaisse-sync'),
            'conflict' => __('several products share its reference or barcode', 'shopcaisse-sync'),
            'sku_taken' => __('a WooCommerce product already uses its reference', 'shopcaisse-sync'),
            'duplicate_reference' => __('another item has the same reference', 'shopcaisse-sync'),
            'barcode_taken' => __('a WooCommerce product already uses its barcode (GTIN)', 'shopcaisse-sync'),
            'duplicate_barcode' => __('another item has the same barcode', 'shopcaisse-sync'),
            'missing_reference' => __('no reference, it could never be matched again', 'shopcaisse-sync'),
            'missing_barcode' => __('no barcode, it could never be matched again', 'shopcaisse-sync'),
            'is_declination' => __('a declination, imported with its parent', 'shopcaisse-sync'),
            'no_declinations' => __('none of its declinations is in the catalog', 'shopcaisse-sync'),
            'duplicate_attributes' => __('the same attribute values as another declination', 'shopcaisse-sync'),
            default => __('not supported', 'shopcaisse-sync'),
        };
    }

    /** What an import did. */
    public static function done(array $summary): string
    {
        /* translators: 1: products created, 2: variations created, 3: links made, 4: items left out or failed */
        return sprintf(__('%1$d products created, %2$d variations, %3$d linked, %4$d left out.', 'shopcaisse-sync'), $summary['created'], $summary['variations'], $summary['linked'], count($summary['skipped']) + count($summary['failed']));
    }

    /** Lines shown in a confirmation at most; the counts say the rest. */
    public const MAX_LINES = 200;

    /**
     * @param \Closure(string):string $nameOf a Shopcaisse item's name and reference, by id
     * @return array{counts:array,lines:list<string>,actionable:bool}
     */
    public static function matching(array $plan, \Closure $nameOf): array
    {
        $lines = [];
        foreach (array_slice($plan['links'] ?? [], 0, self::MAX_LINES) as $link) {
            /* translators: 1: a Shopcaisse item's name, 2: a WooCommerce product id, 3: by reference, barcode… */
            $lines[] = sprintf(__('Link “%1$s” to product #%2$d (by %3$s).', 'shopcaisse-sync'), $nameOf((string) $link['item']), (int) $link['wc_id'], self::linkMethod((string) $link['by']));
        }
        $more = count($plan['links'] ?? []) - self::MAX_LINES;
        if ($more > 0) {
            /* translators: %d: how many more links */
            $lines[] = sprintf(__('… and %d more.', 'shopcaisse-sync'), $more);
        }
        foreach ($plan['conflicts'] ?? [] as $conflict) {
            /* translators: 1: the shared reference or barcode, 2: product ids */
            $lines[] = sprintf(__('Not linked: “%1$s” is shared (products %2$s).', 'shopcaisse-sync'), (string) $conflict['key'], implode(', ', array_map('intval', $conflict['products'])));
        }
        return ['counts' => $plan['counts'] ?? [], 'lines' => $lines, 'actionable' => ($plan['links'] ?? []) !== []];
    }
}
