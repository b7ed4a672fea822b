<?php
/**
 * `wp shopcaisse …`: the cron jobs, a status report and the logs from the command line. Thin over
 * the same services the cron URLs use (the job runner and its leases, the engine).
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Cli;

use ShopcaisseSync\Plugin\Core\EngineFactory;
use ShopcaisseSync\Plugin\Core\StateDirectory;
use ShopcaisseSync\Plugin\Jobs\JobRunner;
use ShopcaisseSync\Plugin\Orders\OrderStates;
use ShopcaisseSync\Plugin\Orders\OrderSync;
use ShopcaisseSync\Plugin\Settings\Options;

final class Commands
{
    public function __construct(
        private readonly JobRunner $runner,
        private readonly EngineFactory $engines,
        private readonly Output $out,
        private readonly ?OrderSync $orders = null,
    ) {
    }

    public static function register(JobRunner $runner, EngineFactory $engines, ?OrderSync $orders = null): void
    {
        if (defined('WP_CLI') && WP_CLI && class_exists('WP_CLI')) {
            \WP_CLI::add_command('shopcaisse', new self($runner, $engines, new WpCliOutput(), $orders));
        }
    }

    /**
     * Shows the backend, the configuration and each cron job's health.
     *
     * ## EXAMPLES
     *     wp shopcaisse status
     */
    public function status(array $args = [], array $assoc = []): void
    {
        $engine = $this->engines->engine();
        $diagnostics = $engine->diagnostics();
        $this->out->line(sprintf('backend: %s, library %s', $diagnostics['backend'], $diagnostics['version']));
        $this->out->line('state directory: ' . StateDirectory::path());
        $this->out->line('access key: ' . (Options::hasToken() ? 'saved' : 'not set'));
        foreach (['company_id', 'store_id', 'pos_id', 'price_list_id'] as $field) {
            $value = (string) Options::get($field);
            $this->out->line($field . ': ' . ($value === '' ? '-' : $value));
        }
        foreach ($engine->jobHealth()['jobs'] as $job) {
            $this->out->line(sprintf(
                '%s: %s, last called %s, last outcome %s',
                $job['job'],
                $job['light'],
                $job['last_called_at_ms'] === null ? 'never' : gmdate('Y-m-d H:i:s', intdiv($job['last_called_at_ms'], 1000)) . ' UTC',
                $job['outcome'] ?? '-'
            ));
        }
    }

    /**
     * Runs one job now, as its cron URL would, even when its automation is off.
     *
     * ## OPTIONS
     * <job>
     * : products, stock or orders
     *
     * ## EXAMPLES
     *     wp shopcaisse sync stock
     */
    public function sync(array $args, array $assoc = []): void
    {
        $job = (string) ($args[0] ?? '');
        if (!$this->runner->has($job)) {
            $this->out->error('Unknown job "' . $job . '": use products, stock or orders.');
        }
        $answer = $this->runner->run($job, null, true);
        $line = $job . ': ' . $answer['status'] . ' ' . wp_json_encode($answer['summary'] ?? []);
        match ($answer['status']) {
            'completed', 'partial' => $this->out->success($line),
            'busy' => $this->out->error($job . ': another run is in progress; try again when it ends.'),
            default => $this->out->error($line),
        };
    }

    /**
     * Shows the latest log rows.
     *
     * ## OPTIONS
     * [--level=<level>]
     * : debug, info, warning or error (and above)
     * [--operation=<operation>]
     * : only this operation
     * [--limit=<n>]
     * : how many rows (default 20)
     */
    public function logs(array $args = [], array $assoc = []): void
    {
        $query = ['per_page' => max(1, min(500, (int) ($assoc['limit'] ?? 20)))];
        if (isset($assoc['level'])) {
            $query['min_level'] = (string) $assoc['level'];
        }
        if (isset($assoc['operation'])) {
            $query['operation'] = (string) $assoc['operation'];
        }
        try {
            $page = $this->engines->engine()->queryLogs($query);
        } catch (\ShopcaisseSync\Exception $e) {
            $this->out->error($e->getMessage());
        }
        foreach ($page['rows'] as $row) {
            $this->out->line(sprintf(
                '%s %-7s %-12s %s',
                gmdate('Y-m-d H:i:s', intdiv($row['at_ms'], 1000)),
                $row['level'],
                $row['operation'],
                $row['message']
            ));
        }
        $this->out->line(sprintf('%d of %d rows', count($page['rows']), $page['total']));
    }

    /**
     * Sends one order to the POS now, as the order screen's button does (once, however often
     * it is run), and says where it stands.
     *
     * ## OPTIONS
     * <id>
     * : the WooCommerce order id
     *
     * ## EXAMPLES
     *     wp shopcaisse push-order 1042
     *
     * @subcommand push-order
     */
    public function push_order(array $args, array $assoc = []): void
    {
        $order = wc_get_order((int) ($args[0] ?? 0));
        if (!is_a($order, \WC_Order::class) || $this->orders === null) {
            $this->out->error('No order ' . ($args[0] ?? '') . '.');
        }
        try {
            $row = $this->orders->pushNow($order);
        } catch (\ShopcaisseSync\Exception $e) {
            $this->out->error(\ShopcaisseSync\Plugin\ErrorMessages::forException($e));
        }
        $stored = OrderStates::stored(wc_get_order($order->get_id()));
        $line = sprintf('order %d (%s): %s', $order->get_id(), $row['external_reference'] ?? '-', $stored['state']);
        if ($stored['state'] !== 'pushed') {
            $this->out->error($line . ($stored['problem'] !== '' ? ': ' . $stored['problem'] : ''));
        }
        $this->out->success($line . ' as ' . $stored['pos_order_id']);
    }
}
