<?php

declare(strict_types=1);

namespace ShopcaisseSync\Tests;

use ShopcaisseSync\Engine;

/** Web orders to the till through the PHP API, against the sandbox, on either backend. */
final class OrdersTest extends EngineTestCase
{
    private const PLATE = '6e7de1b3-0f22-4414-ab93-a439a3b9f824';
    private const CUP = '97076447-2dc5-4301-a5f8-45fba77e6f05';
    private const COFFEE = '210f22f4-cac1-4554-a5bd-c4293c303767';
    private const HONEY = '37fd894b-fecd-42fc-a47e-bc713bb9e6fd';
    private const JEANNE = 'ecf7d65f-71fd-427b-acc1-0514d127e375';

    protected function setUp(): void
    {
        parent::setUp();
        Sandbox::get()->reset();
    }

    /** @param array<string,mixed> $settings */
    private function linkedEngine(array $settings = []): Engine
    {
        $engine = $this->sandboxEngine($settings + ['order_retry_base_ms' => 200]);
        $engine->refreshCatalog();
        $engine->link(self::PLATE, 501);
        $engine->link(self::CUP, 502);
        $engine->link(self::COFFEE, 503);
        return $engine;
    }

    /**
     * A paid order in euros: lines of [product, name, quantity, unit price in cents].
     *
     * @param list<array{int,string,string,int}> $lines
     * @return array<string,mixed>
     */
    private static function order(int $id, array $lines, string $status = 'processing'): array
    {
        $total = 0;
        $out = [];
        foreach ($lines as [$product, $name, $quantity, $unit]) {
            $lineTotal = intdiv($unit * (int) round((float) $quantity * 1000) + 500, 1000);
            $total += $lineTotal;
            $out[] = ['wc_product_id' => $product, 'name' => $name, 'quantity' => $quantity,
                      'unit_price_ttc' => $unit, 'total_ttc' => $lineTotal];
        }
        return [
            'wc_order_id' => $id, 'number' => (string) $id, 'status' => $status,
            'created_at_ms' => 1785578400000, 'currency' => 'EUR',
            'customer' => ['first_name' => 'Paul', 'last_name' => "Client$id",
                           'email' => "client$id@example.org", 'phone' => null],
            'lines' => $out, 'shipping' => [], 'fees' => [],
            'payment_method_title' => 'Carte bancaire', 'total_ttc' => $total,
        ];
    }

    /** @return list<array<string,mixed>> The sandbox's orders under a reference. */
    private static function posOrders(string $reference): array
    {
        $all = Sandbox::get()->control('GET', 'orders');
        return array_values(array_filter($all, static fn ($o) => $o['externalReference'] === $reference));
    }

    private static function requests(string $method, string $path): int
    {
        $log = Sandbox::get()->control('GET', 'log');
        return count(array_filter($log, static fn ($e) => $e['method'] === $method && str_contains($e['target'], $path)));
    }

    private static function cents(int|float $euros): int
    {
        return (int) round($euros * 100);
    }

    public function testAnOrderIsQueuedOnceHoweverOftenTheHookFiresAndReachesThePosOnce(): void
    {
        $engine = $this->linkedEngine();
        $order = self::order(2001, [[501, 'Assiette plate', '2', 2490]]);
        $this->assertSame('nothing', $engine->orderChanged(['status' => 'pending'] + $order)['action']);
        $first = $engine->orderChanged($order);
        $this->assertSame('enqueue', $first['action']);
        $this->assertSame('queued', $first['order']['state']);
        $engine->orderChanged($order);
        $engine->orderChanged(['status' => 'completed'] + $order);
        $this->assertSame(1, $engine->listOutbox([])['total']);

        $run = $engine->pushOrders(10);
        $this->assertSame(1, $run['pushed']);
        $this->assertSame(0, $engine->pushOrders(10)['claimed']);
        $this->assertSame('nothing', $engine->orderChanged(['status' => 'completed'] + $order)['action']);
        $this->assertCount(1, self::posOrders('WEB-2001'));
        $this->assertSame(1, self::requests('POST', '/orders'));
    }

    public function testPushingNowTwiceCreatesOnePosOrder(): void
    {
        $engine = $this->linkedEngine();
        $order = self::order(2002, [[502, 'Tasse à café', '3', 990]]);
        $first = $engine->pushOrderNow($order)['order'];
        $this->assertSame('pushed', $first['state']);
        $second = $engine->pushOrderNow($order)['order'];
        $this->assertSame($first['pos_order_id'], $second['pos_order_id']);
        $states = $engine->orderStates([2002]);
        $this->assertSame('pushed', $states[0]['state']);
        $held = self::posOrders('WEB-2002');
        $this->assertCount(1, $held);
        $this->assertSame($first['pos_order_id'], $held[0]['id']);
    }

