<?php
/** Writes planned stock into WooCommerce, the one place the stock job touches product CRUD. */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Jobs;

final class StockWriter
{
    /**
     * Products and variations alike (wc_update_product_stock fires the product or the variation
     * stock action). A weighed item gets its whole units in stock: WooCommerce's stock is an
     * integer, the decimal stays in the core, which is what is reported back.
     *
     * @param list<array{wc_id:int,quantity:string,sellable_units?:int,weighed?:bool}> $writes
     * @return array{0:list<array{wc_id:int,quantity:string}>,1:int} what was written, and how
     *         many products no longer exist
     */
    public static function write(array $writes): array
    {
        $applied = [];
        $missing = 0;
        foreach ($writes as $write) {
            $product = wc_get_product((int) $write['wc_id']);
            if (!$product) {
                $missing++;
                continue;
            }
            if (!$product->get_manage_stock()) {
                $product->set_manage_stock(true);
                $product->save();
            }
            $units = !empty($write['weighed']) ? (int) ($write['sellable_units'] ?? 0) : wc_stock_amount($write['quantity']);
            wc_update_product_stock($product, $units, 'set');
            $applied[] = ['wc_id' => (int) $write['wc_id'], 'quantity' => (string) $write['quantity']];
        }
        return [$applied, $missing];
    }
}
