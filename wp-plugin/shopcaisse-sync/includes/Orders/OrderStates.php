<?php
/**
 * The POS state of an order as WooCommerce keeps it: the core's outbox row copied into the
 * order's meta (state, POS order id, why it is blocked), and an order note at each transition.
 * The core's row is the truth; the meta is what the orders list shows and filters on.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Orders;

use ShopcaisseSync\Plugin\ErrorMessages;

final class OrderStates
{
    public const META_STATE = '_shopcaisse_sync_state';
    public const META_POS_ID = '_shopcaisse_sync_pos_order_id';
    public const META_REFERENCE = '_shopcaisse_sync_reference';
    public const META_PROBLEM = '_shopcaisse_sync_problem';

    /** States that mean "not in the POS yet": what the "not sent" filter lists. */
    public const NOT_SENT = ['queued', 'sending', 'failed', 'blocked'];

    /**
     * Copies an outbox row (orderChanged, pushOrderNow, orderStates) or a delivery (pushOrders)
     * into the order; adds a note when the state or the POS id changed.
     *
     * @param array<string,mixed>|null $row
     */
    public static function record(?array $row, ?\WC_Order $order = null): void
    {
        if ($row === null || !isset($row['wc_order_id'], $row['state'])) {
            return;
        }
        $order ??= wc_get_order((int) $row['wc_order_id']);
        if (!is_a($order, \WC_Order::class)) {
            return;
        }
        $state = (string) $row['state'];
        $posId = isset($row['pos_order_id']) ? (string) $row['pos_order_id'] : '';
        $problem = self::problem($row);
        $before = [
            (string) $order->get_meta(self::META_STATE),
            (string) $order->get_meta(self::META_POS_ID),
            (string) $order->get_meta(self::META_PROBLEM),
        ];
        if ($before === [$state, $posId, $problem]) {
            return;
        }
        $order->update_meta_data(self::META_STATE, $state);
        $order->update_meta_data(self::META_POS_ID, $posId);
        $order->update_meta_data(self::META_PROBLEM, $problem);
        if (isset($row['external_reference'])) {
            $order->update_meta_data(self::META_REFERENCE, (string) $row['external_reference']);
        }
        $order->save_meta_data();
        if (($before[0] !== $state || $before[1] !== $posId) && $state !== 'sending') {
            $order->add_order_note(self::noteText($state, $posId, $problem));
        }
    }

    /** @return array{state:string,pos_order_id:string,problem:string,reference:string} */
    public static function stored(\WC_Order $order): array
    {
        return [
            'state' => (string) $order->get_meta(self::META_STATE),
            'pos_order_id' => (string) $order->get_meta(self::META_POS_ID),
            'problem' => (string) $order->get_meta(self::META_PROBLEM),
            'reference' => (string) $order->get_meta(self::META_REFERENCE),
        ];
    }

    /** The state in words, for the list column, the order screen and the notes. */
    public static function label(string $state): string
    {
        return match ($state) {
            '' => __('Not sent', 'shopcaisse-sync'),
            'queued' => __('Queued', 'shopcaisse-sync'),
            'sending' => __('Being sent', 'shopcaisse-sync'),
            'pushed' => __('In the POS', 'shopcaisse-sync'),
            'failed' => __('Failed, retry planned', 'shopcaisse-sync'),
            'blocked' => __('Blocked', 'shopcaisse-sync'),
            'cancelled' => __('Cancelled', 'shopcaisse-sync'),
            default => $state,
        };
    }

    /** Why the order is not in the POS, in words; empty when nothing is wrong. */
    public static function problem(array $row): string
    {
        $reasons = $row['blocked_reasons'] ?? null;
        if (is_array($reasons) && $reasons !== [] && ($row['state'] ?? '') === 'blocked') {
            return implode(' ', array_map([self::class, 'reason'], $reasons));
        }
        $error = $row['error'] ?? null;
        if (is_array($error) && isset($error['kind']) && in_array($row['state'] ?? '', ['failed', 'blocked', 'sending'], true)) {
            return ErrorMessages::forKind((string) $error['kind']);
        }
        return '';
    }

    /** One reason the core gave for blocking an order, in words. */
    private static function reason(mixed $reason): string
    {
        if (!is_array($reason)) {
            return '';
        }
        return match ($reason['reason'] ?? '') {
            /* translators: %s: the products' names */
            'unlinked_products' => sprintf(__('These products are not linked to a Shopcaisse item: %s. Link them, then send the order again.', 'shopcaisse-sync'), implode(', ', array_map(
                static fn ($line) => sprintf('%s (#%d)', (string) ($line['name'] ?? ''), (int) ($line['wc_id'] ?? 0)),
                (array) ($reason['lines'] ?? [])
            ))),
            /* translators: %s: a currency code */
            'not_eur' => sprintf(__('The order is in %s; the POS counts in euros.', 'shopcaisse-sync'), (string) ($reason['currency'] ?? '')),
            'empty_order' => __('The order has no product line.', 'shopcaisse-sync'),
            /* translators: 1: a product id, 2: a quantity */
            'invalid_quantity' => sprintf(__('Product #%1$d has the quantity %2$s, which the POS cannot take for this item.', 'shopcaisse-sync'), (int) ($reason['wc_id'] ?? 0), (string) ($reason['quantity'] ?? '')),
            /* translators: %d: a product id */
            'missing_price' => sprintf(__('Product #%d has no price.', 'shopcaisse-sync'), (int) ($reason['wc_id'] ?? 0)),
            /* translators: %s: the line's label */
            'negative_amount' => sprintf(__('The amount of "%s" is negative.', 'shopcaisse-sync'), (string) ($reason['label'] ?? '')),
            /* translators: 1: the lines' total, 2: the order total, in euros */
            'total_mismatch' => sprintf(__('The lines add up to %1$s € but the order total is %2$s €.', 'shopcaisse-sync'), self::euros($reason['lines_total'] ?? 0), self::euros($reason['order_total'] ?? 0)),
            'no_reference' => __('The order has no number.', 'shopcaisse-sync'),
            default => (string) ($reason['reason'] ?? ''),
        };
    }

    private static function euros(mixed $cents): string
    {
        return number_format_i18n(((int) $cents) / 100, 2);
    }

    private static function noteText(string $state, string $posId, string $problem): string
    {
        $text = match ($state) {
            'queued' => __('Shopcaisse: queued for the POS.', 'shopcaisse-sync'),
            /* translators: %s: the POS order id */
            'pushed' => sprintf(__('Shopcaisse: order created in the POS (%s).', 'shopcaisse-sync'), $posId),
            'failed' => __('Shopcaisse: sending failed; it will be retried automatically.', 'shopcaisse-sync'),
            'blocked' => __('Shopcaisse: the order cannot be sent.', 'shopcaisse-sync'),
            'cancelled' => $posId !== ''
                /* translators: %s: the POS order id */
                ? sprintf(__('Shopcaisse: order cancelled in the POS (%s).', 'shopcaisse-sync'), $posId)
                : __('Shopcaisse: taken out of the queue before reaching the POS.', 'shopcaisse-sync'),
            /* translators: %s: the state */
            default => sprintf(__('Shopcaisse: %s.', 'shopcaisse-sync'), self::label($state)),
        };
        return $problem !== '' ? $text . ' ' . $problem : $text;
    }
}
