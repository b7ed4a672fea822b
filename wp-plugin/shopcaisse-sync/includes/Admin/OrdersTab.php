<?php
/**
 * The Commande tab: for every order status WooCommerce knows (custom statuses of other plugins
 * included), whether reaching it sends the order to the POS and whether it cancels it there; the
 * order prefix and the payment type. Saved through the same option and validation as the
 * Configurations tab: a form with a wrong field saves nothing.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Admin;

use ShopcaisseSync\Plugin\Orders\OrderHooks;
use ShopcaisseSync\Plugin\Settings\Options;

final class OrdersTab implements Tab
{
    public function title(): string
    {
        return _x('Order', 'settings tab', 'shopcaisse-sync');
    }

    /**
     * Every status to show: WooCommerce's (with those other plugins register), then any saved
     * one no longer registered, so a mapping never disappears unseen.
     *
     * @return array<string,string> status key => name
     */
    public static function statuses(): array
    {
        $statuses = [];
        foreach (wc_get_order_statuses() as $key => $name) {
            $statuses[OrderHooks::statusKey((string) $key)] = (string) $name;
        }
        $saved = array_merge(array_keys((array) Options::get('status_map')), (array) Options::get('cancel_statuses'));
        foreach ($saved as $key) {
            $key = OrderHooks::statusKey((string) $key);
            $statuses[$key] ??= $key;
        }
        return $statuses;
    }

    public function render(): void
    {
        $values = Options::all();
        $map = array_change_key_case((array) $values['status_map']);
        $cancel = array_map([OrderHooks::class, 'statusKey'], (array) $values['cancel_statuses']);
        echo '<form method="post" action="', esc_url(admin_url('options.php')), '" id="shopcaisse-sync-orders-settings">';
        settings_fields(SettingsPage::SETTINGS_GROUP);
        echo '<h2>', esc_html__('Order statuses', 'shopcaisse-sync'), '</h2>';
        echo '<p>', esc_html__('An order reaching a status ticked in the first column is sent to the POS once. An order already in the POS and reaching a status ticked in the second column is cancelled there.', 'shopcaisse-sync'), '</p>';
        echo '<table class="widefat striped scs-status-map"><thead><tr>';
        echo '<th scope="col">', esc_html__('WooCommerce status', 'shopcaisse-sync'), '</th>';
        echo '<th scope="col">', esc_html(FieldLabels::label('status_map')), '</th>';
        echo '<th scope="col">', esc_html(FieldLabels::label('cancel_statuses')), '</th>';
        echo '</tr></thead><tbody>';
        printf('<input type="hidden" name="%s" value="1" />', esc_attr(Options::OPTION . '[cancel_statuses__present]'));
        foreach (self::statuses() as $key => $name) {
            $sends = !empty($map[$key]) && !in_array($key, $cancel, true);
            echo '<tr data-status="', esc_attr($key), '"><th scope="row">', esc_html($name), ' <code>', esc_html($key), '</code></th><td>';
            printf('<input type="hidden" name="%s" value="0" />', esc_attr(Options::OPTION . '[status_map][' . $key . ']'));
            printf(
                '<label><input type="checkbox" id="%s" name="%s" value="1"%s /> %s</label>',
                esc_attr('scs-send-' . $key),
                esc_attr(Options::OPTION . '[status_map][' . $key . ']'),
                checked($sends, true, false),
                esc_html__('Send', 'shopcaisse-sync')
            );
            echo '</td><td>';
            printf(
                '<label><input type="checkbox" id="%s" name="%s" value="%s"%s /> %s</label>',
                esc_attr('scs-cancel-' . $key),
                esc_attr(Options::OPTION . '[cancel_statuses][]'),
                esc_attr($key),
                checked(in_array($key, $cancel, true), true, false),
                esc_html__('Cancel', 'shopcaisse-sync')
            );
            echo '</td></tr>';
        }
        echo '</tbody></table>';

        echo '<h2>', esc_html__('Reference and payment', 'shopcaisse-sync'), '</h2>';
        echo '<table class="form-table" role="presentation">';
        echo '<tr><th scope="row"><label for="scs-order-prefix">', esc_html(FieldLabels::label('order_prefix')), '</label></th><td>';
        printf('<input type="text" class="regular-text" id="scs-order-prefix" name="%s" value="%s" maxlength="20" />', esc_attr(Options::OPTION . '[order_prefix]'), esc_attr((string) $values['order_prefix']));
        echo '<p class="description">', esc_html__('Put before the order number in the POS (WEB-1042), so the till shows where an order came from.', 'shopcaisse-sync'), '</p></td></tr>';
        echo '<tr><th scope="row"><label for="scs-payment-type">', esc_html(FieldLabels::label('payment_type')), '</label></th><td>';
        printf('<input type="text" class="regular-text code" id="scs-payment-type" name="%s" value="%s" list="scs-payment-types" />', esc_attr(Options::OPTION . '[payment_type]'), esc_attr((string) $values['payment_type']));
        echo '<datalist id="scs-payment-types"><option value="ONLINE"></option><option value="CARD"></option><option value="TRANSFER"></option><option value="CHECK"></option><option value="CASH"></option></datalist>';
        echo '<p class="description">', esc_html__('The payment type the POS records for a web order paid online; the WooCommerce payment method\'s name goes with it.', 'shopcaisse-sync'), '</p></td></tr>';
        echo '</table>';
        submit_button(__('Save the settings', 'shopcaisse-sync'));
        echo '</form>';
    }
}
