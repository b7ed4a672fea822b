<?php
/**
 * WooCommerce's order events, handed to the core and nothing more: no HTTP call happens in a hook
 * or in the checkout request. A status change is reported with the order's snapshot (the core
 * queues it, or not, once per order however often a hook fires); the delivery runs in an Action
 * Scheduler async action, the orders URL or the schedule.
 *
 * Orders created with their final status never pass through woocommerce_order_status_changed (an
 * order created in the admin, through the REST API, by the checkout): their creation paths are
 * hooked too. An order created in the request is reported when the request ends, or when a
 * creation path says it is complete: WooCommerce saves a new order, and fires its status hooks,
 * before its totals are computed (calculate_totals() saves halfway), and the core keeps the
 * payload of the first report that qualifies.
 *
 * A change to a cancelling status may need the POS (to cancel an order already there): it is
 * reported from a background action instead.
 *
 * With "Automatic order push" off, or before an access key is saved, the hooks queue nothing (the
 * order button still sends an order); cancellations are still reported, so an order sent by hand
 * and cancelled later is cancelled in the POS.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Orders;

use ShopcaisseSync\Plugin\ErrorMessages;
use ShopcaisseSync\Plugin\Settings\Options;

final class OrderHooks
{
    /** The action that reports the orders created so far in the request (also run at shutdown). */
    public const FLUSH_ACTION = 'shopcaisse_sync_flush_orders';

    /** @var array<int,true> orders created in this request, reported when it ends */
    private array $created = [];

    public function __construct(private readonly OrderSync $orders)
    {
    }

    public function register(): void
    {
        add_action('woocommerce_order_status_changed', [$this, 'status_changed'], 20, 4);
        add_action('woocommerce_new_order', [$this, 'new_order'], 20, 1);
        add_action('woocommerce_store_api_checkout_order_processed', [$this, 'created'], 20, 1);
        add_action('woocommerce_checkout_order_processed', [$this, 'checkout_order_processed'], 20, 3);
        add_action('woocommerce_rest_insert_shop_order_object', [$this, 'created'], 20, 1);
        add_action('woocommerce_process_shop_order_meta', [$this, 'admin_order_saved'], 100, 1);
        add_action('shutdown', [$this, 'flush'], 5);
        add_action(self::FLUSH_ACTION, [$this, 'flush']);
        add_action(OrderSync::PUSH_ACTION, [$this->orders, 'runPushAction']);
        add_action(OrderSync::CHANGED_ACTION, [$this, 'changed_action'], 10, 1);
    }

    public function status_changed(int $id, string $from, string $to, mixed $order = null): void
    {
        $this->report(is_a($order, \WC_Order::class) ? $order : wc_get_order($id), $to);
    }

    public function new_order(int $id): void
    {
        $this->created[$id] = true;
    }

    /** A creation path is done with the order: it is whole, report it now. */
    public function created(mixed $order): void
    {
        if (is_a($order, \WC_Order::class)) {
            unset($this->created[$order->get_id()]);
            $this->report($order);
        }
    }

    public function checkout_order_processed(mixed $id, mixed $posted = null, mixed $order = null): void
    {
        $this->created(is_a($order, \WC_Order::class) ? $order : wc_get_order((int) $id));
    }

    public function admin_order_saved(mixed $id): void
    {
        $this->created(wc_get_order((int) $id));
    }

    /** Reports the orders created in the request, as they are now. */
    public function flush(): void
    {
        $created = array_keys($this->created);
        $this->created = [];
        foreach ($created as $id) {
            $this->report(wc_get_order($id));
        }
    }

    public function changed_action(mixed $orderId = 0): void
    {
        $this->orders->runChangedAction((int) $orderId);
    }

    /** Hands an order's current status to the core; never lets a failure reach the shopper. */
    public function report(mixed $order, ?string $status = null): void
    {
        if (!is_a($order, \WC_Order::class) || $order->get_id() <= 0 || isset($this->created[$order->get_id()])) {
            return; // a new order is reported whole, by flush() or its creation path
        }
        $status = self::statusKey($status ?? $order->get_status());
        if (in_array($status, self::cancelStatuses(), true)) {
            $this->orders->scheduleChanged($order->get_id(), $status);
            return;
        }
        if (!Options::get('auto_orders') || !Options::hasToken()) {
            return;
        }
        try {
            $this->orders->changed($order, $status);
        } catch (\ShopcaisseSync\Exception $e) {
            /* translators: %s: why */
            $order->add_order_note(sprintf(__('Shopcaisse: the order could not be queued for the POS: %s', 'shopcaisse-sync'), ErrorMessages::forException($e)));
        }
    }

    /** @return string[] the statuses that cancel an order in the POS, as saved */
    private static function cancelStatuses(): array
    {
        return array_map([self::class, 'statusKey'], (array) Options::get('cancel_statuses'));
    }

    /** A status without the "wc-" of the posts table, as the core compares them. */
    public static function statusKey(string $status): string
    {
        $status = strtolower(trim($status));
        return str_starts_with($status, 'wc-') ? substr($status, 3) : $status;
    }
}
