<?php
/**
 * E-mail alerts, off by default: once an hour (WP-Cron, so it runs even when the POS stops
 * calling, which is one of the things it watches), a digest goes to the site's admin e-mail
 * with what needs a person: a cron URL late for more than N intervals, an order that stays
 * blocked, a stock run held back. At most one message per kind per day.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Alerts;

use ShopcaisseSync\Plugin\Admin\JobHealthText;
use ShopcaisseSync\Plugin\Admin\SettingsPage;
use ShopcaisseSync\Plugin\Core\EngineFactory;
use ShopcaisseSync\Plugin\Settings\Options;

final class AlertMailer
{
    public const HOOK = 'shopcaisse_sync_alerts';
    /** kind => the day (site time) it was last sent. */
    public const SENT_OPTION = 'shopcaisse_sync_alerts_sent';

    public function __construct(private readonly EngineFactory $engines)
    {
    }

    public function register(): void
    {
        add_action(self::HOOK, fn () => $this->check());
        add_action('update_option_' . Options::OPTION, fn () => $this->schedule());
        add_action('add_option_' . Options::OPTION, fn () => $this->schedule());
    }

    /** Brings the hourly event in line with the setting. */
    public function schedule(): void
    {
        $next = wp_next_scheduled(self::HOOK);
        if ((bool) Options::get('alerts_enabled')) {
            if ($next === false) {
                wp_schedule_event(time() + 300, 'hourly', self::HOOK);
            }
        } elseif ($next !== false) {
            wp_clear_scheduled_hook(self::HOOK);
        }
    }

    /**
     * Sends the digest of the kinds due and not sent today; the kinds it sent.
     *
     * @return list<string>
     */
    public function check(?int $nowMs = null): array
    {
        if (!(bool) Options::get('alerts_enabled')) {
            return [];
        }
        $nowMs ??= (int) floor(microtime(true) * 1000);
        $today = wp_date('Y-m-d', intdiv($nowMs, 1000));
        try {
            $engine = $this->engines->engine();
            $due = AlertRules::due(
                $engine->jobHealth(),
                $engine->listOutbox(['state' => 'blocked', 'per_page' => 100])['rows'] ?? [],
                $engine->heldStockRuns()['pending'] ?? [],
                $nowMs,
                max(1, (int) Options::get('alert_late_intervals'))
            );
        } catch (\Throwable) {
            // The library or the state cannot be read: the admin notices say so on every page.
            return [];
        }
        $sent = get_option(self::SENT_OPTION, []);
        $sent = is_array($sent) ? $sent : [];
        $send = AlertRules::unsent($due, $sent, $today);
        if ($send === []) {
            return [];
        }
        /* translators: %s: the site's name */
        $subject = sprintf(__('[%s] Shopcaisse Sync needs your attention', 'shopcaisse-sync'), wp_specialchars_decode(get_bloginfo('name'), ENT_QUOTES));
        if (!wp_mail((string) get_option('admin_email'), $subject, $this->body($send))) {
            return [];
        }
        foreach (array_keys($send) as $kind) {
            $sent[$kind] = $today;
        }
        update_option(self::SENT_OPTION, $sent, false);
        return array_keys($send);
    }

    /** @param array<string,list<array>> $send */
    private function body(array $send): string
    {
        $lines = [];
        $settings = admin_url('options-general.php?page=' . SettingsPage::SLUG);
        foreach ($send[AlertRules::LATE_CRON] ?? [] as $late) {
            $label = JobHealthText::labels()[$late['job']] ?? (string) $late['job'];
            /* translators: 1: the cron URL's name (Products, Stock, Orders), 2: a duration in hours, 3: the usual interval in minutes */
            $lines[] = sprintf(__('The POS has not called the "%1$s" URL for %2$s hours (it usually calls every %3$s minutes).', 'shopcaisse-sync'),
                $label, number_format_i18n($late['silent_for_ms'] / 3_600_000, 1), number_format_i18n($late['usual_interval_ms'] / 60_000));
        }
        if (isset($send[AlertRules::LATE_CRON])) {
            $lines[] = '  ' . add_query_arg('tab', 'configuration', $settings);
        }
        if (isset($send[AlertRules::BLOCKED_ORDERS])) {
            $references = array_column($send[AlertRules::BLOCKED_ORDERS], 'reference');
            /* translators: %s: order references, comma separated */
            $lines[] = sprintf(_n('An order is blocked and cannot reach the POS: %s.', 'Orders are blocked and cannot reach the POS: %s.', count($references), 'shopcaisse-sync'), implode(', ', $references));
            $lines[] = '  ' . add_query_arg(['tab' => 'logs', 'level' => 'warning', 'operation' => 'order_queue'], $settings);
        }
        if (isset($send[AlertRules::HELD_STOCK])) {
            $lines[] = __('A stock run was held back because it looked like a mass drop to zero: check it, then apply or dismiss it.', 'shopcaisse-sync');
            $lines[] = '  ' . add_query_arg('tab', 'shop-products', $settings);
        }
        $lines[] = '';
        $lines[] = __('You receive this because e-mail alerts are on in Settings > Shopcaisse Sync; at most one message a day for each kind of alert.', 'shopcaisse-sync');
        return implode("\n", $lines) . "\n";
    }
}
