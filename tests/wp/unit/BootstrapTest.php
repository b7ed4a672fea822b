<?php
/**
 * The bootstrap never fatals: loaded here on the backend under test; and, in a separate PHP
 * process on the same WordPress, without any usable backend and without WooCommerce, every admin
 * page shows the notice with the exact fix while the site keeps answering.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

final class BootstrapTest extends PluginTestCase
{
    public function test_the_plugin_boots_on_the_backend_under_test(): void
    {
        $this->assertSame(getenv('SCS_BACKEND'), $this->plugin()->backend());
        $this->assertSame(getenv('SCS_BACKEND'), $this->plugin()->engines->engine()->diagnostics()['backend']);
    }

    public function test_hpos_compatibility_is_declared(): void
    {
        $compatible = \Automattic\WooCommerce\Utilities\FeaturesUtil::get_compatible_plugins_for_feature('custom_order_tables', true);
        $this->assertContains('shopcaisse-sync/shopcaisse-sync.php', $compatible['compatible']);
    }

    public function test_activation_creates_the_cron_token(): void
    {
        delete_option('shopcaisse_sync_cron_token');
        do_action('activate_' . plugin_basename(SHOPCAISSE_SYNC_FILE));
        $this->assertGreaterThanOrEqual(43, strlen((string) get_option('shopcaisse_sync_cron_token')));
    }

    public function test_without_any_backend_every_admin_page_shows_the_php_ini_fix_and_the_site_works(): void
    {
        $out = $this->renderInChild(['-d', 'ffi.enable=0'], true);
        $this->assertStringContainsString('SITE-OK', $out);
        $this->assertStringContainsString('shopcaisse-sync-notice', $out);
        $this->assertStringContainsString('ffi.enable=true', $out);
        $this->assertStringContainsString('extension=' . dirname(__DIR__, 3) . '/target/ext/release/libshopcaisse_sync.so', $out);
        $this->assertStringNotContainsString('Fatal error', $out);
    }

    public function test_without_woocommerce_the_admin_is_told_to_activate_it_and_the_site_works(): void
    {
        $out = $this->renderInChild(self::backendArgs(), false);
        $this->assertStringContainsString('SITE-OK', $out);
        $this->assertStringContainsString('WooCommerce is not active', $out);
        $this->assertStringNotContainsString('Fatal error', $out);
    }

    public function test_a_library_that_is_not_a_library_is_explained_not_loaded(): void
    {
        $fake = $this->stateDir . '/libshopcaisse_sync.so';
        file_put_contents($fake, "not a shared object\n");
        $out = $this->renderInChild(['-d', 'ffi.enable=1'], true, ['SCS_CHILD_FFI_LIB' => $fake]);
        $this->assertStringContainsString('SITE-OK', $out);
        $this->assertStringContainsString('the FFI library could not be loaded', $out);
    }

    /** @return string[] the php options that load the backend under test */
    private static function backendArgs(): array
    {
        return getenv('SCS_BACKEND') === 'extension'
            ? ['-d', 'extension=' . dirname(__DIR__, 3) . '/target/ext/release/libshopcaisse_sync.so']
            : ['-d', 'ffi.enable=1'];
    }

    /**
     * Loads this WordPress in a fresh php process with the given php options, as an administrator
     * on an admin page, and returns what admin_notices printed and whether the site answered.
     */
    private function renderInChild(array $phpArgs, bool $withWooCommerce, array $env = []): string
    {
        $command = array_merge([PHP_BINARY, '-d', 'memory_limit=512M'], $phpArgs, [__DIR__ . '/../support/render-admin.php', $withWooCommerce ? '1' : '0']);
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env + getenv());
        $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
        proc_close($process);
        return $out;
    }
}
