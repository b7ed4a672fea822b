<?php
/**
 * Shopcaisse images into the media library, once: an image already fetched from the same address
 * is reused without a download, and one whose bytes are already there (same content hash, under
 * another address) is reused too. A broken address is logged and skipped; the product is still
 * saved. When a product's images change in Shopcaisse, the new ones replace the old, and an old
 * image this plugin brought in and that nothing else uses is deleted, so a change never piles up
 * copies.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Products;

use ShopcaisseSync\Plugin\Logger;

final class ImageImporter
{
    public const SOURCE_META = '_shopcaisse_source_url';
    public const HASH_META = '_shopcaisse_content_hash';
    /** On a product: the Shopcaisse image addresses last applied (what the engine diffs against). */
    public const APPLIED_META = '_shopcaisse_images';

    /** Addresses that failed during this request, not retried within it. */
    private array $failed = [];

    /**
     * Sets a product's (or variation's) images from Shopcaisse addresses: the first as its image,
     * the others as its gallery (a variation has one image), and remembers them as applied.
     *
     * @param list<string> $urls
     * @return array{attached:int,failed:list<string>}
     */
    public function apply(\WC_Product $product, array $urls): array
    {
        $ids = [];
        $failed = [];
        foreach (array_values(array_unique($urls)) as $url) {
            $id = $this->import((string) $url, $product->get_id());
            if ($id === null) {
                $failed[] = (string) $url;
            } else {
                $ids[] = $id;
            }
        }
        $before = array_filter(array_merge([(int) $product->get_image_id()], array_map('intval', $product->get_gallery_image_ids())));
        $product->set_image_id($ids[0] ?? '');
        if (!$product->is_type('variation')) {
            $product->set_gallery_image_ids(array_slice($ids, 1));
        }
        $product->update_meta_data(self::APPLIED_META, array_values($urls));
        $product->save();
        foreach (array_diff($before, $ids) as $old) {
            $this->deleteIfUnused((int) $old, $product->get_id());
        }
        return ['attached' => count($ids), 'failed' => $failed];
    }

    /** The attachment for an address: reused, or downloaded once; null when it cannot be had. */
    public function import(string $url, int $parentId = 0): ?int
    {
        if ($url === '' || isset($this->failed[$url])) {
            return null;
        }
        $known = self::attachmentWithMeta(self::SOURCE_META, $url);
        if ($known !== null) {
            return $known;
        }
        $response = wp_safe_remote_get($url, ['timeout' => 20, 'redirection' => 3]);
        $body = is_wp_error($response) ? '' : (string) wp_remote_retrieve_body($response);
        $status = is_wp_error($response) ? 0 : (int) wp_remote_retrieve_response_code($response);
        if ($status !== 200 || $body === '') {
            $why = is_wp_error($response) ? $response->get_error_message() : 'HTTP ' . $status;
            return $this->fail($url, $why);
        }
        $hash = sha1($body);
        $same = self::attachmentWithMeta(self::HASH_META, $hash);
        if ($same !== null) {
            add_post_meta($same, self::SOURCE_META, $url);
            return $same;
        }
        $name = sanitize_file_name(wp_basename((string) wp_parse_url($url, PHP_URL_PATH)) ?: 'image');
        $tmp = wp_tempnam($name);
        file_put_contents($tmp, $body);
        $type = wp_check_filetype_and_ext($tmp, $name);
        if (empty($type['type']) || !str_starts_with((string) $type['type'], 'image/')) {
            $sniffed = wp_get_image_mime($tmp);
            if (!$sniffed) {
                wp_delete_file($tmp);
                return $this->fail($url, 'not an image');
            }
            $extensions = array_search($sniffed, wp_get_mime_types(), true);
            $name = pathinfo($name, PATHINFO_FILENAME) . '.' . explode('|', (string) $extensions)[0];
        }
        require_once ABSPATH . 'wp-admin/includes/file.php';
        require_once ABSPATH . 'wp-admin/includes/media.php';
        require_once ABSPATH . 'wp-admin/includes/image.php';
        $id = media_handle_sideload(['name' => $name, 'tmp_name' => $tmp], $parentId);
        if (is_wp_error($id)) {
            wp_delete_file($tmp);
            return $this->fail($url, $id->get_error_message());
        }
        add_post_meta($id, self::SOURCE_META, $url);
        add_post_meta($id, self::HASH_META, $hash, true);
        return (int) $id;
    }

    private function fail(string $url, string $why): ?int
    {
        $this->failed[$url] = true;
        Logger::warning(sprintf('image skipped: %s (%s)', $url, $why));
        return null;
    }

    private static function attachmentWithMeta(string $key, string $value): ?int
    {
        global $wpdb;
        $id = $wpdb->get_var($wpdb->prepare(
            "SELECT m.post_id FROM {$wpdb->postmeta} m JOIN {$wpdb->posts} p ON p.ID = m.post_id AND p.post_type = 'attachment'
             WHERE m.meta_key = %s AND m.meta_value = %s LIMIT 1",
            $key,
            $value
        ));
        return $id === null ? null : (int) $id;
    }

    /** Deletes an image this plugin brought in for $productId, once no product shows it. */
    private function deleteIfUnused(int $attachment, int $productId): void
    {
        if (get_post_meta($attachment, self::HASH_META, true) === '' || (int) wp_get_post_parent_id($attachment) !== $productId) {
            return;
        }
        global $wpdb;
        $used = (int) $wpdb->get_var($wpdb->prepare(
            "SELECT COUNT(*) FROM {$wpdb->postmeta}
             WHERE (meta_key = '_thumbnail_id' AND meta_value = %s)
                OR (meta_key = '_product_image_gallery' AND FIND_IN_SET(%s, meta_value))",
            (string) $attachment,
            (string) $attachment
        ));
        if ($used === 0) {
            wp_delete_attachment($attachment, true);
        }
    }
}
