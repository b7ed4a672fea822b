<?php
/**
 * WordPress's privacy tools (Outils > Exporter / Effacer les données personnelles) over what
 * the core keeps of a buyer: their details in the orders on their way to the POS or delivered,
 * the Shopcaisse customer remembered for their e-mail and phone, and log rows quoting them.
 *
 * The core finds and erases by e-mail (`personalData`, `erasePersonalData`). An order still on
 * its way keeps the buyer's details until it is delivered, so the till gets the order exactly
 * once; the eraser says so ("retained"), and the core blanks it right after delivery. The data
 * held by WooCommerce itself is WooCommerce's own exporter's and eraser's.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Privacy;

use ShopcaisseSync\Plugin\Core\EngineFactory;

final class PrivacyTools
{
    public const ID = 'shopcaisse-sync';

    public function __construct(private readonly EngineFactory $engines)
    {
    }

    public function register(): void
    {
        add_filter('wp_privacy_personal_data_exporters', function (array $exporters): array {
            $exporters[self::ID] = ['exporter_friendly_name' => __('Shopcaisse Sync', 'shopcaisse-sync'), 'callback' => fn ($email, $page = 1) => $this->export((string) $email)];
            return $exporters;
        });
        add_filter('wp_privacy_personal_data_erasers', function (array $erasers): array {
            $erasers[self::ID] = ['eraser_friendly_name' => __('Shopcaisse Sync', 'shopcaisse-sync'), 'callback' => fn ($email, $page = 1) => $this->erase((string) $email)];
            return $erasers;
        });
        add_action('admin_init', [$this, 'policy']);
    }

    /**
     * The exporter: one item per order, one for the customer keys, one per log row.
     *
     * @return array{data:list<array>,done:bool}
     */
    public function export(string $email): array
    {
        $found = $this->engines->engine()->personalData($email);
        $data = [];
        foreach ($found['orders'] as $order) {
            $details = is_array($order['customer_details']) ? $order['customer_details'] : [];
            $fields = [
                ['name' => __('Order', 'shopcaisse-sync'), 'value' => (string) $order['external_reference']],
                ['name' => __('State', 'shopcaisse-sync'), 'value' => (string) $order['state']],
            ];
            foreach (['first_name' => __('First name', 'shopcaisse-sync'), 'last_name' => __('Last name', 'shopcaisse-sync'),
                'email' => __('E-mail', 'shopcaisse-sync'), 'phone' => __('Phone', 'shopcaisse-sync')] as $key => $label) {
                if (($details[$key] ?? '') !== '' && ($details[$key] ?? null) !== null) {
                    $fields[] = ['name' => $label, 'value' => (string) $details[$key]];
                }
            }
            if (($order['note'] ?? null) !== null) {
                $fields[] = ['name' => __('Note', 'shopcaisse-sync'), 'value' => (string) $order['note']];
            }
            $data[] = ['group_id' => 'shopcaisse-sync-orders', 'group_label' => __('Orders sent to the Shopcaisse till', 'shopcaisse-sync'),
                'item_id' => 'shopcaisse-order-' . (int) $order['wc_order_id'], 'data' => $fields];
        }
        if ($found['customer_keys'] !== []) {
            $data[] = ['group_id' => 'shopcaisse-sync-customer', 'group_label' => __('Shopcaisse customer', 'shopcaisse-sync'),
                'item_id' => 'shopcaisse-customer', 'data' => [['name' => __('Contacts remembered for the till\'s customer', 'shopcaisse-sync'),
                'value' => implode(', ', $found['customer_keys'])]]];
        }
        foreach ($found['log_rows'] as $row) {
            $data[] = ['group_id' => 'shopcaisse-sync-logs', 'group_label' => __('Shopcaisse Sync logs', 'shopcaisse-sync'),
                'item_id' => 'shopcaisse-log-' . (int) $row['id'], 'data' => [
                    ['name' => __('Date', 'shopcaisse-sync'), 'value' => gmdate('Y-m-d H:i:s', intdiv((int) $row['at_ms'], 1000)) . ' UTC'],
                    ['name' => __('Message', 'shopcaisse-sync'), 'value' => (string) $row['message']],
                ]];
        }
        return ['data' => $data, 'done' => true];
    }

    /**
     * The eraser.
     *
     * @return array{items_removed:bool,items_retained:bool,messages:list<string>,done:bool}
     */
    public function erase(string $email): array
    {
        $erased = $this->engines->engine()->erasePersonalData($email);
        $messages = [];
        $pending = (int) $erased['orders_pending'];
        if ($pending > 0) {
            /* translators: %d: how many orders */
            $messages[] = sprintf(_n('%d order on its way to the Shopcaisse till keeps the buyer\'s details until it is delivered; they are erased right after.', '%d orders on their way to the Shopcaisse till keep the buyer\'s details until they are delivered; they are erased right after.', $pending, 'shopcaisse-sync'), $pending);
        }
        $removed = (int) $erased['orders_anonymised'] + (int) $erased['customer_keys_removed'] + (int) $erased['log_rows_redacted'];
        return ['items_removed' => $removed > 0, 'items_retained' => $pending > 0, 'messages' => $messages, 'done' => true];
    }

    /** The suggested paragraph for the privacy policy (Réglages > Confidentialité). */
    public function policy(): void
    {
        if (!function_exists('wp_add_privacy_policy_content')) {
            return;
        }
        $text = '<p>' . esc_html__('This shop sends each paid order to its Shopcaisse point of sale (till) so the order can be prepared and the stock kept right. The order carries your first and last name, e-mail address, phone number, the products bought and your order note. Your e-mail and phone are used to find or create your customer record in the Shopcaisse till. This data is kept by Shopcaisse as the shop\'s till provider, for as long as the shop keeps its sales records.', 'shopcaisse-sync') . '</p>'
            . '<p>' . esc_html__('On this website, the synchronisation keeps a copy of these details until the order has reached the till, and technical logs for a limited time (30 days by default). You can ask for a copy or the erasure of this data; an order on its way to the till is erased as soon as it has reached it.', 'shopcaisse-sync') . '</p>';
        wp_add_privacy_policy_content(__('Shopcaisse Sync', 'shopcaisse-sync'), wp_kses_post($text));
    }
}
