<?php
/**
 * "Produits Shopcaisse": the catalog table, the bulk import of selected rows and "link every
 * exact match" (each after a preview), the confirmation of a row's import, the progress bar of a
 * background import, and the links undone lately, to restore. The buttons are driven by
 * assets/products.js over the product AJAX actions.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Admin;

use ShopcaisseSync\Plugin\Core\EngineFactory;

final class PosProductsTab implements Tab
{
    public function __construct(private readonly EngineFactory $engines)
    {
    }

    public function title(): string
    {
        return __('Shopcaisse products', 'shopcaisse-sync');
    }

    public function render(): void
    {
        try {
            $engine = $this->engines->engine();
            $table = new PosProductsTable($engine);
            $table->prepare_items();
            $history = $engine->listLinks(10)['history'] ?? [];
        } catch (\ShopcaisseSync\Exception $e) {
            EngineErrorNotice::render($e);
            return;
        }
        echo '<div class="scs-products" id="scs-pos-products">';
        echo '<p class="scs-toolbar">';
        printf('<button type="button" class="button" id="scs-link-matches">%s</button> ', esc_html__('Link every exact match…', 'shopcaisse-sync'));
        echo '</p>';
        echo '<div id="scs-notice" class="scs-result" aria-live="polite"></div>';
        echo '<div id="scs-progress-box" hidden><progress id="scs-progress" max="100" value="0"></progress> <span id="scs-progress-text"></span></div>';
        echo '<form method="get" id="scs-catalog-form">';
        printf('<input type="hidden" name="page" value="%s" /><input type="hidden" name="tab" value="pos-products" />', esc_attr(SettingsPage::SLUG));
        $table->search_box(__('Search name, reference, barcode', 'shopcaisse-sync'), 'scs-catalog');
        $table->display();
        echo '</form>';
        self::confirmDialog();
        if ($history !== []) {
            echo '<h2>', esc_html__('Links undone lately', 'shopcaisse-sync'), '</h2><table class="widefat striped"><tbody>';
            foreach ($history as $row) {
                printf(
                    '<tr><td>%s</td><td>#%d</td><td>%s</td><td><button type="button" class="button-link scs-restore" data-history="%d">%s</button></td></tr>',
                    esc_html((string) $row['item_id']),
                    (int) $row['wc_id'],
                    esc_html((string) $row['method']),
                    (int) $row['id'],
                    esc_html__('Restore', 'shopcaisse-sync')
                );
            }
            echo '</tbody></table>';
        }
        echo '</div>';
    }

    /** The confirmation every import and bulk link goes through: the dry run's lines, then OK. */
    public static function confirmDialog(): void
    {
        echo '<dialog id="scs-confirm" class="scs-confirm"><form method="dialog">';
        echo '<h2 id="scs-confirm-title"></h2><ul id="scs-confirm-lines"></ul>';
        printf(
            '<p><button value="cancel" class="button">%s</button> <button value="ok" class="button button-primary" id="scs-confirm-ok">%s</button></p>',
            esc_html__('Cancel', 'shopcaisse-sync'),
            esc_html__('Confirm', 'shopcaisse-sync')
        );
        echo '</form></dialog>';
    }
}
