<?php
/**
 * The Commande tab: every registered status (a custom one of another plugin included) with its
 * send and cancel choices, saved through the settings option's validation: a wrong field saves
 * nothing, and what is saved reaches the core.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Admin\OrdersTab;
use ShopcaisseSync\Plugin\Admin\SettingsSaver;
use ShopcaisseSync\Plugin\Settings\Options;

final class OrdersTabTest extends PluginTestCase
{
    public function set_up(): void
    {
        parent::set_up();
        // Another plugin's status, as such plugins register them.
        add_filter('wc_order_statuses', static fn (array $statuses) => $statuses + ['wc-ready-to-ship' => 'Prête à expédier']);
    }

    private function render(): string
    {
        ob_start();
        (new OrdersTab())->render();
        return (string) ob_get_clean();
    }

    public function test_every_status_is_listed_custom_ones_included_and_the_default_sends_paid_and_completed(): void
    {
        $this->loginAsShopManager();
        $html = $this->render();
        foreach (array_keys(wc_get_order_statuses()) as $status) {
            $this->assertStringContainsString('data-status="' . substr($status, 3) . '"', $html);
        }
        $this->assertStringContainsString('Prête à expédier', $html);
        $this->assertMatchesRegularExpression('/id="scs-send-processing"[^>]*checked/', $html);
        $this->assertMatchesRegularExpression('/id="scs-send-completed"[^>]*checked/', $html);
        $this->assertDoesNotMatchRegularExpression('/id="scs-send-on-hold"[^>]*checked/', $html);
        $this->assertMatchesRegularExpression('/id="scs-cancel-cancelled"[^>]*checked/', $html);
        $this->assertMatchesRegularExpression('/id="scs-cancel-refunded"[^>]*checked/', $html);
        $this->assertStringContainsString('value="WEB-"', $html);
    }

    public function test_a_saved_mapping_reaches_the_core_and_the_form_shows_it(): void
    {
        $this->loginAsShopManager();
        $map = [];
        foreach (array_keys(OrdersTab::statuses()) as $status) {
            $map[$status] = in_array($status, ['completed', 'ready-to-ship'], true) ? '1' : '0';
        }
        $saved = SettingsSaver::sanitize(['status_map' => $map, 'cancel_statuses__present' => '1', 'cancel_statuses' => ['cancelled'],
            'order_prefix' => 'SHOP-', 'payment_type' => 'CARD']);
        $this->assertSame([], get_settings_errors(Options::OPTION));
        Options::save($saved);
        $engine = Options::engineSettings();
        $this->assertTrue($engine['status_map']['ready-to-ship']);
        $this->assertFalse($engine['status_map']['processing']);
        $this->assertSame(['cancelled'], $engine['cancel_statuses']);
        $this->assertSame('SHOP-', $engine['order_prefix']);
        $html = $this->render();
        $this->assertMatchesRegularExpression('/id="scs-send-ready-to-ship"[^>]*checked/', $html);
        $this->assertDoesNotMatchRegularExpression('/id="scs-send-processing"[^>]*checked/', $html);
        $this->assertDoesNotMatchRegularExpression('/id="scs-cancel-refunded"[^>]*checked/', $html);
    }

    public function test_the_core_follows_the_mapping_a_custom_status_sends_and_an_unmapped_one_does_not(): void
    {
        $this->configureForSandbox(['status_map' => ['processing' => false, 'ready-to-ship' => true]]);
        $engine = $this->plugin()->engines->engine();
        $order = ['wc_order_id' => 77, 'number' => '77', 'created_at_ms' => 1785578400000, 'currency' => 'EUR',
            'lines' => [], 'total_ttc' => 0];
        $this->assertSame('nothing', $engine->orderChanged(['status' => 'processing'] + $order)['action']);
        $this->assertSame('enqueue', $engine->orderChanged(['status' => 'wc-ready-to-ship'] + $order)['action']);
    }

    public function test_a_wrong_field_saves_nothing_of_the_form(): void
    {
        $this->loginAsShopManager();
        Options::save(array_merge(Options::all(), ['order_prefix' => 'WEB-']));
        $before = get_option(Options::OPTION);
        $stored = SettingsSaver::sanitize(['status_map' => ['processing' => '1', '<script>' => '1'], 'order_prefix' => 'NEW-']);
        $this->assertSame($before, $stored);
        $codes = array_column(get_settings_errors(Options::OPTION), 'code');
        $this->assertContains('invalid-status_map', $codes);
        $this->assertContains('not-saved', $codes);

        $tooLong = SettingsSaver::sanitize(['order_prefix' => str_repeat('X', 21)]);
        $this->assertSame($before, $tooLong, 'the core refuses a prefix of more than 20 characters');
    }

    public function test_saved_values_are_printed_escaped(): void
    {
        $this->loginAsShopManager();
        Options::save(array_merge(Options::all(), ['order_prefix' => '"><script>alert(3)</script>', 'status_map' => ['x"><b>' => true]]));
        $html = $this->render();
        $this->assertStringNotContainsString('<script>alert(3)', $html);
        $this->assertStringNotContainsString('"><b>', $html);
    }
}
