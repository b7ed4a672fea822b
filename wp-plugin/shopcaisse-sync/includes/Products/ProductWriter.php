<?php
/**
 * Creates WooCommerce products from the core's import specs, with WooCommerce's own CRUD: simple
 * products, variable products with their attributes and one variation per declination, packs and
 * weighed items. The core has decided everything (price from the chosen price list, SKU, what to
 * skip); this class only writes it.
 *
 * - A pack is a simple product with stock management on, its components kept in meta for the
 *   product page; its stock is computed by the core from the components (docs/decisions.md).
 * - A weighed item is a simple product priced per unit (per kg, per L) whose WooCommerce stock
 *   is the whole units in stock; the decimal stock stays in the core. The unit is kept in meta
 *   and the price shows "/ kg" after it (WeighedDisplay).
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Products;

final class ProductWriter
{
    public const ITEM_META = '_shopcaisse_item';
    public const PACK_META = '_shopcaisse_pack';
    public const WEIGHED_META = '_shopcaisse_weighed';

    public function __construct(private readonly ImageImporter $images, private readonly bool $withImages = true)
    {
    }

    /**
     * Creates one product (and its variations) from a spec.
     *
     * @return array{item_id:string,wc_id:int,variations:list<array{item_id:string,wc_id:int}>,images_failed:list<string>}
     * @throws \WC_Data_Exception when WooCommerce refuses a field (a SKU or GTIN taken meanwhile)
     */
    public function create(array $spec): array
    {
        $variable = ($spec['product_type'] ?? 'simple') === 'variable';
        $product = $variable ? new \WC_Product_Variable() : new \WC_Product_Simple();
        $product->set_name((string) $spec['name']);
        $product->set_status('publish');
        $product->set_short_description((string) ($spec['short_description'] ?? ''));
        $product->set_description((string) ($spec['description'] ?? ''));
        self::identify($product, $spec);
        $product->update_meta_data(self::ITEM_META, (string) $spec['item']);
        if ($variable) {
            $product->set_attributes(self::attributes($spec['attributes'] ?? []));
        } else {
            self::priceAndStock($product, $spec['regular_price'] ?? null, $spec['stock'] ?? null, $spec['weighed'] ?? null);
            if (!empty($spec['pack'])) {
                $product->update_meta_data(self::PACK_META, $spec['pack']);
            }
        }
        $product->save();
        $created = ['item_id' => (string) $spec['item'], 'wc_id' => $product->get_id(), 'variations' => [], 'images_failed' => []];
        if ($variable) {
            try {
                $created['variations'] = $this->variations($product, $spec['variations'] ?? [], $created['images_failed']);
            } catch (\Throwable $e) {
                // A variation refused (its GTIN or SKU taken): the product goes with the variations
                // made so far. Half a product left unlinked in the shop would take the item's SKU,
                // and the item could never be imported again.
                self::discard($product->get_id());
                throw $e;
            }
            \WC_Product_Variable::sync($product->get_id());
        }
        if ($this->withImages && !empty($spec['images'])) {
            $created['images_failed'] = array_merge($created['images_failed'], $this->images->apply($product, $spec['images'])['failed']);
        }
        return $created;
    }

    /**
     * Adds declinations created in Shopcaisse since the import under an already linked product.
     *
     * @return list<array{item_id:string,wc_id:int}>
     */
    public function addVariations(int $parentId, array $variations): array
    {
        $parent = wc_get_product($parentId);
        if (!is_a($parent, \WC_Product_Variable::class)) {
            return [];
        }
        $attributes = $parent->get_attributes();
        foreach ($variations as $variation) {
            foreach ($variation['attributes'] ?? [] as $pair) {
                $key = sanitize_title((string) $pair['name']);
                $attribute = $attributes[$key] ?? null;
                if ($attribute === null) {
                    $attribute = self::attributes([['name' => $pair['name'], 'values' => []]])[$key];
                }
                if (!$attribute->is_taxonomy() && !in_array($pair['value'], $attribute->get_options(), true)) {
                    $attribute->set_options(array_merge($attribute->get_options(), [(string) $pair['value']]));
                }
                $attributes[$key] = $attribute;
            }
        }
        $parent->set_attributes($attributes);
        $parent->save();
        $failed = [];
        $created = $this->variations($parent, $variations, $failed);
        \WC_Product_Variable::sync($parentId);
        return $created;
    }

    /** @return list<array{item_id:string,wc_id:int}> */
    private function variations(\WC_Product $parent, array $specs, array &$imagesFailed): array
    {
        $created = [];
        foreach ($specs as $spec) {
            $variation = new \WC_Product_Variation();
            $variation->set_parent_id($parent->get_id());
            $variation->set_status('publish');
            self::identify($variation, $spec);
            $values = [];
            foreach ($spec['attributes'] ?? [] as $pair) {
                $values[sanitize_title((string) $pair['name'])] = (string) $pair['value'];
            }
            $variation->set_attributes($values);
            self::priceAndStock($variation, $spec['regular_price'] ?? null, $spec['stock'] ?? null, $spec['weighed'] ?? null);
            $variation->update_meta_data(self::ITEM_META, (string) $spec['item']);
            $variation->save();
            if ($this->withImages && !empty($spec['image'])) {
                $imagesFailed = array_merge($imagesFailed, $this->images->apply($variation, [(string) $spec['image']])['failed']);
            }
            $created[] = ['item_id' => (string) $spec['item'], 'wc_id' => $variation->get_id()];
        }
        return $created;
    }

    /** Deletes a product just created, its variations included (read again: they are its children now). */
    private static function discard(int $id): void
    {
        $product = wc_get_product($id);
        if ($product) {
            $product->delete(true);
        }
    }

    private static function identify(\WC_Product $product, array $spec): void
    {
        if (!empty($spec['sku'])) {
            $product->set_sku((string) $spec['sku']);
        }
        $gtin = preg_replace('/[^0-9\-]/', '', (string) ($spec['barcode'] ?? ''));
        if ($gtin !== '' && method_exists($product, 'set_global_unique_id')) {
            $product->set_global_unique_id($gtin);
        }
    }

    /** Price in cents from the core; stock as a decimal string (whole units for weighed items). */
    private static function priceAndStock(\WC_Product $product, ?int $cents, ?string $stock, ?array $weighed): void
    {
        if ($weighed !== null) {
            $cents = (int) $weighed['price_per_unit'];
            $product->update_meta_data(self::WEIGHED_META, [
                'symbol' => (string) ($weighed['unit']['symbol'] ?? ''),
                'decimals' => (int) ($weighed['unit']['decimals'] ?? 0),
                'price_per_unit' => $cents,
            ]);
        }
        if ($cents !== null) {
            $product->set_regular_price(self::money($cents));
        }
        $product->set_manage_stock(true);
        $product->set_stock_quantity(self::units($stock));
    }

    /** Whole units of a decimal stock string, rounded down ("12.345" → 12). */
    public static function units(?string $quantity): int
    {
        if ($quantity === null || $quantity === '') {
            return 0;
        }
        $whole = (int) explode('.', $quantity)[0];
        return max(0, $whole);
    }

    /** Integer cents as WooCommerce's decimal price ("24.90"). */
    public static function money(int $cents): string
    {
        $sign = $cents < 0 ? '-' : '';
        $cents = abs($cents);
        return sprintf('%s%d.%02d', $sign, intdiv($cents, 100), $cents % 100);
    }

    /**
     * Custom (per-product) attributes used for variations, with every value.
     *
     * @param list<array{name:string,values:list<string>}> $specs
     * @return array<string,\WC_Product_Attribute>
     */
    private static function attributes(array $specs): array
    {
        $attributes = [];
        $position = 0;
        foreach ($specs as $spec) {
            $attribute = new \WC_Product_Attribute();
            $attribute->set_id(0);
            $attribute->set_name((string) $spec['name']);
            $attribute->set_options(array_map('strval', $spec['values'] ?? []));
            $attribute->set_position($position++);
            $attribute->set_visible(true);
            $attribute->set_variation(true);
            $attributes[sanitize_title((string) $spec['name'])] = $attribute;
        }
        return $attributes;
    }
}