    public function testACustomerIsFoundByEmailElseCreatedOnceAndRemembered(): void
    {
        $engine = $this->linkedEngine();
        $known = self::order(2010, [[501, 'Assiette plate', '1', 2490]]);
        $known['customer'] = ['first_name' => 'Jeanne', 'last_name' => 'Martin',
                              'email' => 'jeanne@example.fr', 'phone' => null];
        $engine->pushOrderNow($known);
        $this->assertSame(self::JEANNE, self::posOrders('WEB-2010')[0]['customer']);
        $this->assertSame(0, self::requests('POST', '/customers'));

        $buyer = ['first_name' => 'Luc', 'last_name' => 'Nouveau', 'email' => 'luc@example.org', 'phone' => '+33612345678'];
        $first = self::order(2011, [[501, 'Assiette plate', '1', 2490]]);
        $first['customer'] = $buyer;
        $engine->pushOrderNow($first);
        $this->assertSame(1, self::requests('POST', '/customers'));
        $created = self::posOrders('WEB-2011')[0]['customer'];
        $this->assertIsString($created);

        Sandbox::get()->control('DELETE', 'log');
        $second = self::order(2012, [[502, 'Tasse à café', '1', 990]]);
        $second['customer'] = $buyer;
        $engine->pushOrderNow($second);
        $this->assertSame($created, self::posOrders('WEB-2012')[0]['customer']);
        $this->assertSame(0, self::requests('GET', '/customers'));
        $this->assertSame(0, self::requests('POST', '/customers'));
    }

    public function testAnUnlinkedProductBlocksTheOrderNamingItUntilItIsLinked(): void
    {
        $engine = $this->linkedEngine();
        $order = self::order(2020, [[501, 'Assiette plate', '1', 2490], [777, 'Miel de lavande', '1', 890]]);
        $row = $engine->orderChanged($order)['order'];
        $this->assertSame('blocked', $row['state']);
        $this->assertSame('unlinked_products', $row['blocked_reasons'][0]['reason']);
        $this->assertSame([['wc_id' => 777, 'name' => 'Miel de lavande']], $row['blocked_reasons'][0]['lines']);
        $this->assertSame(0, $engine->pushOrders(10)['claimed']);

        $engine->link(self::HONEY, 777);
        $this->assertSame('queued', $engine->orderChanged($order)['order']['state']);
        $this->assertSame(1, $engine->pushOrders(10)['pushed']);
        $this->assertCount(1, self::posOrders('WEB-2020'));
    }

    public function testAPosWithoutTheOrderModuleBlocksWithOrderModuleMissingNotABadKey(): void
    {
        $reach = $this->sandboxEngine()->testConnection();
        $without = array_values(array_filter($reach['stores'][0]['pos'], static fn ($p) => !$p['order_management']));
        $this->assertNotEmpty($without, json_encode($reach['stores'][0]['pos']));
        $engine = $this->linkedEngine(['pos_id' => $without[0]['id']]);
        $row = $engine->pushOrderNow(self::order(2030, [[501, 'Assiette plate', '1', 2490]]))['order'];
        $this->assertSame('blocked', $row['state']);
        $this->assertSame('order_module_missing', $row['error']['kind']);
        $this->assertCount(0, self::posOrders('WEB-2030'));
    }

    public function testARevokedTokenBlocksWithInvalidToken(): void
    {
        $engine = $this->linkedEngine();
        $engine->orderChanged(self::order(2031, [[501, 'Assiette plate', '1', 2490]]));
        Sandbox::get()->faults(['revokedToken' => true]);
        $this->assertSame(1, $engine->pushOrders(10)['blocked']);
        $row = $engine->orderStates([2031])[0];
        $this->assertSame('blocked', $row['state']);
        $this->assertSame('invalid_token', $row['error']['kind']);
    }

    public function testA503FailsWithARetryScheduledAndALaterDuePushSucceeds(): void
    {
        // A 503 on POST leaves the outcome unknown: a short grace window, then a new POST.
        $engine = $this->linkedEngine(['max_attempts' => 1, 'push_grace_ms' => 1000]);
        $engine->orderChanged(self::order(2040, [[501, 'Assiette plate', '1', 2490]]));
        Sandbox::get()->faults(['rules' => [['action' => 'status', 'status' => 503, 'method' => 'POST', 'path' => '/orders']]]);
        $before = (int) (microtime(true) * 1000);
        $this->assertSame(1, $engine->pushOrders(10)['failed']);
        $row = $engine->orderStates([2040])[0];
        $this->assertSame('failed', $row['state']);
        $this->assertSame('server', $row['error']['kind']);
        $this->assertGreaterThan($before, $row['next_attempt_at_ms']);

        Sandbox::get()->control('DELETE', 'faults');
        $deadline = microtime(true) + 20;
        do {
            usleep(50_000);
            $run = $engine->pushOrders(10);
        } while ($run['pushed'] === 0 && microtime(true) < $deadline);
        $this->assertSame(1, $run['pushed']);
        $this->assertGreaterThanOrEqual($row['next_attempt_at_ms'], (int) (microtime(true) * 1000));
        $this->assertCount(1, self::posOrders('WEB-2040'));
    }

