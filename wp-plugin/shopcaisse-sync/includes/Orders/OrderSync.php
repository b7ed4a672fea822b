<?php
/**
 * Hands orders to the core and copies what it answers into the orders. Used by the hooks, the
 * background action, the order button, the orders job and WP-CLI: the one place where an order
 * meets the engine.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Orders;

use ShopcaisseSync\Plugin\Core\EngineFactory;

final class OrderSync
{
    /** The Action Scheduler hook that delivers queued orders in the background. */
    public const PUSH_ACTION = 'shopcaisse_sync_push_orders';
    /** The Action Scheduler hook that reports a status change handled outside the request. */
    public const CHANGED_ACTION = 'shopcaisse_sync_order_changed';
    public const GROUP = 'shopcaisse-sync';

    /** Orders one background action delivers at most. */
    private const BATCH = 20;

    public function __construct(private readonly EngineFactory $engines)
    {
    }

    /**
     * Reports the order's status to the core (queue, withdraw, cancel or nothing: its choice)
     * and records the answer. Queues the background push when the order is waiting for it.
     *
     * @return array<string,mixed> the core's answer
     */
    public function changed(\WC_Order $order, ?string $status = null): array
    {
        $answer = $this->engines->engine()->orderChanged(OrderSnapshot::of($order, $status));
        OrderStates::record($answer['order'] ?? null, $order);
        if (($answer['order']['state'] ?? '') === 'queued') {
            $this->schedulePush();
        }
        return $answer;
    }

    /**
     * The order button and `wp shopcaisse push-order`: queue if needed, deliver now.
     *
     * @return array<string,mixed>|null the order's outbox row
     */
    public function pushNow(\WC_Order $order): ?array
    {
        $answer = $this->engines->engine()->pushOrderNow(OrderSnapshot::of($order));
        $row = $answer['order'] ?? null;
        OrderStates::record($row, $order);
        return $row;
    }

    /**
     * Delivers up to $limit due orders and records each outcome in its order.
     *
     * @return array<string,mixed> the core's summary
     */
    public function pushDue(int $limit = self::BATCH): array
    {
        $answer = $this->engines->engine()->pushOrders($limit);
        $this->recordDeliveries($answer);
        return $answer;
    }

    /** Records the deliveries of a pushOrders answer in their orders. */
    public function recordDeliveries(array $answer): void
    {
        foreach ((array) ($answer['orders'] ?? []) as $delivery) {
            if (is_array($delivery)) {
                OrderStates::record($delivery);
            }
        }
    }

    /** The core's rows of these orders, by order id. @return array<int,array<string,mixed>> */
    public function states(array $orderIds): array
    {
        $ids = array_values(array_unique(array_map('intval', $orderIds)));
        if ($ids === []) {
            return [];
        }
        $rows = [];
        foreach (array_chunk($ids, 1000) as $chunk) {
            foreach ($this->engines->engine()->orderStates($chunk) as $row) {
                $rows[(int) $row['wc_order_id']] = $row;
            }
        }
        return $rows;
    }

    /** Queues one background push (one pending action is enough for any number of orders). */
    public function schedulePush(): void
    {
        if (!function_exists('as_enqueue_async_action')) {
            return; // the orders URL and the schedule deliver them
        }
        if (function_exists('as_has_scheduled_action') && as_has_scheduled_action(self::PUSH_ACTION, [], self::GROUP)) {
            return;
        }
        as_enqueue_async_action(self::PUSH_ACTION, [], self::GROUP, true);
    }

    /** Reports a status change from a background action instead of the request that made it. */
    public function scheduleChanged(int $orderId, string $status): void
    {
        if (!function_exists('as_enqueue_async_action')) {
            return;
        }
        as_enqueue_async_action(self::CHANGED_ACTION, ['order_id' => $orderId, 'status' => $status], self::GROUP);
    }

    /**
     * The background push: delivers batches until none is full, then stops; a row that failed
     * is retried when due by the orders URL, the schedule or the next action.
     */
    public function runPushAction(): void
    {
        $deadline = microtime(true) + 20;
        do {
            $answer = $this->pushDue(self::BATCH);
        } while ((int) ($answer['claimed'] ?? 0) >= self::BATCH && microtime(true) < $deadline);
    }

    /**
     * Reports the order's status as it is now, not as it was when the action was scheduled: an
     * order cancelled then set back to processing meanwhile must not be cancelled in the POS.
     */
    public function runChangedAction(int $orderId): void
    {
        $order = wc_get_order($orderId);
        if (is_a($order, \WC_Order::class)) {
            $this->changed($order);
        }
    }
}
