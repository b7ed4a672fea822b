<?php
/**
 * The order screen's "Importer sur Shopcaisse" box, for both order storages (HPOS and posts):
 * the order's POS state, why it is not there when it is not, and the button that sends it now.
 * The button shows once the order is paid, answers over AJAX (capability and nonce first), then
 * greys out with the POS order id; a failure is said there in words, with the button for a retry.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Orders;

use ShopcaisseSync\Plugin\Admin\SettingsPage;
use ShopcaisseSync\Plugin\ErrorMessages;

final class OrderScreen
{
    public const AJAX_ACTION = 'shopcaisse_sync_push_order';
    public const NONCE_ACTION = 'shopcaisse_sync_order';

    public function __construct(private readonly OrderSync $orders, private readonly string $assetsUrl)
    {
    }

    public function register(): void
    {
        add_action('add_meta_boxes', [$this, 'add_meta_boxes'], 30);
        add_action('admin_enqueue_scripts', [$this, 'admin_enqueue_scripts']);
        add_action('wp_ajax_' . self::AJAX_ACTION, [$this, 'push_order']);
    }

    /** The order edit screens: HPOS's page and the posts editor. @return string[] */
    public static function screens(): array
    {
        $screens = ['shop_order'];
        if (function_exists('wc_get_page_screen_id')) {
            $screens[] = wc_get_page_screen_id('shop-order');
        }
        return array_values(array_unique($screens));
    }

    public function add_meta_boxes(): void
    {
        foreach (self::screens() as $screen) {
            add_meta_box('shopcaisse-sync-order', __('Shopcaisse', 'shopcaisse-sync'), [$this, 'render_box'], $screen, 'side', 'high');
        }
    }

    public function admin_enqueue_scripts(): void
    {
        $screen = function_exists('get_current_screen') ? get_current_screen() : null;
        if ($screen === null || !in_array($screen->id, self::screens(), true)) {
            return;
        }
        wp_enqueue_script('shopcaisse-sync-order', $this->assetsUrl . 'order.js', [], SHOPCAISSE_SYNC_VERSION, true);
        wp_localize_script('shopcaisse-sync-order', 'shopcaisseSyncOrder', [
            'ajaxUrl' => admin_url('admin-ajax.php'),
            'nonce' => wp_create_nonce(self::NONCE_ACTION),
            'i18n' => [
                'sending' => __('Sending to the POS…', 'shopcaisse-sync'),
                'retry' => __('Try again', 'shopcaisse-sync'),
                'requestFailed' => __('The request failed. Reload the page and try again.', 'shopcaisse-sync'),
            ],
        ]);
    }

    /** The box: the POS state, the problem if any, and the button. */
    public function render_box(mixed $postOrOrder): void
    {
        $order = is_a($postOrOrder, \WC_Order::class) ? $postOrOrder : wc_get_order(is_a($postOrOrder, \WP_Post::class) ? $postOrOrder->ID : (int) $postOrOrder);
        if (!is_a($order, \WC_Order::class)) {
            return;
        }
        try {
            // The core's row is the truth (a background push may have moved it on).
            OrderStates::record($this->orders->states([$order->get_id()])[$order->get_id()] ?? null, $order);
        } catch (\ShopcaisseSync\Exception $e) {
            echo '<p class="scs-order-problem">', esc_html(ErrorMessages::forException($e)), '</p>';
        }
        echo self::boxHtml($order); // escaped inside
    }

    /** The box's HTML, escaped; the AJAX answer carries it too. */
    public static function boxHtml(\WC_Order $order): string
    {
        $stored = OrderStates::stored($order);
        $done = in_array($stored['state'], ['pushed', 'cancelled'], true) && $stored['pos_order_id'] !== '';
        $html = '<div class="scs-order-box" data-order="' . esc_attr((string) $order->get_id()) . '" data-state="' . esc_attr($stored['state']) . '">';
        $html .= '<p><strong>' . esc_html__('POS state:', 'shopcaisse-sync') . '</strong> <span class="scs-order-state">' . esc_html(OrderStates::label($stored['state'])) . '</span></p>';
        if ($stored['pos_order_id'] !== '') {
            $html .= '<p>' . esc_html__('POS order:', 'shopcaisse-sync') . ' <code class="scs-pos-order-id">' . esc_html($stored['pos_order_id']) . '</code>';
            if ($stored['reference'] !== '') {
                $html .= ' (' . esc_html($stored['reference']) . ')';
            }
            $html .= '</p>';
        }
        $html .= '<p class="scs-order-problem" role="status" aria-live="polite">' . esc_html($stored['problem']) . '</p>';
        if (!$order->is_paid() && !$done) {
            $html .= '<p class="description">' . esc_html__('The button appears once the order is paid.', 'shopcaisse-sync') . '</p>';
        } elseif ($done) {
            $html .= '<button type="button" class="button scs-push-order" disabled>' . esc_html__('Importer sur Shopcaisse', 'shopcaisse-sync') . '</button>';
        } else {
            $label = in_array($stored['state'], ['failed', 'blocked'], true) ? __('Try again', 'shopcaisse-sync') : __('Importer sur Shopcaisse', 'shopcaisse-sync');
            $html .= '<button type="button" class="button button-primary scs-push-order" data-order="' . esc_attr((string) $order->get_id()) . '">' . esc_html($label) . '</button>';
        }
        return $html . '</div>';
    }

    /** AJAX: sends one order now. */
    public function push_order(): void
    {
        if (!current_user_can(SettingsPage::CAPABILITY)) {
            wp_send_json_error(['message' => __('You are not allowed to manage Shopcaisse Sync.', 'shopcaisse-sync')], 403);
        }
        if (!check_ajax_referer(self::NONCE_ACTION, 'nonce', false)) {
            wp_send_json_error(['message' => __('This page has expired. Reload it and try again.', 'shopcaisse-sync')], 403);
        }
        $order = wc_get_order(isset($_POST['order_id']) ? absint(wp_unslash($_POST['order_id'])) : 0);
        if (!is_a($order, \WC_Order::class)) {
            wp_send_json_error(['message' => __('This order does not exist.', 'shopcaisse-sync')], 404);
        }
        if (!$order->is_paid()) {
            wp_send_json_error(['message' => __('The order is not paid yet.', 'shopcaisse-sync')], 400);
        }
        try {
            $row = $this->orders->pushNow($order);
        } catch (\ShopcaisseSync\Exception $e) {
            wp_send_json_error(['message' => ErrorMessages::forException($e), 'kind' => ErrorMessages::kindOfCode((int) $e->getCode())], 400);
        }
        $order = wc_get_order($order->get_id());
        $stored = OrderStates::stored($order);
        $answer = [
            'state' => $stored['state'],
            'label' => OrderStates::label($stored['state']),
            'pos_order_id' => $stored['pos_order_id'],
            'message' => $stored['problem'],
            'kind' => is_array($row['error'] ?? null) ? (string) ($row['error']['kind'] ?? '') : '',
        ];
        if ($stored['state'] === 'pushed') {
            wp_send_json_success($answer);
        }
        wp_send_json_error($answer, 200);
    }
}
