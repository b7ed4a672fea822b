<?php
/**
 * Which alerts are due, from figures the core already gives: pure, so each rule is tested on
 * its own. A cron URL is late once the POS has not called it for more than N of its usual
 * intervals (learnt by the core from its recent calls); an order stays blocked once it has been
 * blocked for an hour (the time to link a product the merchant was about to link); a stock run
 * is held as soon as it is. Each kind is sent at most once per day, whatever else is due.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Alerts;

final class AlertRules
{
    public const LATE_CRON = 'late_cron';
    public const BLOCKED_ORDERS = 'blocked_orders';
    public const HELD_STOCK = 'held_stock';

    /** How long an order is blocked before it is worth an e-mail. */
    public const BLOCKED_FOR_MS = 3_600_000;

    /**
     * @param array{jobs?:list<array>} $health jobHealth()
     * @param list<array> $blocked listOutbox rows in the blocked state
     * @param list<array> $held heldStockRuns()['pending']
     * @return array<string,list<array<string,mixed>>> kind => what is due, each a plain fact
     */
    public static function due(array $health, array $blocked, array $held, int $nowMs, int $lateIntervals): array
    {
        $due = [];
        foreach ($health['jobs'] ?? [] as $job) {
            $last = $job['last_called_at_ms'] ?? null;
            $usual = $job['usual_interval_ms'] ?? null;
            if ($last === null || $usual === null || (int) $usual <= 0) {
                continue;
            }
            $silentFor = $nowMs - (int) $last;
            if ($silentFor > $lateIntervals * (int) $usual) {
                $due[self::LATE_CRON][] = ['job' => (string) $job['job'], 'silent_for_ms' => $silentFor, 'usual_interval_ms' => (int) $usual];
            }
        }
        foreach ($blocked as $row) {
            $since = (int) ($row['updated_at_ms'] ?? $row['created_at_ms'] ?? $nowMs);
            if ($nowMs - $since >= self::BLOCKED_FOR_MS) {
                $due[self::BLOCKED_ORDERS][] = ['wc_order_id' => (int) $row['wc_order_id'], 'reference' => (string) $row['external_reference']];
            }
        }
        if ($held !== []) {
            $due[self::HELD_STOCK][] = ['count' => count($held)];
        }
        return $due;
    }

    /**
     * The kinds not sent yet on $today.
     *
     * @param array<string,list<array>> $due
     * @param array<string,string> $sent kind => the day it was last sent (Y-m-d, site time)
     * @return array<string,list<array>>
     */
    public static function unsent(array $due, array $sent, string $today): array
    {
        return array_filter($due, static fn ($kind) => ($sent[$kind] ?? '') !== $today, ARRAY_FILTER_USE_KEY);
    }
}
