<?php
/** The product tabs' script, with WooCommerce's selectWoo for the product search. */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Admin;

final class ProductsAssets
{
    public const TABS = ['pos-products', 'shop-products', 'variations'];

    public function __construct(private readonly string $assetsUrl)
    {
    }

    public function register(): void
    {
        add_action('admin_enqueue_scripts', [$this, 'enqueue']);
    }

    public function enqueue(string $hook): void
    {
        $tab = isset($_GET['tab']) ? sanitize_key(wp_unslash($_GET['tab'])) : '';
        if ($hook !== 'settings_page_' . SettingsPage::SLUG || !in_array($tab, self::TABS, true)) {
            return;
        }
        $deps = [];
        if (wp_script_is('selectWoo', 'registered')) {
            $deps[] = 'selectWoo';
            wp_enqueue_style('select2');
        }
        wp_enqueue_script('shopcaisse-sync-products', $this->assetsUrl . 'products.js', $deps, SHOPCAISSE_SYNC_VERSION, true);
        wp_localize_script('shopcaisse-sync-products', 'shopcaisseSyncProducts', [
            'ajaxUrl' => admin_url('admin-ajax.php'),
            'nonce' => wp_create_nonce(SettingsPage::NONCE_ACTION),
            'i18n' => [
                'requestFailed' => __('The request failed. Reload the page and try again.', 'shopcaisse-sync'),
                'nothingToDo' => __('Nothing to do.', 'shopcaisse-sync'),
                'importTitle' => __('This import will:', 'shopcaisse-sync'),
                'matchTitle' => __('These links will be made:', 'shopcaisse-sync'),
                /* translators: 1: items done, 2: items in all */
                'progress' => __('%1$d of %2$d items', 'shopcaisse-sync'),
                /* translators: 1: products created, 2: links made, 3: items left out */
                'bulkDone' => __('Import finished: %1$d created, %2$d linked, %3$d left out.', 'shopcaisse-sync'),
                'confirmUnlink' => __('Undo this link? Stock and orders stop following it until it is linked again; it can be restored.', 'shopcaisse-sync'),
                'confirmApplyHeld' => __('Apply this stock run although it looks like a mass drop? The products it lowers will show the new stock at once.', 'shopcaisse-sync'),
            ],
        ]);
    }
}
