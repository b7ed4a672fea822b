<?php
/** The line beside a cron URL: last call, outcome, duration, and a warning when the POS is late. */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Admin;

final class JobHealthText
{
    /** @return array<string,string> job => its cron URL's name, as the screens and e-mails say it */
    public static function labels(): array
    {
        return [
            'products' => __('Products', 'shopcaisse-sync'),
            'stock' => __('Stock', 'shopcaisse-sync'),
            'orders' => __('Orders', 'shopcaisse-sync'),
        ];
    }

    /** A light's state in words, beside its colour. */
    public static function light(string $light): string
    {
        return match ($light) {
            'ok' => __('OK', 'shopcaisse-sync'),
            'running' => __('Running', 'shopcaisse-sync'),
            'late' => __('Late', 'shopcaisse-sync'),
            'failing' => __('Failing', 'shopcaisse-sync'),
            default => __('Never called', 'shopcaisse-sync'),
        };
    }

    /** How often the POS usually calls the URL, as learnt from its recent calls. @param array<string,mixed>|null $job */
    public static function usualInterval(?array $job): string
    {
        $usual = $job['usual_interval_ms'] ?? null;
        if ($usual === null || (int) $usual <= 0) {
            return __('Not learnt yet', 'shopcaisse-sync');
        }
        /* translators: %s: a duration, e.g. "15 mins" */
        return sprintf(__('Every %s', 'shopcaisse-sync'), human_time_diff(0, max(1, intdiv((int) $usual, 1000))));
    }

    /** @param array<string,mixed>|null $job one entry of the engine's jobHealth() */
    public static function describe(?array $job): string
    {
        if ($job === null || $job['last_called_at_ms'] === null) {
            return '<span class="scs-light scs-light-never"></span>' . esc_html__('Never called yet.', 'shopcaisse-sync');
        }
        $now = (int) ($job['now_ms'] ?? (int) (microtime(true) * 1000));
        $ago = human_time_diff(intdiv((int) $job['last_called_at_ms'], 1000), intdiv($now, 1000));
        /* translators: %s: how long ago, e.g. "5 mins" */
        $parts = [sprintf(__('Last called %s ago.', 'shopcaisse-sync'), $ago)];
        if ($job['outcome'] !== null) {
            /* translators: %s: the outcome of the last run (completed, partial, failed, held) */
            $parts[] = sprintf(__('Last run: %s', 'shopcaisse-sync'), self::outcome((string) $job['outcome']));
            if ($job['last_duration_ms'] !== null) {
                /* translators: %s: a duration in seconds, e.g. "1.2" */
                $parts[] = sprintf(__('in %s s.', 'shopcaisse-sync'), number_format_i18n($job['last_duration_ms'] / 1000, 1));
            }
        }
        $text = esc_html(implode(' ', $parts));
        if ($job['light'] === 'late' && $job['usual_interval_ms'] !== null) {
            $usual = human_time_diff(0, intdiv((int) $job['usual_interval_ms'], 1000));
            $text .= ' <strong class="scs-late">' . esc_html(sprintf(
                /* translators: %s: the usual interval between calls, e.g. "15 mins" */
                __('The POS has not called this URL for much longer than usual (every %s): check the cron settings in the Shopcaisse back office.', 'shopcaisse-sync'),
                $usual
            )) . '</strong>';
        }
        return '<span class="scs-light scs-light-' . esc_attr((string) $job['light']) . '"></span>' . $text;
    }

    private static function outcome(string $outcome): string
    {
        return match ($outcome) {
            'completed' => __('completed', 'shopcaisse-sync'),
            'partial' => __('stopped at its time budget, resumes on the next call', 'shopcaisse-sync'),
            'failed' => __('failed', 'shopcaisse-sync'),
            'held' => __('held back for you to check', 'shopcaisse-sync'),
            default => $outcome,
        };
    }
}
