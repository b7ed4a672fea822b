<?php
/**
 * A WooCommerce order as the core reads it (`OrderSnapshot` in src/sync/orders.rs): what was
 * sold, what was paid, by whom. It only reads the order; every decision is the core's.
 *
 * Amounts are integer cents taken from what WooCommerce computed and stored (line totals and
 * their taxes, shipping, fees, the order total), never recomputed from a rate here. Coupons are
 * already inside the line totals WooCommerce stored; each line carries its discount. Quantities
 * cross as decimal strings, so a weighed item sold by the gram reaches the POS as "0.355".
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Orders;

final class OrderSnapshot
{
    /**
     * @param string|null $status the status to report instead of the stored one (a status change
     *                            handled later than it happened)
     * @return array<string,mixed>
     */
    public static function of(\WC_Order $order, ?string $status = null): array
    {
        $lines = [];
        foreach ($order->get_items('line_item') as $item) {
            if (is_a($item, \WC_Order_Item_Product::class)) {
                $lines[] = self::line($item);
            }
        }
        $created = $order->get_date_created();
        return [
            'wc_order_id' => $order->get_id(),
            'number' => (string) $order->get_order_number(),
            'status' => $status ?? $order->get_status(),
            'created_at_ms' => $created ? $created->getTimestamp() * 1000 : (int) (microtime(true) * 1000),
            'currency' => $order->get_currency(),
            'customer' => self::customer($order),
            'lines' => $lines,
            'shipping' => self::charges($order->get_items('shipping')),
            'fees' => self::charges($order->get_items('fee')),
            'payment_method_title' => (string) ($order->get_payment_method_title() ?: $order->get_payment_method()),
            'total_ttc' => self::cents($order->get_total()),
            'note' => self::note($order),
        ];
    }

    /** @return array<string,mixed> */
    private static function line(\WC_Order_Item_Product $item): array
    {
        $quantity = (float) $item->get_quantity();
        // Before any discount (coupons), and what was paid: both tax included, as stored.
        $before = self::cents((float) $item->get_subtotal() + (float) $item->get_subtotal_tax());
        $paid = self::cents((float) $item->get_total() + (float) $item->get_total_tax());
        $variation = (int) $item->get_variation_id();
        return [
            'wc_product_id' => (int) $item->get_product_id(),
            'variation_id' => $variation > 0 ? $variation : null,
            'name' => wp_strip_all_tags((string) $item->get_name()),
            'quantity' => self::quantity($quantity),
            'unit_price_ttc' => self::unitPrice($item, $quantity, $before),
            'total_ttc' => $paid,
            'discount_ttc' => max(0, $before - $paid),
        ];
    }

    /**
     * The unit price, tax included, in cents. WooCommerce keeps only line amounts, each rounded
     * to the cent: 0.355 kg at 32.50 € stores 11.53 €, which gives back 32.48 €/kg. The product's
     * listed price is taken instead when it makes the line's amount to the cent; otherwise (the
     * price changed since) the line's amount divided by the quantity.
     */
    private static function unitPrice(\WC_Order_Item_Product $item, float $quantity, int $before): ?int
    {
        if ($quantity <= 0) {
            return null;
        }
        $product = $item->get_product();
        if (is_a($product, \WC_Product::class) && $product->get_price() !== '') {
            $listed = self::cents(wc_get_price_including_tax($product));
            if (abs($listed * $quantity - $before) <= 1) {
                return $listed;
            }
        }
        return (int) round($before / $quantity);
    }

    /** @return array{first_name:string,last_name:string,email:?string,phone:?string} */
    private static function customer(\WC_Order $order): array
    {
        $first = $order->get_billing_first_name() ?: $order->get_shipping_first_name();
        $last = $order->get_billing_last_name() ?: $order->get_shipping_last_name();
        $phone = $order->get_billing_phone() ?: $order->get_shipping_phone();
        $email = $order->get_billing_email();
        return [
            'first_name' => (string) $first,
            'last_name' => (string) $last,
            'email' => $email !== '' ? $email : null,
            'phone' => $phone !== '' ? $phone : null,
        ];
    }

    /**
     * Shipping or fee lines, tax included, as free-text lines.
     *
     * @param iterable<\WC_Order_Item> $items
     * @return list<array{name:string,total_ttc:int}>
     */
    private static function charges(iterable $items): array
    {
        $out = [];
        foreach ($items as $item) {
            $total = self::cents((float) $item->get_total() + (float) $item->get_total_tax());
            if ($total === 0 && is_a($item, \WC_Order_Item_Shipping::class)) {
                // Free shipping still says how the order travels, in the note; no zero line.
                continue;
            }
            $out[] = ['name' => wp_strip_all_tags((string) $item->get_name()), 'total_ttc' => $total];
        }
        return $out;
    }

    /**
     * What the till needs beyond the lines: the customer's note, the coupons used, how the order
     * travels and where to (the POS order keeps no address of its own).
     */
    private static function note(\WC_Order $order): ?string
    {
        $parts = [];
        $customerNote = trim((string) $order->get_customer_note());
        if ($customerNote !== '') {
            $parts[] = $customerNote;
        }
        $coupons = $order->get_coupon_codes();
        if ($coupons !== []) {
            /* translators: %s: the coupon codes */
            $parts[] = sprintf(__('Coupons: %s', 'shopcaisse-sync'), implode(', ', $coupons));
        }
        $method = trim((string) $order->get_shipping_method());
        if ($method !== '') {
            /* translators: %s: the shipping method */
            $parts[] = sprintf(__('Shipping: %s', 'shopcaisse-sync'), $method);
        }
        $address = self::address($order->get_address('shipping')) ?: self::address($order->get_address('billing'));
        if ($address !== '') {
            /* translators: %s: the delivery address */
            $parts[] = sprintf(__('Address: %s', 'shopcaisse-sync'), $address);
        }
        return $parts === [] ? null : implode("\n", $parts);
    }

    /** @param array<string,string> $address */
    private static function address(array $address): string
    {
        $keep = ['company', 'address_1', 'address_2', 'postcode', 'city', 'state', 'country'];
        $parts = [];
        foreach ($keep as $field) {
            $value = trim((string) ($address[$field] ?? ''));
            if ($value !== '') {
                $parts[] = $value;
            }
        }
        if (count($parts) === 1 && isset($address['country']) && $parts[0] === trim((string) $address['country'])) {
            return ''; // a country alone is no address
        }
        return implode(', ', $parts);
    }

    /** An amount in euros (a WooCommerce decimal string or number) as integer cents. */
    public static function cents(string|float|int|null $amount): int
    {
        return (int) round((float) $amount * 100);
    }

    /** A quantity as a decimal string with at most 3 decimals ("2", "0.355"). */
    public static function quantity(float $quantity): string
    {
        $text = rtrim(rtrim(sprintf('%.3F', $quantity), '0'), '.');
        return $text === '-0' ? '0' : $text;
    }
}
