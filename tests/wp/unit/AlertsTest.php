<?php
/**
 * E-mail alerts: the rules on their own (late by N intervals, blocked for an hour, a held run),
 * then the digest through wp_mail on real WooCommerce: off by default, one message per kind and
 * per day, a new kind the same day sent alone, everything again the next day.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Alerts\AlertMailer;
use ShopcaisseSync\Plugin\Alerts\AlertRules;
use ShopcaisseSync\Plugin\Settings\Options;

require_once __DIR__ . '/../support/OrderFixtures.php';

final class AlertsTest extends PluginTestCase
{
    use OrderFixtures;

    private const HOUR = 3_600_000;
    private const DAY = 86_400_000;

    public function set_up(): void
    {
        parent::set_up();
        reset_phpmailer_instance();
    }

    /** @return list<array{subject:string,body:string,to:string}> */
    private function sent(): array
    {
        return array_map(static fn (array $mail) => ['subject' => (string) $mail['subject'], 'body' => (string) $mail['body'], 'to' => (string) $mail['to'][0][0]],
            tests_retrieve_phpmailer_instance()->mock_sent);
    }

    public function test_a_cron_url_is_late_after_n_usual_intervals_an_order_after_an_hour_blocked(): void
    {
        $now = 100 * self::DAY;
        $health = ['jobs' => [
            ['job' => 'stock', 'last_called_at_ms' => $now - 31 * 60_000, 'usual_interval_ms' => 10 * 60_000],
            ['job' => 'orders', 'last_called_at_ms' => $now - 29 * 60_000, 'usual_interval_ms' => 10 * 60_000],
            ['job' => 'products', 'last_called_at_ms' => null, 'usual_interval_ms' => null],
        ]];
        $blocked = [
            ['wc_order_id' => 7, 'external_reference' => 'WEB-7', 'updated_at_ms' => $now - self::HOUR],
            ['wc_order_id' => 8, 'external_reference' => 'WEB-8', 'updated_at_ms' => $now - self::HOUR + 1],
        ];
        $due = AlertRules::due($health, $blocked, [], $now, 3);
        $this->assertSame(['stock'], array_column($due[AlertRules::LATE_CRON], 'job'));
        $this->assertSame(['WEB-7'], array_column($due[AlertRules::BLOCKED_ORDERS], 'reference'));
        $this->assertArrayNotHasKey(AlertRules::HELD_STOCK, $due);
        $this->assertArrayNotHasKey(AlertRules::LATE_CRON, AlertRules::due($health, [], [], $now, 4), 'N is a setting');
        $this->assertSame([AlertRules::HELD_STOCK => [['count' => 1]]], AlertRules::due([], [], [['id' => 1]], $now, 3));
        $this->assertSame([AlertRules::BLOCKED_ORDERS], array_keys(AlertRules::unsent($due, [AlertRules::LATE_CRON => '2026-01-02'], '2026-01-02')));
    }

    public function test_the_digest_goes_once_per_kind_and_per_day_and_only_when_switched_on(): void
    {
        $this->configureOrders();
        $honey = $this->product('Miel de lavande', '8.90');
        $this->paidOrder([[$honey, 1]]);
        $this->runPushAction();
        $mailer = new AlertMailer($this->plugin()->engines);
        $later = (int) floor(microtime(true) * 1000) + 2 * self::HOUR;
        reset_phpmailer_instance(); // WooCommerce's own "new order" e-mails

        $this->assertSame([], $mailer->check($later), 'off by default');
        $this->assertSame([], $this->sent());

        Options::save(array_merge(Options::all(), ['alerts_enabled' => true]));
        $this->assertNotFalse(wp_next_scheduled(AlertMailer::HOOK), 'switched on: checked every hour');
        $this->assertSame([AlertRules::BLOCKED_ORDERS], $mailer->check($later));
        $mails = $this->sent();
        $this->assertCount(1, $mails);
        $this->assertSame(get_option('admin_email'), $mails[0]['to']);
        $this->assertStringContainsString('Shopcaisse Sync needs your attention', $mails[0]['subject']);
        $this->assertMatchesRegularExpression('/An order is blocked and cannot reach the POS: WEB-\d+\./', $mails[0]['body']);
        $this->assertStringContainsString('tab=logs', $mails[0]['body']);
        $this->assertSame([], $mailer->check($later + 60_000), 'the same kind the same day: no second message');

        // A held stock run the same day: only it is sent.
        $plate = $this->product('Assiette plate', '24.90', self::PLATE);
        $plate->set_manage_stock(true);
        $plate->save();
        $this->plugin()->jobs->run('stock', 20.0, true);
        $this->holdAStockRun();
        reset_phpmailer_instance();
        $this->assertSame([AlertRules::HELD_STOCK], $mailer->check($later + 120_000));
        $this->assertCount(1, $this->sent());
        $this->assertStringContainsString('tab=shop-products', $this->sent()[0]['body']);
        $this->assertStringNotContainsString('blocked', $this->sent()[0]['body']);

        // The next day, both again, in one message.
        $this->assertEqualsCanonicalizing([AlertRules::BLOCKED_ORDERS, AlertRules::HELD_STOCK], $mailer->check($later + self::DAY));
        $this->assertCount(2, $this->sent());
        $this->assertStringContainsString('blocked', $this->sent()[1]['body']);
        $this->assertStringContainsString('held back', $this->sent()[1]['body']);

        Options::save(array_merge(Options::all(), ['alerts_enabled' => false]));
        $this->assertFalse(wp_next_scheduled(AlertMailer::HOOK), 'switched off: the hourly check goes');
    }
}
