<?php
/**
 * The settings screen's AJAX actions. Each checks the capability and the nonce before anything
 * else, and answers JSON.
 *
 * - shopcaisse_sync_test_connection: tests the key being typed (or the saved one) and answers
 *   what it reaches, so the selectors fill without a save, or the failure in plain words.
 * - shopcaisse_sync_regenerate_token: a new cron token, and the three new URLs.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Admin;

use ShopcaisseSync\Plugin\Core\EngineFactory;
use ShopcaisseSync\Plugin\ErrorMessages;
use ShopcaisseSync\Plugin\Rest\CronController;
use ShopcaisseSync\Plugin\Settings\CronToken;

final class Ajax
{
    public const ACTIONS = ['shopcaisse_sync_test_connection', 'shopcaisse_sync_regenerate_token'];

    public function __construct(private readonly EngineFactory $engines)
    {
    }

    public function register(): void
    {
        add_action('wp_ajax_shopcaisse_sync_test_connection', [$this, 'test_connection']);
        add_action('wp_ajax_shopcaisse_sync_regenerate_token', [$this, 'regenerate_token']);
    }

    /** Capability and nonce, before anything else; ends the request when either is missing. */
    private function guard(): void
    {
        if (!current_user_can(SettingsPage::CAPABILITY)) {
            wp_send_json_error(['message' => __('You are not allowed to manage Shopcaisse Sync.', 'shopcaisse-sync')], 403);
        }
        if (!check_ajax_referer(SettingsPage::NONCE_ACTION, 'nonce', false)) {
            wp_send_json_error(['message' => __('This page has expired. Reload it and try again.', 'shopcaisse-sync')], 403);
        }
    }

    public function test_connection(): void
    {
        $this->guard();
        $overrides = [];
        foreach (['token', 'base_url', 'company_id', 'store_id', 'pos_id'] as $field) {
            $value = isset($_POST[$field]) ? trim(sanitize_text_field(wp_unslash((string) $_POST[$field]))) : '';
            if ($value !== '') {
                $overrides[$field] = $value;
            }
        }
        try {
            $report = $this->engines->engineWith($overrides)->testConnection();
        } catch (\ShopcaisseSync\Exception $e) {
            wp_send_json_error(['kind' => ErrorMessages::kindOfCode((int) $e->getCode()), 'message' => $e->getMessage()], 400);
        }
        wp_send_json_success(ConnectionReport::fromEngine($report));
    }

    public function regenerate_token(): void
    {
        $this->guard();
        CronToken::regenerate();
        $urls = [];
        foreach (['products', 'stock', 'orders'] as $job) {
            $urls[$job] = CronController::url($job);
        }
        wp_send_json_success(['urls' => $urls, 'message' => __('New token saved. Paste the three new addresses into the Shopcaisse back office.', 'shopcaisse-sync')]);
    }
}
