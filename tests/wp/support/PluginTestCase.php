<?php
/**
 * Base of the WordPress tier: real WordPress and WooCommerce (WP_UnitTestCase rolls the database
 * back after each test), the plugin booted on the backend under test, and a state directory of
 * its own per test so no test sees another's links, leases or logs.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Core\StateDirectory;
use ShopcaisseSync\Plugin\Plugin;
use ShopcaisseSync\Plugin\Settings\Options;
use ShopcaisseSync\Tests\Sandbox;

abstract class PluginTestCase extends \WP_UnitTestCase
{
    protected string $stateDir;

    /** Settings forced on every engine of the test (timeouts short enough for fault tests). */
    protected array $engineOverrides = [];

    public function set_up(): void
    {
        parent::set_up();
        $this->stateDir = sys_get_temp_dir() . '/scs-wp-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->stateDir);
        add_filter('shopcaisse_sync_state_dir', fn () => $this->stateDir);
        add_filter('shopcaisse_sync_engine_settings', fn (array $settings) => array_merge($settings, $this->engineOverrides));
        StateDirectory::forgetResolved();
        $this->plugin()->engines->reset();
        $this->engineOverrides = ['max_attempts' => 1, 'connect_timeout_ms' => 2000, 'request_timeout_ms' => 5000];
    }

    public function tear_down(): void
    {
        StateDirectory::forgetResolved();
        $this->plugin()->engines->reset();
        self::removeTree($this->stateDir);
        parent::tear_down();
    }

    protected function plugin(): Plugin
    {
        $plugin = Plugin::instance();
        $this->assertNotNull($plugin, 'the plugin did not boot');
        return $plugin;
    }

    protected function sandbox(): Sandbox
    {
        $sandbox = Sandbox::get();
        $sandbox->reset();
        return $sandbox;
    }

    /** Saves settings pointing at the sandbox, as a merchant would have chosen them. */
    protected function configureForSandbox(array $more = []): Sandbox
    {
        $sandbox = $this->sandbox();
        $state = $sandbox->control('GET', 'state');
        Options::save(array_merge(Options::all(), [
            'base_url' => $sandbox->baseUrl(),
            'token' => Sandbox::TOKEN,
            'company_id' => $state['companies'][0],
            'store_id' => $state['stores'][0],
            'pos_id' => $state['pos'][0]['id'],
        ], $more));
        $this->plugin()->engines->reset();
        return $sandbox;
    }

    /**
     * Runs the stock job while the POS answers no stock at all, so the mass-drop guard holds the
     * run; the demo catalog is back afterwards.
     */
    protected function holdAStockRun(): void
    {
        $demo = json_decode((string) file_get_contents(dirname(__DIR__, 3) . '/fixtures/demo-catalog.json'), true);
        $withoutStock = $demo;
        unset($withoutStock['stocks']);
        Sandbox::get()->control('POST', 'fixture', $withoutStock);
        try {
            $this->assertSame('held', $this->plugin()->jobs->run('stock', 20.0, true)['status']);
        } finally {
            Sandbox::get()->control('POST', 'fixture', $demo);
        }
    }

    protected function loginAs(string $role): int
    {
        $id = self::factory()->user->create(['role' => $role]);
        wp_set_current_user($id);
        return $id;
    }

    /** A shop manager: the role that runs a shop (manage_woocommerce, not manage_options). */
    protected function loginAsShopManager(): int
    {
        return $this->loginAs('shop_manager');
    }

    /**
     * Calls an AJAX action as admin-ajax.php would, with $post as the request, and returns the
     * decoded JSON answer (null when the handler answered nothing, as WordPress's "0" or "-1").
     */
    protected function ajax(string $action, array $post = []): ?array
    {
        $_POST = $_REQUEST = array_merge(['action' => $action], $post);
        add_filter('wp_doing_ajax', '__return_true');
        $die = static function (): callable {
            return static function ($message = ''): void {
                throw new AjaxDied(is_scalar($message) ? (string) $message : '');
            };
        };
        add_filter('wp_die_ajax_handler', $die, 1);
        ob_start();
        try {
            if (has_action('wp_ajax_' . $action)) {
                do_action('wp_ajax_' . $action);
            } else {
                echo '0';
            }
        } catch (AjaxDied $e) {
            echo $e->getMessage();
        } finally {
            $output = (string) ob_get_clean();
            remove_filter('wp_die_ajax_handler', $die, 1);
            remove_filter('wp_doing_ajax', '__return_true');
            $_POST = $_REQUEST = [];
        }
        $decoded = json_decode($output, true);
        return is_array($decoded) ? $decoded : null;
    }

    protected function adminNonce(): string
    {
        return wp_create_nonce(\ShopcaisseSync\Plugin\Admin\SettingsPage::NONCE_ACTION);
    }

    protected static function removeTree(string $dir): void
    {
        if (!is_dir($dir)) {
            return;
        }
        $entries = new \RecursiveIteratorIterator(
            new \RecursiveDirectoryIterator($dir, \FilesystemIterator::SKIP_DOTS),
            \RecursiveIteratorIterator::CHILD_FIRST
        );
        foreach ($entries as $entry) {
            $entry->isDir() ? rmdir($entry->getPathname()) : unlink($entry->getPathname());
        }
        rmdir($dir);
    }
}

/** Thrown in place of wp_die() by an AJAX handler under test. */
final class AjaxDied extends \RuntimeException
{
}
