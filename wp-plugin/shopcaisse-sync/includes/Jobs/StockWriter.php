<?php
/** Writes planned stock into WooCommerce, the one place the stock job touches product CRUD. */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Jobs;

final class StockWriter
{
    /**
     * @param list<array{wc_id:int,quantity:string}> $writes
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
            wc_update_product_stock($product, wc_stock_amount($write['quantity']), 'set');
            $applied[] = ['wc_id' => (int) $write['wc_id'], 'quantity' => (string) $write['quantity']];
        }
        return [$applied, $missing];
    }
}
