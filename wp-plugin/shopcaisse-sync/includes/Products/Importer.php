<?php
/**
 * Applies the core's import plans: asks for the plan of some items against the shop snapshot,
 * creates what it says, records the links of what matched an existing product, and reports the
 * created products back so the core links them. Also applies the later updates (images; stock
 * is the stock job's). The core decides; nothing here chooses what to create.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Products;

use ShopcaisseSync\Engine;
use ShopcaisseSync\Plugin\Logger;
use ShopcaisseSync\Plugin\Shop\ShopSnapshot;

final class Importer
{
    /** @var list<array<string,mixed>>|null the shop snapshot, kept across chunks of one run */
    private ?array $snapshot = null;

    public function __construct(private readonly ProductWriter $writer, private readonly ImageImporter $images)
    {
    }

    public static function make(bool $withImages = true): self
    {
        $images = new ImageImporter();
        return new self(new ProductWriter($images, $withImages), $images);
    }

    /** The snapshot the plans are made against (read once per importer, grown as it creates). */
    public function snapshot(): array
    {
        return $this->snapshot ??= ShopSnapshot::products();
    }

    /**
     * Imports these items (null: every top-level item not linked yet). Past the deadline, the
     * products not created yet are left for the next call (`deferred`): they stay unlinked.
     *
     * @param list<string>|null $itemIds
     * @return array{created:int,variations:int,linked:int,deferred:int,skipped:list<array>,failed:list<array{item:string,message:string}>,images_failed:int}
     */
    public function import(Engine $engine, ?array $itemIds, float $deadline = INF): array
    {
        $plan = $engine->planImport($this->snapshot(), $itemIds);
        $summary = ['created' => 0, 'variations' => 0, 'linked' => 0, 'deferred' => 0, 'skipped' => $plan['skipped'] ?? [], 'failed' => [], 'images_failed' => 0];
        $created = [];
        foreach ($plan['create'] ?? [] as $n => $spec) {
            if ($n > 0 && microtime(true) >= $deadline) {
                $summary['deferred'] = count($plan['create']) - $n;
                break;
            }
            try {
                $product = $this->writer->create($spec);
            } catch (\Throwable $e) {
                $summary['failed'][] = ['item' => (string) $spec['item'], 'message' => $e->getMessage()];
                Logger::warning(sprintf('product not created for item %s: %s', $spec['item'], $e->getMessage()));
                continue;
            }
            $summary['images_failed'] += count($product['images_failed']);
            unset($product['images_failed']);
            $created[] = $product;
            $summary['created']++;
            $summary['variations'] += count($product['variations']);
            $this->remember($spec, $product);
        }
        foreach ($plan['add_variations'] ?? [] as $add) {
            $variations = $this->writer->addVariations((int) $add['parent_wc_id'], $add['variations']);
            $created[] = ['item_id' => (string) $add['parent_item'], 'wc_id' => (int) $add['parent_wc_id'], 'variations' => $variations];
            $summary['variations'] += count($variations);
        }
        foreach ($plan['matched'] ?? [] as $match) {
            try {
                $engine->link((string) $match['item'], (int) $match['wc_id']);
                $summary['linked']++;
            } catch (\ShopcaisseSync\Exception $e) {
                $summary['failed'][] = ['item' => (string) $match['item'], 'message' => $e->getMessage()];
            }
        }
        if ($created !== []) {
            $report = $engine->reportImported($created);
            // The products were created with the stock the core planned: the next stock run
            // needs to write only what changes after.
            $stock = self::initialStock($plan['create'] ?? [], $created);
            if ($stock !== []) {
                $engine->reportStockApplied($stock);
            }
            foreach ($report['refused'] ?? [] as $refused) {
                $summary['failed'][] = ['item' => (string) $refused['item_id'], 'message' => (string) $refused['message']];
            }
        }
        return $summary;
    }

    /**
     * Applies the image changes the core reports for linked products; names, prices and
     * descriptions are never touched after the first import.
     *
     * @return array{updated:int,images_failed:int}
     */
    public function updateImages(Engine $engine, float $deadline = INF): array
    {
        $updates = $engine->planProductUpdates(self::appliedImages());
        $summary = ['updated' => 0, 'images_failed' => 0];
        foreach ($updates['updates'] ?? [] as $update) {
            if ($update['images'] === null || microtime(true) >= $deadline) {
                continue;
            }
            $product = wc_get_product((int) $update['wc_id']);
            if (!$product) {
                continue;
            }
            $images = $product->is_type('variation') ? array_slice($update['images'], 0, 1) : $update['images'];
            $result = $this->images->apply($product, $images);
            if ($images !== $update['images']) {
                $product->update_meta_data(ImageImporter::APPLIED_META, $update['images']);
                $product->save_meta_data();
            }
            $summary['updated']++;
            $summary['images_failed'] += count($result['failed']);
        }
        return $summary;
    }

    /**
     * The stock each created product and variation was given, as the core planned it.
     *
     * @return list<array{wc_id:int,quantity:string}>
     */
    private static function initialStock(array $specs, array $created): array
    {
        $byItem = [];
        foreach ($specs as $spec) {
            $byItem[(string) $spec['item']] = $spec['stock'] ?? null;
            foreach ($spec['variations'] ?? [] as $variation) {
                $byItem[(string) $variation['item']] = $variation['stock'] ?? null;
            }
        }
        $stock = [];
        foreach ($created as $product) {
            foreach (array_merge([$product], $product['variations']) as $one) {
                $quantity = $byItem[$one['item_id']] ?? null;
                if ($quantity !== null) {
                    $stock[] = ['wc_id' => (int) $one['wc_id'], 'quantity' => (string) $quantity];
                }
            }
        }
        return $stock;
    }

    /** @return array<int,list<string>> wc_id => the Shopcaisse image addresses last applied */
    private static function appliedImages(): array
    {
        global $wpdb;
        $rows = $wpdb->get_results($wpdb->prepare(
            "SELECT post_id, meta_value FROM {$wpdb->postmeta} WHERE meta_key = %s",
            ImageImporter::APPLIED_META
        ), ARRAY_N);
        $applied = [];
        foreach ($rows as [$id, $value]) {
            $urls = maybe_unserialize($value);
            $applied[(int) $id] = is_array($urls) ? array_values(array_map('strval', $urls)) : [];
        }
        return $applied;
    }

    /** Adds what was just created to the snapshot, so the next chunk's plan sees it. */
    private function remember(array $spec, array $product): void
    {
        if ($this->snapshot === null) {
            return;
        }
        $variable = ($spec['product_type'] ?? '') === 'variable';
        $this->snapshot[] = array_filter([
            'id' => $product['wc_id'],
            'kind' => $variable ? 'variable' : 'simple',
            'sku' => $spec['sku'] ?? null,
            'barcode' => $spec['barcode'] ?? null,
            'on_sale' => true,
            'published' => true,
        ], static fn ($v) => $v !== null);
        foreach ($product['variations'] as $n => $variation) {
            $vspec = $spec['variations'][$n] ?? [];
            $this->snapshot[] = array_filter([
                'id' => $variation['wc_id'],
                'parent_id' => $product['wc_id'],
                'kind' => 'variation',
                'sku' => $vspec['sku'] ?? null,
                'barcode' => $vspec['barcode'] ?? null,
                'attributes' => $vspec['attributes'] ?? [],
                'on_sale' => true,
                'published' => true,
            ], static fn ($v) => $v !== null);
        }
    }
}
