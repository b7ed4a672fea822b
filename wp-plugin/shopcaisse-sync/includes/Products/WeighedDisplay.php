<?php
/**
 * How a weighed item shows in the shop: its price is per unit, so the price reads "27,00 € / kg"
 * wherever WooCommerce prints it (product page, shop loop, cart). Its WooCommerce stock is the
 * whole units in stock; the decimal stock stays in the core.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Products;

final class WeighedDisplay
{
    public static function register(): void
    {
        add_filter('woocommerce_get_price_suffix', [self::class, 'suffix'], 10, 2);
    }

    public static function suffix(string $suffix, \WC_Product $product): string
    {
        $weighed = $product->get_meta(ProductWriter::WEIGHED_META);
        if (!is_array($weighed) || ($weighed['symbol'] ?? '') === '') {
            return $suffix;
        }
        /* translators: %s: a unit symbol, as kg or L */
        $unit = sprintf(__('/ %s', 'shopcaisse-sync'), $weighed['symbol']);
        return ' <small class="shopcaisse-sync-unit">' . esc_html($unit) . '</small>' . $suffix;
    }
}