    public function testACancelledOrderIsCancelledInThePosOrWithdrawnBeforeBeingSent(): void
    {
        $engine = $this->linkedEngine();
        $pushed = self::order(2050, [[501, 'Assiette plate', '1', 2490]]);
        $engine->pushOrderNow($pushed);
        $this->assertSame('cancel', $engine->orderChanged(['status' => 'cancelled'] + $pushed)['action']);
        $this->assertSame('cancelled', self::posOrders('WEB-2050')[0]['status']);
        // The hook firing again fails nothing and cancels nothing twice.
        $engine->orderChanged(['status' => 'refunded'] + $pushed);
        $this->assertSame(1, self::requests('DELETE', '/orders/'));

        $queued = self::order(2051, [[501, 'Assiette plate', '1', 2490]]);
        $engine->orderChanged($queued);
        $withdrawn = $engine->orderChanged(['status' => 'cancelled'] + $queued);
        $this->assertSame('withdraw', $withdrawn['action']);
        $this->assertSame('cancelled', $withdrawn['order']['state']);
        $this->assertSame(0, $engine->pushOrders(10)['claimed']);
        $this->assertCount(0, self::posOrders('WEB-2051'));
    }

    public function testACancellationThePosRefusesIsKeptAndDeliveredByALaterPush(): void
    {
        $engine = $this->linkedEngine(['max_attempts' => 1]);
        $pushed = self::order(2055, [[501, 'Assiette plate', '1', 2490]]);
        $engine->pushOrderNow($pushed);
        Sandbox::get()->faults(['rules' => [['action' => 'status', 'status' => 503, 'method' => 'DELETE', 'path' => '/orders']]]);
        $cancelling = $engine->orderChanged(['status' => 'cancelled'] + $pushed);
        $this->assertSame('cancelling', $cancelling['order']['state']);
        $this->assertSame('not_acked', self::posOrders('WEB-2055')[0]['status']);

        Sandbox::get()->control('DELETE', 'faults');
        $deadline = microtime(true) + 20;
        do {
            usleep(100_000);
            $engine->pushOrders(10);
            $row = $engine->orderStates([2055])[0];
        } while ($row['state'] !== 'cancelled' && microtime(true) < $deadline);
        $this->assertSame('cancelled', $row['state']);
        $this->assertSame('cancelled', self::posOrders('WEB-2055')[0]['status']);
    }

    public function testWeighedQuantitiesShippingAndFeesReachThePosAndTheTotalIsPaidToTheCent(): void
    {
        $engine = $this->linkedEngine();
        $order = self::order(2060, [[501, 'Assiette plate', '2', 2490], [503, 'Café en grains', '0.355', 3250]]);
        $order['shipping'] = [['name' => 'Colissimo', 'total_ttc' => 490]];
        $order['fees'] = [['name' => 'Emballage cadeau', 'total_ttc' => 150]];
        $order['total_ttc'] += 640;
        $this->assertSame('pushed', $engine->pushOrderNow($order)['order']['state']);

        $held = self::posOrders('WEB-2060')[0];
        $this->assertSame($order['total_ttc'], self::cents($held['total']));
        $this->assertSame(6774, $order['total_ttc']);
        $this->assertSame($order['total_ttc'], self::cents($held['payments'][0]['amount']));
        $coffee = array_values(array_filter($held['lines'], static fn ($l) => $l['item'] === self::COFFEE))[0];
        $this->assertSame(0.355, $coffee['quantity']);
        $free = array_values(array_filter($held['lines'], static fn ($l) => $l['item'] === null));
        $this->assertSame(['Colissimo', 'Emballage cadeau'], array_column($free, 'label'));
        $this->assertSame([490, 150], array_map(static fn ($l) => self::cents($l['unitPrice']), $free));
    }

    public function testAnOrderNotInEurosIsBlocked(): void
    {
        $engine = $this->linkedEngine();
        $order = ['currency' => 'GBP'] + self::order(2070, [[501, 'Assiette plate', '1', 2490]]);
        $row = $engine->pushOrderNow($order)['order'];
        $this->assertSame('blocked', $row['state']);
        $this->assertSame('not_eur', $row['blocked_reasons'][0]['reason']);
        $this->assertCount(0, self::posOrders('WEB-2070'));
    }
}
