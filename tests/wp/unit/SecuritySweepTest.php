<?php
/**
 * Every admin action of the plugin refuses an anonymous visitor, a subscriber, and a shop
 * manager without a nonce, and changes nothing. The list of actions is read from WordPress's
 * own hook registry, so a new action is swept without this test being edited.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Settings\CronToken;
use ShopcaisseSync\Plugin\Settings\Options;

final class SecuritySweepTest extends PluginTestCase
{
    /** @return string[] every AJAX and admin-post action the plugin registered */
    private function actions(): array
    {
        global $wp_filter;
        $actions = [];
        foreach (array_keys($wp_filter) as $hook) {
            if (preg_match('/^(wp_ajax_nopriv_|wp_ajax_|admin_post_nopriv_|admin_post_)(shopcaisse_sync_.+)$/', (string) $hook, $m)) {
                $actions[$m[0]] = [$m[1], $m[2]];
            }
        }
        return $actions;
    }

    /** What an action could change: the options and the state the plugin keeps. */
    private function snapshot(): array
    {
        return [get_option(Options::OPTION), get_option(CronToken::OPTION)];
    }

    public function test_the_sweep_finds_the_actions(): void
    {
        $this->assertArrayHasKey('wp_ajax_shopcaisse_sync_test_connection', $this->actions());
        $this->assertArrayHasKey('wp_ajax_shopcaisse_sync_regenerate_token', $this->actions());
        $this->assertArrayHasKey('wp_ajax_shopcaisse_sync_push_order', $this->actions());
        $this->assertArrayHasKey('admin_post_shopcaisse_sync_export_logs', $this->actions());
        $this->assertArrayHasKey('admin_post_shopcaisse_sync_purge_logs', $this->actions());
    }

    public function test_no_action_is_open_to_visitors_who_are_not_logged_in(): void
    {
        foreach (array_keys($this->actions()) as $hook) {
            $this->assertStringNotContainsString('nopriv', $hook, "$hook is open to anonymous visitors");
        }
    }

    /** @dataProvider callers */
    public function test_every_action_refuses_and_changes_nothing(string $caller): void
    {
        CronToken::ensure();
        Options::save(['token' => 'saved-key-1234567890']);
        if ($caller === 'subscriber') {
            $this->loginAs('subscriber');
        } elseif ($caller === 'shop_manager_without_nonce') {
            $this->loginAsShopManager();
        } else {
            wp_set_current_user(0);
        }
        foreach ($this->actions() as $hook => [$prefix, $action]) {
            $before = $this->snapshot();
            $post = $caller === 'shop_manager_without_nonce' ? ['nonce' => 'forged'] : ['nonce' => $this->adminNonce()];
            if (str_starts_with($prefix, 'wp_ajax')) {
                $answer = $this->ajax($action, $post + ['token' => 'attacker-key']);
                $this->assertFalse($answer['success'] ?? false, "$hook answered success to $caller");
            } else {
                $_POST = $_REQUEST = $post;
                try {
                    do_action($hook);
                } catch (\WPDieException) {
                    // refused
                }
            }
            $this->assertSame($before, $this->snapshot(), "$hook changed something for $caller");
        }
    }

    public static function callers(): array
    {
        return [['anonymous'], ['subscriber'], ['shop_manager_without_nonce']];
    }

    public function test_saving_settings_needs_the_capability(): void
    {
        $this->loginAs('subscriber');
        $this->assertFalse(current_user_can(apply_filters('option_page_capability_shopcaisse_sync', 'manage_options')));
        $this->loginAsShopManager();
        $this->assertTrue(current_user_can(apply_filters('option_page_capability_shopcaisse_sync', 'manage_options')));
    }

    public function test_the_settings_page_refuses_a_subscriber(): void
    {
        $this->loginAs('subscriber');
        $page = new \ShopcaisseSync\Plugin\Admin\SettingsPage(static fn () => [], '');
        $this->expectException(\WPDieException::class);
        $page->render();
    }
}
