<?php
/**
 * The Shopcaisse catalog as a WP_List_Table over the core's cache: search by name, reference
 * and barcode, filters by link state and kind, pagination, the "Produit importé / Lié ?" column,
 * matching suggestions for rows not linked, and the row actions (import, link by hand, unlink).
 * Every value is printed escaped: Shopcaisse names may hold HTML and are shown as text.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Admin;

use ShopcaisseSync\Plugin\Products\ProductWriter;
use ShopcaisseSync\Plugin\Stock\DriftReport;
use ShopcaisseSync\Plugin\Shop\ShopSnapshot;

if (!class_exists('WP_List_Table')) {
    require_once ABSPATH . 'wp-admin/includes/class-wp-list-table.php';
}

final class PosProductsTable extends \WP_List_Table
{
    public const PER_PAGE = 20;
    /**
     * The rows per page the merchant chose (Screen Options), a user option: a bulk import of a
     * few hundred items selects them on one page. At most the core's largest page.
     */
    public const PER_PAGE_OPTION = 'shopcaisse_sync_items_per_page';
    public const MAX_PER_PAGE = 500;
    public const KINDS = ['simple', 'with_declinations', 'variation', 'pack', 'weighed'];

    /** @var array<string,list<array>> item id => suggestions */
    private array $suggestions = [];

    public function __construct(private readonly \ShopcaisseSync\Engine $engine)
    {
        parent::__construct(['singular' => 'item', 'plural' => 'items', 'ajax' => false, 'screen' => 'settings_page_' . SettingsPage::SLUG]);
    }

    /** Screen Options on the tab: how many rows a page shows, saved per user. */
    public static function registerScreenOption(): void
    {
        add_filter('set_screen_option_' . self::PER_PAGE_OPTION, static fn ($keep, $option, $value) => min(self::MAX_PER_PAGE, max(1, (int) $value)), 10, 3);
        add_action('load-settings_page_' . SettingsPage::SLUG, static function (): void {
            if ((isset($_GET['tab']) ? sanitize_key(wp_unslash($_GET['tab'])) : '') === 'pos-products') {
                add_screen_option('per_page', ['label' => __('Items per page', 'shopcaisse-sync'), 'default' => self::PER_PAGE, 'option' => self::PER_PAGE_OPTION]);
            }
        });
    }

    /** @return array{text:string,linked:string,kind:string} the filters of the request */
    public static function filters(): array
    {
        $get = static fn (string $key) => isset($_GET[$key]) ? sanitize_text_field(wp_unslash((string) $_GET[$key])) : '';
        $linked = $get('linked');
        $kind = $get('kind');
        return [
            'text' => $get('s'),
            'linked' => in_array($linked, ['yes', 'no'], true) ? $linked : '',
            'kind' => in_array($kind, self::KINDS, true) ? $kind : '',
        ];
    }

    public function get_columns(): array
    {
        return [
            'cb' => '<input type="checkbox" />',
            'name' => __('Name', 'shopcaisse-sync'),
            'reference' => __('Reference', 'shopcaisse-sync'),
            'barcode' => __('Barcode', 'shopcaisse-sync'),
            'price' => __('Price', 'shopcaisse-sync'),
            'stock' => __('Stock', 'shopcaisse-sync'),
            'linked' => __('Imported / linked?', 'shopcaisse-sync'),
            'matching' => __('Matching', 'shopcaisse-sync'),
        ];
    }

    protected function get_bulk_actions(): array
    {
        return ['import' => __('Import', 'shopcaisse-sync')];
    }

    public function prepare_items(): void
    {
        $filters = self::filters();
        $perPage = min(self::MAX_PER_PAGE, $this->get_items_per_page(self::PER_PAGE_OPTION, self::PER_PAGE));
        $query = ['page' => $this->get_pagenum(), 'per_page' => $perPage, 'top_level_only' => $filters['kind'] !== 'variation'];
        if ($filters['text'] !== '') {
            $query['text'] = $filters['text'];
        }
        if ($filters['linked'] !== '') {
            $query['linked'] = $filters['linked'] === 'yes';
        }
        if ($filters['kind'] !== '') {
            $query['kind'] = $filters['kind'];
        }
        $page = $this->engine->searchCatalog($query);
        $this->items = $page['rows'];
        $this->_column_headers = [$this->get_columns(), [], []];
        $this->set_pagination_args(['total_items' => (int) $page['total'], 'per_page' => $perPage]);
        $unlinked = array_column(array_filter($this->items, static fn ($row) => !$row['linked']), 'id');
        if ($unlinked !== []) {
            $this->suggestions = $this->engine->suggestProducts($unlinked, ShopSnapshot::products(true), 3)['suggestions'] ?? [];
        }
    }

    protected function column_cb($item): string
    {
        return sprintf('<input type="checkbox" name="item_ids[]" value="%s" />', esc_attr($item['id']));
    }

    protected function column_name($item): string
    {
        $kind = match (true) {
            $item['has_declinations'] => __('with declinations', 'shopcaisse-sync'),
            $item['weighed'] => __('weighed', 'shopcaisse-sync'),
            (is_array($item['kind']) ? ($item['kind']['kind'] ?? '') : $item['kind']) === 'pack' => __('pack', 'shopcaisse-sync'),
            default => '',
        };
        $out = '<strong>' . esc_html($item['name']) . '</strong>';
        if ($kind !== '') {
            $out .= ' <span class="scs-kind">' . esc_html($kind) . '</span>';
        }
        return $out;
    }

    protected function column_reference($item): string
    {
        return esc_html((string) ($item['reference'] ?? ''));
    }

    protected function column_barcode($item): string
    {
        return esc_html(implode(', ', $item['barcodes'] ?? []));
    }

    protected function column_price($item): string
    {
        return $item['price'] === null ? '—' : esc_html(ProductWriter::money((int) $item['price']));
    }

    protected function column_stock($item): string
    {
        if ($item['stock'] === null) {
            return '—';
        }
        $out = esc_html((string) $item['stock']['stock']);
        $held = (string) ($item['reserved_in_flight'] ?? '0');
        if (DriftReport::positive($held)) {
            $out .= '<br><span class="scs-in-flight">' . esc_html(InFlightText::reserved($held)) . '</span>';
        }
        return $out;
    }

    protected function column_linked($item): string
    {
        if (!$item['linked']) {
            return '<span class="scs-mark scs-no" aria-hidden="true">✗</span> ' . esc_html__('No', 'shopcaisse-sync');
        }
        $edit = get_edit_post_link((int) $item['wc_id']) ?: '';
        return '<span class="scs-mark scs-yes" aria-hidden="true">✓</span> '
            . sprintf('<a href="%s">#%d</a>', esc_url($edit), (int) $item['wc_id'])
            . ' <span class="scs-method">' . esc_html(ImportPreviewText::linkMethod((string) $item['link_method'])) . '</span>';
    }

    protected function column_matching($item): string
    {
        $id = esc_attr($item['id']);
        if ($item['linked']) {
            return sprintf('<button type="button" class="button-link scs-unlink" data-item="%s">%s</button>', $id, esc_html__('Unlink', 'shopcaisse-sync'));
        }
        $out = '';
        foreach ($this->suggestions[$item['id']] ?? [] as $suggestion) {
            $label = (string) ($suggestion['name'] ?? '') . (isset($suggestion['sku']) ? ' (' . $suggestion['sku'] . ')' : '');
            $out .= sprintf(
                '<button type="button" class="button button-small scs-link" data-item="%s" data-wc="%d">%s</button> ',
                $id,
                (int) $suggestion['wc_id'],
                /* translators: %s: a WooCommerce product name */
                esc_html(sprintf(__('Link to %s', 'shopcaisse-sync'), $label))
            );
        }
        $out .= sprintf('<select class="scs-product-search" data-item="%s" style="width:16em" data-placeholder="%s"></select> ', $id, esc_attr__('Search a product…', 'shopcaisse-sync'));
        $out .= sprintf('<button type="button" class="button button-primary button-small scs-import" data-item="%s">%s</button>', $id, esc_html__('IMPORTER', 'shopcaisse-sync'));
        return $out;
    }

    protected function extra_tablenav($which): void
    {
        if ($which !== 'top') {
            return;
        }
        $filters = self::filters();
        echo '<div class="alignleft actions">';
        echo '<select name="linked"><option value="">', esc_html__('Linked or not', 'shopcaisse-sync'), '</option>';
        foreach (['yes' => __('Linked', 'shopcaisse-sync'), 'no' => __('Not linked', 'shopcaisse-sync')] as $value => $label) {
            printf('<option value="%s"%s>%s</option>', esc_attr($value), selected($filters['linked'], $value, false), esc_html($label));
        }
        echo '</select> <select name="kind"><option value="">', esc_html__('Every kind', 'shopcaisse-sync'), '</option>';
        $labels = ['simple' => __('Simple', 'shopcaisse-sync'), 'with_declinations' => __('With declinations', 'shopcaisse-sync'),
            'variation' => __('Declinations', 'shopcaisse-sync'), 'pack' => __('Packs', 'shopcaisse-sync'), 'weighed' => __('Weighed', 'shopcaisse-sync')];
        foreach ($labels as $value => $label) {
            printf('<option value="%s"%s>%s</option>', esc_attr($value), selected($filters['kind'], $value, false), esc_html($label));
        }
        echo '</select> ';
        submit_button(__('Filter', 'shopcaisse-sync'), '', 'filter_action', false);
        echo '</div>';
    }

    public function no_items(): void
    {
        esc_html_e('No Shopcaisse item here yet: the catalog arrives with the first call of the products URL (Configurations tab), or with the command wp shopcaisse sync products.', 'shopcaisse-sync');
    }
}
