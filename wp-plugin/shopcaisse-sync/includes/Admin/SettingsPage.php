<?php
/**
 * Réglages > Shopcaisse Sync: the menu entry, the tab bar, and the Settings API registration of
 * the one settings option. Each tab renders itself; this class only routes.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Admin;

use ShopcaisseSync\Plugin\Settings\Options;

final class SettingsPage
{
    public const SLUG = 'shopcaisse-sync';
    public const CAPABILITY = 'manage_woocommerce';
    public const SETTINGS_GROUP = 'shopcaisse_sync';
    public const NONCE_ACTION = 'shopcaisse_sync_admin';

    /** @var array<string,Tab>|null by slug, in display order */
    private ?array $tabs = null;

    /**
     * @param \Closure(): array<string,Tab> $makeTabs builds the tabs when a screen needs them,
     *        once translations are loaded
     */
    public function __construct(private readonly \Closure $makeTabs, private readonly string $assetsUrl)
    {
    }

    /** @return array<string,Tab> */
    private function tabs(): array
    {
        return $this->tabs ??= ($this->makeTabs)();
    }

    public function register(): void
    {
        add_action('admin_menu', [$this, 'admin_menu']);
        add_action('admin_init', [$this, 'admin_init']);
        add_action('admin_enqueue_scripts', [$this, 'admin_enqueue_scripts']);
        add_filter('option_page_capability_' . self::SETTINGS_GROUP, static fn () => self::CAPABILITY);
    }

    public function admin_menu(): void
    {
        add_options_page(
            __('Shopcaisse Sync', 'shopcaisse-sync'),
            __('Shopcaisse Sync', 'shopcaisse-sync'),
            self::CAPABILITY,
            self::SLUG,
            [$this, 'render']
        );
    }

    public function admin_init(): void
    {
        register_setting(self::SETTINGS_GROUP, Options::OPTION, [
            'type' => 'array',
            'sanitize_callback' => [SettingsSaver::class, 'sanitize'],
            'show_in_rest' => false,
        ]);
    }

    public function admin_enqueue_scripts(string $hook): void
    {
        if ($hook !== 'settings_page_' . self::SLUG) {
            return;
        }
        wp_enqueue_style('shopcaisse-sync-admin', $this->assetsUrl . 'admin.css', [], SHOPCAISSE_SYNC_VERSION);
        wp_enqueue_script('shopcaisse-sync-admin', $this->assetsUrl . 'admin.js', [], SHOPCAISSE_SYNC_VERSION, true);
        wp_localize_script('shopcaisse-sync-admin', 'shopcaisseSync', [
            'ajaxUrl' => admin_url('admin-ajax.php'),
            'nonce' => wp_create_nonce(self::NONCE_ACTION),
            'i18n' => [
                'testing' => __('Testing the connection…', 'shopcaisse-sync'),
                'copied' => __('Copied', 'shopcaisse-sync'),
                'copyFailed' => __('Select the address and copy it by hand.', 'shopcaisse-sync'),
                'confirmRegenerate' => __('Regenerate the token? The three current addresses stop working at once: you will have to paste the new ones into the Shopcaisse back office.', 'shopcaisse-sync'),
                'choose' => __('— Choose —', 'shopcaisse-sync'),
                'requestFailed' => __('The request failed. Reload the page and try again.', 'shopcaisse-sync'),
            ],
        ]);
    }

    /** The tab asked for, or the first. */
    public function currentTab(): string
    {
        $asked = isset($_GET['tab']) ? sanitize_key(wp_unslash($_GET['tab'])) : '';
        $tabs = $this->tabs();
        return isset($tabs[$asked]) ? $asked : (string) array_key_first($tabs);
    }

    public function render(): void
    {
        if (!current_user_can(self::CAPABILITY)) {
            wp_die(esc_html__('You are not allowed to manage Shopcaisse Sync.', 'shopcaisse-sync'), 403);
        }
        $current = $this->currentTab();
        echo '<div class="wrap shopcaisse-sync">';
        echo '<h1>', esc_html__('Shopcaisse Sync', 'shopcaisse-sync'), '</h1>';
        echo '<nav class="nav-tab-wrapper" aria-label="', esc_attr__('Shopcaisse Sync sections', 'shopcaisse-sync'), '">';
        foreach ($this->tabs() as $slug => $tab) {
            $url = add_query_arg(['page' => self::SLUG, 'tab' => $slug], admin_url('options-general.php'));
            printf(
                '<a href="%s" class="nav-tab%s" data-tab="%s">%s</a>',
                esc_url($url),
                $slug === $current ? ' nav-tab-active' : '',
                esc_attr($slug),
                esc_html($tab->title())
            );
        }
        echo '</nav>';
        settings_errors(Options::OPTION);
        $this->tabs()[$current]->render();
        echo '</div>';
    }
}
