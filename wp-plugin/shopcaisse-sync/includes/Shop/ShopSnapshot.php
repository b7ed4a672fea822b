<?php
/**
 * The shop as the core matches it: every WooCommerce product and variation with its type, SKU,
 * GTIN, a variation's attribute values, and whether it is on sale. Read with a few SQL queries
 * per page of ids (posts, the product lookup table, the GTIN meta, variation attributes), never
 * by loading WC_Product objects, so 100 000 products and variations fit in a small memory limit.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Shop;

final class ShopSnapshot
{
    public const PAGE = 5000;

    /**
     * Every product and variation, in the shape the engine takes. Names are left out unless
     * asked for: matching never reads them, suggestions do.
     *
     * @return list<array<string,mixed>>
     */
    public static function products(bool $withNames = false, int $page = self::PAGE): array
    {
        $all = [];
        foreach (self::pages($withNames, $page) as $rows) {
            array_push($all, ...$rows);
        }
        return $all;
    }

    /**
     * The same products, page by page, in id order.
     *
     * @return \Generator<int,list<array<string,mixed>>>
     */
    public static function pages(bool $withNames = false, int $page = self::PAGE): \Generator
    {
        $after = 0;
        while (true) {
            $rows = self::page($after, $page, $withNames);
            if ($rows === []) {
                return;
            }
            $after = (int) end($rows)['id'];
            yield $rows;
            if (count($rows) < $page) {
                return;
            }
        }
    }

    /**
     * Some products by id (a page of a screen), same shape.
     *
     * @param int[] $ids
     * @return array<int,array<string,mixed>> by id
     */
    public static function byIds(array $ids, bool $withNames = true): array
    {
        $ids = array_values(array_unique(array_filter(array_map('intval', $ids), static fn (int $id) => $id > 0)));
        if ($ids === []) {
            return [];
        }
        $rows = self::query('p.ID IN (' . implode(',', $ids) . ')', count($ids), $withNames);
        return array_column($rows, null, 'id');
    }

    /**
     * The ids of the products and variations on sale, with the rule of `on_sale` below (published,
     * a variation's parent too, with a price), variable parents left out: they are on sale
     * through their variations. One query of ids, for counts.
     *
     * @return int[]
     */
    public static function onSaleIds(): array
    {
        global $wpdb;
        return array_map('intval', $wpdb->get_col(
            "SELECT p.ID FROM {$wpdb->posts} p
             LEFT JOIN {$wpdb->posts} pp ON pp.ID = p.post_parent AND p.post_type = 'product_variation'
             WHERE p.post_type IN ('product', 'product_variation') AND p.post_status = 'publish'
               AND (p.post_type = 'product' OR pp.post_status = 'publish')
               AND EXISTS (SELECT 1 FROM {$wpdb->postmeta} pr WHERE pr.post_id = p.ID AND pr.meta_key = '_price' AND pr.meta_value <> '')
               AND NOT EXISTS (
                   SELECT 1 FROM {$wpdb->term_relationships} tr
                   JOIN {$wpdb->term_taxonomy} tt ON tt.term_taxonomy_id = tr.term_taxonomy_id AND tt.taxonomy = 'product_type'
                   JOIN {$wpdb->terms} t ON t.term_id = tt.term_id AND t.slug = 'variable'
                   WHERE tr.object_id = p.ID)"
        ));
    }

    /** @return list<array<string,mixed>> */
    private static function page(int $after, int $limit, bool $withNames): array
    {
        return self::query('p.ID > ' . $after, $limit, $withNames);
    }

    /** @return list<array<string,mixed>> */
    private static function query(string $where, int $limit, bool $withNames): array
    {
        global $wpdb;
        $name = $withNames ? 'p.post_title' : "''";
        // One row per product: its type term (parents only), its lookup row, its GTIN and price metas.
        // Every column aliased: wpdb builds ARRAY_N rows from named columns.
        $sql = "SELECT p.ID AS c0, p.post_parent AS c1, p.post_type AS c2, p.post_status AS c3, pp.post_status AS c4,
                       t.slug AS c5, l.sku AS c6, COALESCE(NULLIF(l.global_unique_id, ''),
                           (SELECT g.meta_value FROM {$wpdb->postmeta} g WHERE g.post_id = p.ID AND g.meta_key = '_global_unique_id' LIMIT 1)) AS c7,
                       (SELECT pr.meta_value FROM {$wpdb->postmeta} pr WHERE pr.post_id = p.ID AND pr.meta_key = '_price' AND pr.meta_value <> '' LIMIT 1) AS c8, $name AS c9
                FROM {$wpdb->posts} p
                LEFT JOIN {$wpdb->posts} pp ON pp.ID = p.post_parent AND p.post_type = 'product_variation'
                LEFT JOIN {$wpdb->prefix}wc_product_meta_lookup l ON l.product_id = p.ID
                LEFT JOIN (
                    {$wpdb->term_relationships} tr
                    JOIN {$wpdb->term_taxonomy} tt ON tt.term_taxonomy_id = tr.term_taxonomy_id AND tt.taxonomy = 'product_type'
                    JOIN {$wpdb->terms} t ON t.term_id = tt.term_id
                ) ON tr.object_id = p.ID AND p.post_type = 'product'
                WHERE p.post_type IN ('product', 'product_variation')
                  AND p.post_status NOT IN ('trash', 'auto-draft', 'inherit')
                  AND $where
                ORDER BY p.ID
                LIMIT " . (int) $limit;
        $raw = $wpdb->get_results($sql, ARRAY_N);
        if (!$raw) {
            return [];
        }
        $variations = [];
        foreach ($raw as $r) {
            if ($r[2] === 'product_variation') {
                $variations[] = (int) $r[0];
            }
        }
        $attributes = self::variationAttributes($variations);
        $products = [];
        $seen = [];
        foreach ($raw as [$id, $parent, $postType, $status, $parentStatus, $type, $sku, $gtin, $price, $title]) {
            $id = (int) $id;
            if (isset($seen[$id])) {
                continue; // a second GTIN or type row of the same product
            }
            $seen[$id] = true;
            $isVariation = $postType === 'product_variation';
            $published = $status === 'publish' && (!$isVariation || $parentStatus === 'publish');
            $kind = $isVariation ? 'variation' : match ($type) {
                'simple', 'variable' => $type,
                null, '' => 'simple',
                default => 'other',
            };
            $product = ['id' => $id, 'kind' => $kind];
            if ($isVariation) {
                $product['parent_id'] = (int) $parent;
                $product['attributes'] = $attributes[$id] ?? [];
            }
            if ($sku !== null && $sku !== '') {
                $product['sku'] = $sku;
            }
            if ($gtin !== null && $gtin !== '') {
                $product['barcode'] = $gtin;
            }
            if ($withNames) {
                $product['name'] = (string) $title;
            }
            // Purchasable: published (a variation and its parent) with a price; a variable
            // parent is on sale when it is published, its variations carry the prices.
            $product['on_sale'] = $published && ($kind === 'variable' || ($price !== null && $price !== ''));
            $product['published'] = $published;
            $products[] = $product;
        }
        return $products;
    }

    /**
     * A variation's attribute values, named as the merchant sees them: a global attribute's
     * label and term name, a custom attribute's name and value.
     *
     * @param int[] $ids
     * @return array<int,list<array{name:string,value:string}>>
     */
    private static function variationAttributes(array $ids): array
    {
        if ($ids === []) {
            return [];
        }
        global $wpdb;
        $rows = $wpdb->get_results(
            "SELECT post_id, meta_key, meta_value FROM {$wpdb->postmeta}
             WHERE post_id IN (" . implode(',', $ids) . ") AND meta_key LIKE 'attribute\\_%' AND meta_value <> ''",
            ARRAY_N
        );
        $terms = [];
        foreach ($rows as [, $key, $value]) {
            $taxonomy = substr($key, strlen('attribute_'));
            if (str_starts_with($taxonomy, 'pa_')) {
                $terms[$taxonomy][$value] = $value;
            }
        }
        $termNames = self::termNames($terms);
        $out = [];
        foreach ($rows as [$postId, $key, $value]) {
            $taxonomy = substr($key, strlen('attribute_'));
            if (str_starts_with($taxonomy, 'pa_')) {
                $name = wc_attribute_label($taxonomy);
                $value = $termNames[$taxonomy][$value] ?? $value;
            } else {
                $name = $taxonomy;
            }
            $out[(int) $postId][] = ['name' => (string) $name, 'value' => (string) $value];
        }
        return $out;
    }

    /**
     * @param array<string,array<string,string>> $slugs taxonomy => slugs
     * @return array<string,array<string,string>> taxonomy => slug => name
     */
    private static function termNames(array $slugs): array
    {
        if ($slugs === []) {
            return [];
        }
        global $wpdb;
        $names = [];
        foreach ($slugs as $taxonomy => $values) {
            $placeholders = implode(',', array_fill(0, count($values), '%s'));
            $rows = $wpdb->get_results($wpdb->prepare(
                "SELECT t.slug, t.name FROM {$wpdb->terms} t
                 JOIN {$wpdb->term_taxonomy} tt ON tt.term_id = t.term_id AND tt.taxonomy = %s
                 WHERE t.slug IN ($placeholders)",
                $taxonomy,
                ...array_values($values)
            ), ARRAY_N);
            foreach ($rows as [$slug, $name]) {
                $names[$taxonomy][$slug] = $name;
            }
        }
        return $names;
    }
}
