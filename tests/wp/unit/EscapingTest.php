<?php
/**
 * Shopcaisse names may hold HTML: they are always shown as text. The connection test answers
 * them as data (the script sets them with textContent), and every screen escapes what it prints.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Admin\ConfigurationsTab;
use ShopcaisseSync\Plugin\Admin\ConnectionReport;
use ShopcaisseSync\Plugin\Settings\Options;

final class EscapingTest extends PluginTestCase
{
    private const HOSTILE = 'Mug <b>Promo</b> & "Café" <script>alert(1)</script>';

    public function test_a_hostile_company_name_reaches_the_script_as_plain_data(): void
    {
        $report = ConnectionReport::fromEngine([
            'ok' => true,
            'companies' => [['id' => 'c1', 'name' => self::HOSTILE]],
            'stores' => [['id' => 's1', 'name' => self::HOSTILE, 'company_id' => 'c1', 'pos' => [['id' => 'p1', 'name' => self::HOSTILE]]]],
            'price_lists' => [['id' => 'l1', 'name' => self::HOSTILE]],
            'warnings' => [],
        ]);
        $this->assertSame(self::HOSTILE, $report['companies'][0]['name']);
        // Through wp_send_json the names are JSON strings; JSON escapes nothing HTML needs, which
        // is why admin.js must set them as text. Check that it does.
        $script = (string) file_get_contents(dirname(__DIR__, 3) . '/wp-plugin/shopcaisse-sync/assets/admin.js');
        $this->assertStringNotContainsString('innerHTML', $script);
        $this->assertStringNotContainsString('insertAdjacentHTML', $script);
        $this->assertStringContainsString('option.textContent = row.name', $script);
    }

    public function test_saved_values_are_printed_escaped_on_the_configurations_tab(): void
    {
        $this->loginAsShopManager();
        Options::save(['company_id' => self::HOSTILE, 'order_prefix' => self::HOSTILE, 'base_url' => 'https://x.example/v1?"><script>alert(2)</script>']);
        ob_start();
        (new ConfigurationsTab($this->plugin()->engines))->render();
        $html = (string) ob_get_clean();
        $this->assertStringNotContainsString('<script>alert(1)</script>', $html);
        $this->assertStringNotContainsString('<script>alert(2)</script>', $html);
        $this->assertStringNotContainsString('<b>Promo</b>', $html);
        $this->assertStringContainsString('Mug &lt;b&gt;Promo&lt;/b&gt; &amp; &quot;Café&quot;', $html);
    }
}
