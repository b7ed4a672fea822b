<?php
/**
 * Outils > Exporter / Effacer les données personnelles for a buyer whose orders stand in every
 * outbox state: delivered, cancelled, failed, queued and blocked. The export lists what the
 * core holds; the erasure blanks what is settled at once and keeps, for orders still on their
 * way, the details the till needs, until they are delivered, exactly once, then blanked.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Orders\OrderSync;
use ShopcaisseSync\Tests\Sandbox;

require_once __DIR__ . '/../support/OrderFixtures.php';

/** @group order-storage */
final class PrivacyTest extends PluginTestCase
{
    use OrderFixtures;

    private const EMAIL = 'jeanne@example.fr';

    /** Our exporter or eraser as WordPress's privacy tools find them. */
    private function tool(string $filter, string $callback): callable
    {
        $tools = apply_filters($filter, []);
        $this->assertArrayHasKey('shopcaisse-sync', $tools);
        return $tools['shopcaisse-sync']['callback'];
    }

    /** @return array<string,array> item_id => item, for our orders group */
    private function exportedOrders(): array
    {
        $export = $this->tool('wp_privacy_personal_data_exporters', 'callback')(self::EMAIL, 1);
        $this->assertTrue($export['done']);
        $orders = array_filter($export['data'], static fn ($item) => $item['group_id'] === 'shopcaisse-sync-orders');
        return array_column($orders, null, 'item_id');
    }

    public function test_export_then_erase_for_a_buyer_with_orders_in_every_state(): void
    {
        // A 503 on the POST leaves its outcome unknown: posted again after 1 s, not 2 minutes.
        $this->engineOverrides['push_grace_ms'] = 1000;
        $sandbox = $this->configureOrders();
        $plate = $this->product('Assiette plate', '24.90', self::PLATE);
        $honey = $this->product('Miel de lavande', '8.90');

        $pushed = $this->paidOrder([[$plate, 1]]);
        $cancelled = $this->paidOrder([[$plate, 2]]);
        $this->runPushAction();
        $cancelled->update_status('cancelled');
        $this->endRequest();
        $this->runScheduled(OrderSync::CHANGED_ACTION);
        $this->runPushAction();
        $sandbox->control('POST', 'faults/rules', ['action' => 'status', 'status' => 503, 'method' => 'POST', 'path' => '/orders']);
        $failed = $this->paidOrder([[$plate, 3]]);
        $this->runPushAction();
        $sandbox->control('DELETE', 'faults');
        $queued = $this->paidOrder([[$plate, 4]]);
        $blocked = $this->paidOrder([[$honey, 1]]);
        $states = [];
        foreach ($this->plugin()->engines->engine()->orderStates(array_map(static fn ($o) => $o->get_id(), [$pushed, $cancelled, $failed, $queued, $blocked])) as $row) {
            $states[$row['wc_order_id']] = $row['state'];
        }
        $this->assertSame([$pushed->get_id() => 'pushed', $cancelled->get_id() => 'cancelled', $failed->get_id() => 'failed',
            $queued->get_id() => 'queued', $blocked->get_id() => 'blocked'], $states);

        // The export: every order whose payload holds the buyer (a blocked order holds only its
        // reasons), with the details the till was or will be given.
        $orders = $this->exportedOrders();
        $this->assertCount(4, $orders, wp_json_encode($orders));
        $first = $orders['shopcaisse-order-' . $pushed->get_id()]['data'];
        $this->assertContains(['name' => 'E-mail', 'value' => self::EMAIL], $first);
        $this->assertContains(['name' => 'Last name', 'value' => 'Martin'], $first);

        // The erasure: settled orders blanked now, the two on their way kept until delivered.
        $erased = $this->tool('wp_privacy_personal_data_erasers', 'callback')(self::EMAIL, 1);
        $this->assertTrue($erased['items_removed']);
        $this->assertTrue($erased['items_retained']);
        $this->assertStringContainsString('2 orders on their way to the Shopcaisse till keep the buyer', $erased['messages'][0]);
        $this->assertSame(['shopcaisse-order-' . $failed->get_id(), 'shopcaisse-order-' . $queued->get_id()],
            array_values(array_diff(array_keys($this->exportedOrders()), [])));

        // Delivered: each once, with the buyer the till needs; then nothing is left.
        usleep(1_500_000); // past the failed order's grace window
        $this->runPushAction();
        foreach ([$failed, $queued] as $order) {
            $pos = $this->posOrders($this->reference($order));
            $this->assertCount(1, $pos, 'delivered exactly once: ' . wp_json_encode($this->plugin()->engines->engine()->orderStates([$order->get_id()])));
            $this->assertStringContainsString('Martin', wp_json_encode($pos[0]));
        }
        $this->assertSame([], $this->exportedOrders());
        $this->assertCount(1, $this->posOrders($this->reference($pushed)), 'the delivered order was not sent again');
    }

    public function test_the_privacy_policy_gets_a_suggested_paragraph(): void
    {
        $this->configureOrders();
        set_current_screen('options-privacy');
        $GLOBALS['wp_actions']['admin_init'] = 1; // added while WordPress is at admin_init, as it wants
        (new \ShopcaisseSync\Plugin\Privacy\PrivacyTools($this->plugin()->engines))->policy();
        $policies = \WP_Privacy_Policy_Content::get_suggested_policy_text();
        $ours = array_values(array_filter($policies, static fn ($p) => $p['plugin_name'] === 'Shopcaisse Sync'));
        $this->assertCount(1, $ours);
        $this->assertStringContainsString('Shopcaisse point of sale', $ours[0]['policy_text']);
    }
}
