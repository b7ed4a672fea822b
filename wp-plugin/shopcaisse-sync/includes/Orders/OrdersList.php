<?php
/**
 * The orders list, for both order storages: a Shopcaisse column with each order's POS state (and
 * why it is blocked), and a filter for the orders not sent yet or blocked. Both read the state the
 * plugin keeps in the order's meta (OrderStates), so the list costs no call to the core.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Orders;

final class OrdersList
{
    public const COLUMN = 'shopcaisse_sync';
    public const FILTER = 'shopcaisse_sync_state';

    public function register(): void
    {
        // HPOS list table.
        add_filter('manage_woocommerce_page_wc-orders_columns', [$this, 'columns']);
        add_action('manage_woocommerce_page_wc-orders_custom_column', [$this, 'hpos_column'], 10, 2);
        add_action('woocommerce_order_list_table_restrict_manage_orders', [$this, 'filter_dropdown'], 20, 0);
        add_filter('woocommerce_order_list_table_prepare_items_query_args', [$this, 'hpos_query_args']);
        // Posts list table.
        add_filter('manage_edit-shop_order_columns', [$this, 'columns']);
        add_action('manage_shop_order_posts_custom_column', [$this, 'posts_column'], 10, 2);
        add_action('restrict_manage_posts', [$this, 'posts_filter_dropdown'], 20, 1);
        add_filter('request', [$this, 'posts_request']);
    }

    /** @param array<string,string> $columns */
    public function columns(array $columns): array
    {
        $out = [];
        foreach ($columns as $key => $label) {
            $out[$key] = $label;
            if ($key === 'order_status') {
                $out[self::COLUMN] = __('Shopcaisse', 'shopcaisse-sync');
            }
        }
        $out[self::COLUMN] ??= __('Shopcaisse', 'shopcaisse-sync');
        return $out;
    }

    public function hpos_column(string $column, mixed $order): void
    {
        if ($column === self::COLUMN && is_a($order, \WC_Order::class)) {
            echo self::cell($order); // escaped inside
        }
    }

    public function posts_column(string $column, int $postId): void
    {
        if ($column !== self::COLUMN) {
            return;
        }
        $order = wc_get_order($postId);
        if (is_a($order, \WC_Order::class)) {
            echo self::cell($order); // escaped inside
        }
    }

    /** The cell: the state in words, the POS id or the problem. */
    public static function cell(\WC_Order $order): string
    {
        $stored = OrderStates::stored($order);
        // WooCommerce's own status pills: green in the POS, orange on the way, red when stuck.
        $pill = match ($stored['state']) {
            'pushed' => 'status-processing',
            'queued', 'sending' => 'status-on-hold',
            'failed', 'blocked' => 'status-failed',
            'cancelled' => 'status-cancelled',
            default => 'status-pending',
        };
        $html = '<mark class="order-status ' . $pill . ' scs-pos-state scs-pos-state-' . esc_attr($stored['state'] ?: 'none') . '"';
        if ($stored['problem'] !== '') {
            $html .= ' title="' . esc_attr($stored['problem']) . '"';
        }
        $html .= '><span>' . esc_html(OrderStates::label($stored['state'])) . '</span></mark>';
        if ($stored['pos_order_id'] !== '') {
            $html .= '<br /><small><code>' . esc_html($stored['pos_order_id']) . '</code></small>';
        } elseif ($stored['problem'] !== '') {
            $html .= '<br /><small class="scs-pos-problem">' . esc_html($stored['problem']) . '</small>';
        }
        return $html;
    }

    public function filter_dropdown(): void
    {
        $current = self::requested();
        $choices = [
            '' => __('All POS states', 'shopcaisse-sync'),
            'not_sent' => __('Not sent to the POS or blocked', 'shopcaisse-sync'),
            'blocked' => __('Blocked', 'shopcaisse-sync'),
            'pushed' => __('In the POS', 'shopcaisse-sync'),
        ];
        echo '<select name="', esc_attr(self::FILTER), '" id="scs-filter-pos-state">';
        foreach ($choices as $value => $label) {
            printf('<option value="%s"%s>%s</option>', esc_attr($value), selected($current, $value, false), esc_html($label));
        }
        echo '</select>';
    }

    public function posts_filter_dropdown(string $postType): void
    {
        if ($postType === 'shop_order') {
            $this->filter_dropdown();
        }
    }

    /** @param array<string,mixed> $args */
    public function hpos_query_args(array $args): array
    {
        $meta = self::metaQuery(self::requested());
        if ($meta !== null) {
            $args['meta_query'] = array_merge((array) ($args['meta_query'] ?? []), [$meta]);
        }
        return $args;
    }

    /** @param array<string,mixed> $vars */
    public function posts_request(array $vars): array
    {
        if (!is_admin() || ($vars['post_type'] ?? '') !== 'shop_order') {
            return $vars;
        }
        $meta = self::metaQuery(self::requested());
        if ($meta !== null) {
            $vars['meta_query'] = array_merge((array) ($vars['meta_query'] ?? []), [$meta]);
        }
        return $vars;
    }

    /** The orders list (whichever storage the shop uses) filtered on a POS state. */
    public static function url(string $filter): string
    {
        $hpos = class_exists(\Automattic\WooCommerce\Utilities\OrderUtil::class)
            && \Automattic\WooCommerce\Utilities\OrderUtil::custom_orders_table_usage_is_enabled();
        $list = $hpos ? admin_url('admin.php?page=wc-orders') : admin_url('edit.php?post_type=shop_order');
        return add_query_arg(self::FILTER, $filter, $list);
    }

    /** The meta query of a filter value, or null for none. @return array<string,mixed>|null */
    public static function metaQuery(string $filter): ?array
    {
        return match ($filter) {
            'not_sent' => ['key' => OrderStates::META_STATE, 'value' => OrderStates::NOT_SENT, 'compare' => 'IN'],
            'blocked' => ['key' => OrderStates::META_STATE, 'value' => 'blocked'],
            'pushed' => ['key' => OrderStates::META_STATE, 'value' => 'pushed'],
            default => null,
        };
    }

    private static function requested(): string
    {
        return isset($_GET[self::FILTER]) ? sanitize_key(wp_unslash((string) $_GET[self::FILTER])) : '';
    }
}
