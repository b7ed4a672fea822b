<?php
/**
 * Large shops for the benchmarks, inserted with multi-row SQL (posts, the metas WooCommerce reads,
 * the lookup table row, the product type): the products are real WooCommerce products, as
 * wc_get_product and wc_update_product_stock see them, without paying for 100 000 saves.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress\Bench;

final class ShopFixture
{
    /**
     * Inserts one simple product per reference, its stock managed; answers reference => id.
     *
     * @param array<string,int> $stockByReference
     * @return array<string,int>
     */
    public static function simpleProducts(array $stockByReference): array
    {
        global $wpdb;
        $simple = (int) get_term_by('slug', 'simple', 'product_type')->term_taxonomy_id;
        $now = current_time('mysql');
        $ids = [];
        foreach (array_chunk($stockByReference, 1000, true) as $chunk) {
            $rows = [];
            foreach ($chunk as $reference => $stock) {
                $slug = 'scsb-' . md5((string) $reference);
                $rows[] = $wpdb->prepare('(1, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)', $now, $now, '', 'Bench ' . $reference, '', 'publish', 'closed', $slug, '', '', $now, $now, '', 'product');
            }
            $wpdb->query("INSERT INTO {$wpdb->posts} (post_author, post_date, post_date_gmt, post_content, post_title, post_excerpt, post_status, comment_status, post_name, to_ping, pinged, post_modified, post_modified_gmt, post_content_filtered, post_type) VALUES " . implode(',', $rows));
            $slugs = array_map(static fn ($r) => "'scsb-" . md5((string) $r) . "'", array_keys($chunk));
            $found = $wpdb->get_results("SELECT ID, post_name FROM {$wpdb->posts} WHERE post_name IN (" . implode(',', $slugs) . ')', ARRAY_N);
            $bySlug = [];
            foreach ($found as [$id, $slug]) {
                $bySlug[$slug] = (int) $id;
            }
            $meta = [];
            $lookup = [];
            $terms = [];
            foreach ($chunk as $reference => $stock) {
                $id = $bySlug['scsb-' . md5((string) $reference)];
                $ids[(string) $reference] = $id;
                foreach (['_sku' => (string) $reference, '_regular_price' => '10', '_price' => '10', '_manage_stock' => 'yes', '_stock' => (string) $stock, '_stock_status' => 'instock', '_tax_status' => 'taxable', '_backorders' => 'no'] as $key => $value) {
                    $meta[] = $wpdb->prepare('(%d, %s, %s)', $id, $key, $value);
                }
                $lookup[] = $wpdb->prepare("(%d, %s, '', 0, 0, 10, 10, 0, %d, 'instock', 0, 0, 0, 'taxable', '')", $id, (string) $reference, $stock);
                $terms[] = sprintf('(%d, %d)', $id, $simple);
            }
            $wpdb->query("INSERT INTO {$wpdb->postmeta} (post_id, meta_key, meta_value) VALUES " . implode(',', $meta));
            $wpdb->query("INSERT INTO {$wpdb->prefix}wc_product_meta_lookup (product_id, sku, global_unique_id, `virtual`, downloadable, min_price, max_price, onsale, stock_quantity, stock_status, rating_count, average_rating, total_sales, tax_status, tax_class) VALUES " . implode(',', $lookup));
            $wpdb->query("INSERT INTO {$wpdb->term_relationships} (object_id, term_taxonomy_id) VALUES " . implode(',', $terms));
        }
        wp_cache_flush();
        return $ids;
    }

    /** Sets the stock of products directly (what WooCommerce would show after a sync). */
    public static function setStock(array $stockById): void
    {
        global $wpdb;
        foreach ($stockById as $id => $stock) {
            $wpdb->query($wpdb->prepare("UPDATE {$wpdb->postmeta} SET meta_value = %s WHERE post_id = %d AND meta_key = '_stock'", (string) $stock, $id));
            $wpdb->query($wpdb->prepare("UPDATE {$wpdb->prefix}wc_product_meta_lookup SET stock_quantity = %d WHERE product_id = %d", $stock, $id));
        }
        wp_cache_flush();
    }
}
