<?php
/**
 * "Associations Déclinaisons": for each linked variable product, its Shopcaisse declinations
 * against its WooCommerce variations. The core associates them automatically (reference,
 * barcode, then attribute values) with "Associate automatically"; the rest are linked by hand
 * here, and any association can be undone.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Admin;

use ShopcaisseSync\Plugin\Core\EngineFactory;
use ShopcaisseSync\Plugin\Shop\ShopSnapshot;

final class VariationsTab implements Tab
{
    public const PER_PAGE = 10;

    public function __construct(private readonly EngineFactory $engines)
    {
    }

    public function title(): string
    {
        return __('Variation associations', 'shopcaisse-sync');
    }

    public function render(): void
    {
        $page = isset($_GET['paged']) ? max(1, absint($_GET['paged'])) : 1;
        try {
            $engine = $this->engines->engine();
            $parents = $engine->searchCatalog(['kind' => 'with_declinations', 'linked' => true, 'page' => $page, 'per_page' => self::PER_PAGE]);
        } catch (\ShopcaisseSync\Exception $e) {
            EngineErrorNotice::render($e);
            return;
        }
        echo '<div class="scs-products" id="scs-variations">';
        echo '<div id="scs-notice" class="scs-result" aria-live="polite"></div>';
        printf('<p><button type="button" class="button" id="scs-link-matches">%s</button></p>', esc_html__('Associate automatically…', 'shopcaisse-sync'));
        if ($parents['rows'] === []) {
            echo '<p>', esc_html__('No linked product with declinations yet.', 'shopcaisse-sync'), '</p>';
        }
        foreach ($parents['rows'] as $parent) {
            $this->parent($engine, $parent);
        }
        $pages = (int) ceil($parents['total'] / self::PER_PAGE);
        if ($pages > 1) {
            echo '<p class="scs-pages">', wp_kses_post((string) paginate_links(['base' => add_query_arg('paged', '%#%'), 'format' => '', 'current' => $page, 'total' => $pages])), '</p>';
        }
        PosProductsTab::confirmDialog();
        echo '</div>';
    }

    private function parent(\ShopcaisseSync\Engine $engine, array $parent): void
    {
        $parentId = (int) $parent['wc_id'];
        $declinations = $engine->searchCatalog(['parent' => $parent['id'], 'per_page' => 500])['rows'];
        $variations = ShopSnapshot::byIds(self::children($parentId));
        $linked = [];
        foreach ($declinations as $declination) {
            if ($declination['linked']) {
                $linked[(int) $declination['wc_id']] = true;
            }
        }
        $free = array_filter($variations, static fn ($v) => !isset($linked[$v['id']]));
        printf('<h2>%s <a href="%s">#%d</a></h2>', esc_html($parent['name']), esc_url(get_edit_post_link($parentId) ?: ''), $parentId);
        echo '<table class="widefat striped scs-declinations"><thead><tr><th>', esc_html__('Shopcaisse declination', 'shopcaisse-sync'), '</th><th>',
            esc_html__('Reference', 'shopcaisse-sync'), '</th><th>', esc_html__('WooCommerce variation', 'shopcaisse-sync'), '</th><th></th></tr></thead><tbody>';
        foreach ($declinations as $declination) {
            $item = esc_attr($declination['id']);
            echo '<tr><td>', esc_html($declination['name']), '</td><td>', esc_html((string) ($declination['reference'] ?? '')), '</td><td>';
            if ($declination['linked']) {
                $variation = $variations[(int) $declination['wc_id']] ?? null;
                echo esc_html(self::label($variation, (int) $declination['wc_id'])), ' <span class="scs-method">', esc_html(ImportPreviewText::linkMethod((string) $declination['link_method'])), '</span></td><td>';
                printf('<button type="button" class="button-link scs-unlink" data-item="%s">%s</button>', $item, esc_html__('Undo', 'shopcaisse-sync'));
            } else {
                echo '<select class="scs-variation-choice" data-item="', $item, '"><option value="">', esc_html__('— Choose —', 'shopcaisse-sync'), '</option>';
                foreach ($free as $variation) {
                    printf('<option value="%d">%s</option>', (int) $variation['id'], esc_html(self::label($variation, (int) $variation['id'])));
                }
                echo '</select></td><td>';
                printf('<button type="button" class="button button-small scs-link-variation" data-item="%s">%s</button>', $item, esc_html__('Associate', 'shopcaisse-sync'));
            }
            echo '</td></tr>';
        }
        echo '</tbody></table>';
    }

    /** @return int[] */
    private static function children(int $parentId): array
    {
        global $wpdb;
        return array_map('intval', $wpdb->get_col($wpdb->prepare(
            "SELECT ID FROM {$wpdb->posts} WHERE post_parent = %d AND post_type = 'product_variation' AND post_status NOT IN ('trash', 'auto-draft') ORDER BY menu_order, ID",
            $parentId
        )));
    }

    private static function label(?array $variation, int $id): string
    {
        if ($variation === null) {
            return '#' . $id;
        }
        $values = implode(', ', array_map(static fn ($a) => $a['value'], $variation['attributes'] ?? []));
        return '#' . $id . ($values !== '' ? ' ' . $values : '') . (isset($variation['sku']) ? ' (' . $variation['sku'] . ')' : '');
    }
}
