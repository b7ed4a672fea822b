<?php
/**
 * Every WooCommerce product and variation with its sync state, from the SQL snapshot and the
 * core's links: products on sale that are not linked first (an order containing them cannot
 * reach the POS correctly), then the others, by id.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Admin;

use ShopcaisseSync\Plugin\Shop\ShopSnapshot;

if (!class_exists('WP_List_Table')) {
    require_once ABSPATH . 'wp-admin/includes/class-wp-list-table.php';
}

final class ShopProductsTable extends \WP_List_Table
{
    public const PER_PAGE = 30;
    /** The filter showing only the products on sale that are not linked. */
    public const FILTER = 'state';
    public const UNLINKED = 'unlinked';

    private int $unlinkedOnSale = 0;

    public function __construct(private readonly \ShopcaisseSync\Engine $engine)
    {
        parent::__construct(['singular' => 'product', 'plural' => 'products', 'ajax' => false, 'screen' => 'settings_page_' . SettingsPage::SLUG]);
    }

    public function unlinkedOnSale(): int
    {
        return $this->unlinkedOnSale;
    }

    public function get_columns(): array
    {
        return [
            'name' => __('Name', 'shopcaisse-sync'),
            'sku' => __('SKU', 'shopcaisse-sync'),
            'barcode' => __('GTIN', 'shopcaisse-sync'),
            'kind' => __('Type', 'shopcaisse-sync'),
            'state' => __('Sync state', 'shopcaisse-sync'),
        ];
    }

    public function prepare_items(): void
    {
        $linked = [];
        foreach ($this->engine->listLinks(0)['links'] ?? [] as $link) {
            $linked[(int) $link['wc_id']] = (string) $link['item_id'];
        }
        $first = [];
        $rest = [];
        foreach (ShopSnapshot::pages(true) as $page) {
            foreach ($page as $product) {
                // A variable parent is linked through its variations when they are.
                $product['item'] = $linked[$product['id']] ?? null;
                if ($product['item'] === null && $product['on_sale'] && $product['kind'] !== 'variable') {
                    $first[] = $product;
                } else {
                    $rest[] = $product;
                }
            }
        }
        $this->unlinkedOnSale = count($first);
        $all = self::unlinkedOnly() ? $first : array_merge($first, $rest);
        $this->items = array_slice($all, ($this->get_pagenum() - 1) * self::PER_PAGE, self::PER_PAGE);
        $this->_column_headers = [$this->get_columns(), [], []];
        $this->set_pagination_args(['total_items' => count($all), 'per_page' => self::PER_PAGE]);
    }

    private static function unlinkedOnly(): bool
    {
        return isset($_GET[self::FILTER]) && sanitize_key(wp_unslash((string) $_GET[self::FILTER])) === self::UNLINKED;
    }

    /** @return array<string,string> All / On sale, not linked, as WordPress's list screens show their views */
    protected function get_views(): array
    {
        $base = add_query_arg(['page' => SettingsPage::SLUG, 'tab' => 'shop-products'], admin_url('options-general.php'));
        $only = self::unlinkedOnly();
        return [
            'all' => sprintf('<a href="%s"%s>%s</a>', esc_url($base), $only ? '' : ' class="current" aria-current="page"', esc_html__('All', 'shopcaisse-sync')),
            self::UNLINKED => sprintf(
                '<a href="%s"%s id="scs-filter-unlinked">%s <span class="count">(%d)</span></a>',
                esc_url(add_query_arg(self::FILTER, self::UNLINKED, $base)),
                $only ? ' class="current" aria-current="page"' : '',
                esc_html__('On sale, not linked', 'shopcaisse-sync'),
                $this->unlinkedOnSale
            ),
        ];
    }

    protected function column_name($item): string
    {
        $edit = get_edit_post_link($item['parent_id'] ?? $item['id']) ?: '';
        $attributes = implode(', ', array_map(static fn ($a) => $a['name'] . ': ' . $a['value'], $item['attributes'] ?? []));
        return sprintf('<a href="%s">%s</a>', esc_url($edit), esc_html($item['name'] !== '' ? $item['name'] : '#' . $item['id']))
            . ($attributes !== '' ? ' <span class="scs-attributes">' . esc_html($attributes) . '</span>' : '');
    }

    protected function column_sku($item): string
    {
        return esc_html((string) ($item['sku'] ?? ''));
    }

    protected function column_barcode($item): string
    {
        return esc_html((string) ($item['barcode'] ?? ''));
    }

    protected function column_kind($item): string
    {
        return esc_html((string) $item['kind']);
    }

    protected function column_state($item): string
    {
        if ($item['item'] !== null) {
            return '<span class="scs-mark scs-yes" aria-hidden="true">✓</span> ' . esc_html__('Linked', 'shopcaisse-sync');
        }
        if ($item['kind'] === 'variable') {
            return esc_html__('Through its variations', 'shopcaisse-sync');
        }
        $search = (string) ($item['sku'] ?? $item['barcode'] ?? $item['name']);
        $url = add_query_arg(['page' => SettingsPage::SLUG, 'tab' => 'pos-products', 'linked' => 'no', 's' => $search], admin_url('options-general.php'));
        $label = $item['on_sale'] ? __('On sale, not linked', 'shopcaisse-sync') : __('Not linked', 'shopcaisse-sync');
        return '<span class="scs-mark scs-no" aria-hidden="true">✗</span> ' . esc_html($label)
            . sprintf(' <a href="%s">%s</a>', esc_url($url), esc_html__('Link it…', 'shopcaisse-sync'));
    }

    public function no_items(): void
    {
        esc_html_e('No WooCommerce product yet.', 'shopcaisse-sync');
    }
}
