<?php
/**
 * The Logs tab: the core's log rows with filters (level and above, operation, order, product,
 * dates), pagination, a purge, and a CSV export streamed row by row. Retention is the core's,
 * as the Configurations tab sets it. The purge and the export are admin-post actions, each
 * checking the capability and its nonce first.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Admin;

use ShopcaisseSync\Plugin\Core\EngineFactory;
use ShopcaisseSync\Plugin\ErrorMessages;
use ShopcaisseSync\Plugin\Settings\Options;

final class LogsTab implements Tab
{
    public const EXPORT_ACTION = 'shopcaisse_sync_export_logs';
    public const PURGE_ACTION = 'shopcaisse_sync_purge_logs';
    public const SUPPORT_ACTION = 'shopcaisse_sync_support_bundle';
    public const NONCE_ACTION = 'shopcaisse_sync_logs';
    public const PER_PAGE = 50;

    /** The operations the core logs, for the filter. */
    public const OPERATIONS = ['order_queue', 'order_push', 'order_cancel', 'stock_sync', 'catalog_refresh',
        'matching', 'import', 'link', 'unlink', 'job', 'api_trace', 'privacy'];

    public const LEVELS = ['debug', 'info', 'warning', 'error'];

    /** The filter fields, as the form and the export name them. */
    private const FIELDS = ['level', 'operation', 'order', 'product', 'from', 'to'];

    public function __construct(private readonly EngineFactory $engines)
    {
    }

    public function register(): void
    {
        add_action('admin_post_' . self::EXPORT_ACTION, [$this, 'export']);
        add_action('admin_post_' . self::PURGE_ACTION, [$this, 'purge']);
        add_action('admin_post_' . self::SUPPORT_ACTION, fn () => $this->supportBundle());
    }

    public function title(): string
    {
        return __('Logs', 'shopcaisse-sync');
    }

    /**
     * The filters of a request (the tab's query string, the export's), cleaned.
     *
     * @param array<string,mixed> $request
     * @return array<string,string>
     */
    public static function filters(array $request): array
    {
        $filters = [];
        foreach (self::FIELDS as $field) {
            $value = isset($request[$field]) && is_scalar($request[$field]) ? trim(sanitize_text_field(wp_unslash((string) $request[$field]))) : '';
            $filters[$field] = $value;
        }
        if (!in_array($filters['level'], self::LEVELS, true)) {
            $filters['level'] = '';
        }
        if (!in_array($filters['operation'], self::OPERATIONS, true)) {
            $filters['operation'] = '';
        }
        $filters['order'] = ctype_digit($filters['order']) ? $filters['order'] : '';
        foreach (['from', 'to'] as $date) {
            if (!preg_match('/^\d{4}-\d{2}-\d{2}$/', $filters[$date])) {
                $filters[$date] = '';
            }
        }
        return $filters;
    }

    /**
     * The core's log query for these filters.
     *
     * @param array<string,string> $filters
     * @return array<string,mixed>
     */
    public static function query(array $filters, int $page = 1): array
    {
        $query = ['page' => max(1, $page), 'per_page' => self::PER_PAGE];
        if ($filters['level'] !== '') {
            $query['min_level'] = $filters['level'];
        }
        if ($filters['operation'] !== '') {
            $query['operation'] = $filters['operation'];
        }
        if ($filters['order'] !== '') {
            $query['object_type'] = 'order';
            $query['object_id'] = $filters['order'];
        }
        if ($filters['product'] !== '') {
            $query['text'] = $filters['product'];
        }
        if ($filters['from'] !== '') {
            $query['since_ms'] = self::dayMs($filters['from'], false);
        }
        if ($filters['to'] !== '') {
            $query['until_ms'] = self::dayMs($filters['to'], true);
        }
        return $query;
    }

    /** The first (or last) millisecond of a day in the site's time zone. */
    private static function dayMs(string $day, bool $end): int
    {
        $start = new \DateTimeImmutable($day . ' 00:00:00', wp_timezone());
        $ms = $start->getTimestamp() * 1000;
        return $end ? $ms + 86_400_000 - 1 : $ms;
    }

    public function render(): void
    {
        $filters = self::filters($_GET);
        $notice = isset($_GET['scs_notice']) ? sanitize_key(wp_unslash((string) $_GET['scs_notice'])) : '';
        if (preg_match('/^purged-(\d+)$/', $notice, $m)) {
            /* translators: %s: a number of rows */
            echo '<div class="notice notice-success inline"><p>', esc_html(sprintf(__('Log purged: %s rows deleted.', 'shopcaisse-sync'), number_format_i18n((int) $m[1]))), '</p></div>';
        } elseif ($notice === 'purge-failed') {
            echo '<div class="notice notice-error inline"><p>', esc_html__('The log could not be purged.', 'shopcaisse-sync'), '</p></div>';
        }
        $page = isset($_GET['paged']) ? max(1, absint(wp_unslash($_GET['paged']))) : 1;
        $this->filterForm($filters);
        try {
            $result = $this->engines->engine()->queryLogs(self::query($filters, $page));
        } catch (\ShopcaisseSync\Exception $e) {
            echo '<div class="notice notice-error inline"><p>', esc_html(ErrorMessages::forException($e)), '</p></div>';
            return;
        }
        $total = (int) $result['total'];
        /* translators: %s: a number of rows */
        echo '<p class="scs-log-count">', esc_html(sprintf(__('Matching rows: %s', 'shopcaisse-sync'), number_format_i18n($total))), '</p>';
        $this->table($result['rows']);
        $this->pagination($total, $page, $filters);
        $this->actions($filters);
    }

    /** @param array<string,string> $filters */
    private function filterForm(array $filters): void
    {
        echo '<form method="get" action="', esc_url(admin_url('options-general.php')), '" class="scs-log-filters">';
        echo '<input type="hidden" name="page" value="', esc_attr(SettingsPage::SLUG), '" /><input type="hidden" name="tab" value="logs" />';
        echo '<label>', esc_html__('Level', 'shopcaisse-sync'), ' <select name="level" id="scs-log-level"><option value="">', esc_html__('All', 'shopcaisse-sync'), '</option>';
        foreach (self::LEVELS as $level) {
            printf('<option value="%s"%s>%s</option>', esc_attr($level), selected($filters['level'], $level, false), esc_html(self::levelLabel($level)));
        }
        echo '</select></label> ';
        echo '<label>', esc_html__('Operation', 'shopcaisse-sync'), ' <select name="operation" id="scs-log-operation"><option value="">', esc_html__('All', 'shopcaisse-sync'), '</option>';
        foreach (self::OPERATIONS as $operation) {
            printf('<option value="%s"%s>%s</option>', esc_attr($operation), selected($filters['operation'], $operation, false), esc_html($operation));
        }
        echo '</select></label> ';
        printf('<label>%s <input type="number" min="1" class="small-text" name="order" id="scs-log-order" value="%s" /></label> ', esc_html__('Order', 'shopcaisse-sync'), esc_attr($filters['order']));
        printf('<label>%s <input type="search" name="product" id="scs-log-product" value="%s" placeholder="%s" /></label> ', esc_html__('Product', 'shopcaisse-sync'), esc_attr($filters['product']), esc_attr__('Shopcaisse id or text', 'shopcaisse-sync'));
        printf('<label>%s <input type="date" name="from" id="scs-log-from" value="%s" /></label> ', esc_html__('From', 'shopcaisse-sync'), esc_attr($filters['from']));
        printf('<label>%s <input type="date" name="to" id="scs-log-to" value="%s" /></label> ', esc_html__('To', 'shopcaisse-sync'), esc_attr($filters['to']));
        submit_button(__('Filter', 'shopcaisse-sync'), 'secondary', '', false, ['id' => 'scs-log-filter']);
        echo '</form>';
    }

    /** @param list<array<string,mixed>> $rows */
    private function table(array $rows): void
    {
        echo '<table class="widefat striped scs-logs"><thead><tr>';
        foreach ([__('Time', 'shopcaisse-sync'), __('Level', 'shopcaisse-sync'), __('Operation', 'shopcaisse-sync'), __('Concerns', 'shopcaisse-sync'), __('Message', 'shopcaisse-sync')] as $heading) {
            echo '<th scope="col">', esc_html($heading), '</th>';
        }
        echo '</tr></thead><tbody>';
        if ($rows === []) {
            echo '<tr><td colspan="5">', esc_html__('No log row matches.', 'shopcaisse-sync'), '</td></tr>';
        }
        foreach ($rows as $row) {
            echo '<tr class="scs-log-', esc_attr((string) $row['level']), '">';
            echo '<td>', esc_html(wp_date('Y-m-d H:i:s', intdiv((int) $row['at_ms'], 1000))), '</td>';
            echo '<td>', esc_html(self::levelLabel((string) $row['level'])), '</td>';
            echo '<td><code>', esc_html((string) $row['operation']), '</code></td><td>';
            $object = $row['object'] ?? null;
            if (is_array($object) && ($object['kind'] ?? '') === 'order' && ctype_digit((string) $object['id'])) {
                $order = wc_get_order((int) $object['id']);
                $label = '#' . (is_a($order, \WC_Order::class) ? $order->get_order_number() : $object['id']);
                echo is_a($order, \WC_Order::class)
                    ? '<a href="' . esc_url($order->get_edit_order_url()) . '">' . esc_html($label) . '</a>'
                    : esc_html($label);
            } elseif (is_array($object)) {
                echo esc_html((string) $object['kind'] . ' ' . (string) $object['id']);
            }
            echo '</td><td>', esc_html((string) $row['message']), '</td></tr>';
        }
        echo '</tbody></table>';
    }

    /** @param array<string,string> $filters */
    private function pagination(int $total, int $page, array $filters): void
    {
        $pages = (int) ceil($total / self::PER_PAGE);
        if ($pages <= 1) {
            return;
        }
        $base = add_query_arg(array_filter($filters + ['page' => SettingsPage::SLUG, 'tab' => 'logs']), admin_url('options-general.php'));
        echo '<div class="tablenav"><div class="tablenav-pages">', wp_kses_post((string) paginate_links([
            'base' => add_query_arg('paged', '%#%', $base),
            'format' => '',
            'current' => $page,
            'total' => $pages,
        ])), '</div></div>';
    }

    /** @param array<string,string> $filters */
    private function actions(array $filters): void
    {
        $values = Options::all();
        echo '<p class="description">', esc_html(sprintf(
            /* translators: 1: a number of rows, 2: a number of days */
            __('Kept: the newest %1$s rows, for %2$s days at most (set in the Configurations tab).', 'shopcaisse-sync'),
            number_format_i18n((int) $values['log_max_rows']),
            number_format_i18n((int) $values['log_max_age_days'])
        )), '</p>';
        $export = wp_nonce_url(add_query_arg(array_filter($filters) + ['action' => self::EXPORT_ACTION], admin_url('admin-post.php')), self::NONCE_ACTION);
        $bundle = wp_nonce_url(add_query_arg(['action' => self::SUPPORT_ACTION], admin_url('admin-post.php')), self::NONCE_ACTION);
        echo '<p><a class="button" id="scs-log-export" href="', esc_url($export), '">', esc_html__('Export as CSV', 'shopcaisse-sync'), '</a> ';
        echo '<a class="button" id="scs-support-bundle" href="', esc_url($bundle), '">', esc_html__('Download a support bundle', 'shopcaisse-sync'), '</a></p>';
        echo '<p class="description">', esc_html__('The support bundle is a ZIP for the Shopcaisse or web agency support: environment, settings, recent logs and runs, order states. The API key, the cron URL token and the buyers\' personal data are taken out.', 'shopcaisse-sync'), '</p>';
        echo '<form method="post" action="', esc_url(admin_url('admin-post.php')), '" id="scs-log-purge" onsubmit="return window.confirm(\'', esc_js(__('Delete every log row? This cannot be undone.', 'shopcaisse-sync')), '\');">';
        echo '<input type="hidden" name="action" value="', esc_attr(self::PURGE_ACTION), '" />';
        wp_nonce_field(self::NONCE_ACTION);
        submit_button(__('Delete every log row', 'shopcaisse-sync'), 'delete', 'submit', false);
        echo '</form>';
    }

    public static function levelLabel(string $level): string
    {
        return match ($level) {
            'debug' => __('Debug', 'shopcaisse-sync'),
            'info' => __('Information', 'shopcaisse-sync'),
            'warning' => __('Warning', 'shopcaisse-sync'),
            'error' => __('Error', 'shopcaisse-sync'),
            default => $level,
        };
    }

    /** Capability, then nonce; wp_die() when either is missing. */
    private function guard(): void
    {
        if (!current_user_can(SettingsPage::CAPABILITY)) {
            wp_die(esc_html__('You are not allowed to manage Shopcaisse Sync.', 'shopcaisse-sync'), 403);
        }
        check_admin_referer(self::NONCE_ACTION);
    }

    /** admin-post: the support bundle as a ZIP download. */
    public function supportBundle(?\Closure $finish = null): void
    {
        $this->guard();
        $path = wp_tempnam('shopcaisse-sync-support.zip');
        try {
            (new \ShopcaisseSync\Plugin\Support\SupportBundle($this->engines))->write($path);
        } catch (\RuntimeException $e) {
            @unlink($path);
            wp_die(esc_html($e->getMessage()), 500);
        }
        if (!headers_sent()) {
            nocache_headers();
            header('Content-Type: application/zip');
            header('Content-Disposition: attachment; filename="shopcaisse-sync-support-' . gmdate('Ymd-His') . '.zip"');
            header('Content-Length: ' . (string) filesize($path));
        }
        readfile($path);
        @unlink($path);
        ($finish ?? static function (): void {
            exit;
        })();
    }

    /** admin-post: the matching rows as a CSV file, streamed. */
    public function export(): void
    {
        $this->guard();
        $query = self::query(self::filters($_GET));
        unset($query['page'], $query['per_page']);
        nocache_headers();
        header('Content-Type: text/csv; charset=utf-8');
        header('Content-Disposition: attachment; filename="shopcaisse-sync-logs-' . gmdate('Ymd-His') . '.csv"');
        $out = fopen('php://output', 'wb');
        $this->writeCsv($query, $out);
        fclose($out);
        exit;
    }

    /**
     * Writes the rows of a query as CSV (UTF-8 with a BOM, semicolons: what a French spreadsheet
     * opens as it is), one row at a time.
     *
     * @param array<string,mixed> $query
     * @param resource $out
     */
    public function writeCsv(array $query, $out): int
    {
        fwrite($out, "\xEF\xBB\xBF");
        fputcsv($out, ['time_utc', 'level', 'operation', 'object_type', 'object_id', 'message', 'run_id'], ';', '"', '');
        $count = 0;
        foreach ($this->engines->engine()->exportLogs($query) as $row) {
            fputcsv($out, [
                gmdate('Y-m-d H:i:s', intdiv((int) $row['at_ms'], 1000)),
                (string) $row['level'],
                (string) $row['operation'],
                (string) ($row['object']['kind'] ?? ''),
                (string) ($row['object']['id'] ?? ''),
                self::safeCell((string) $row['message']),
                (string) ($row['run_id'] ?? ''),
            ], ';', '"', '');
            $count++;
        }
        return $count;
    }

    /** A cell a spreadsheet will not run as a formula. */
    private static function safeCell(string $text): string
    {
        return $text !== '' && str_contains('=+-@', $text[0]) ? "'" . $text : $text;
    }

    /** admin-post: deletes every log row, then back to the tab. */
    public function purge(): void
    {
        $this->guard();
        wp_safe_redirect(add_query_arg(['page' => SettingsPage::SLUG, 'tab' => 'logs', 'scs_notice' => $this->purgeNow()], admin_url('options-general.php')));
        exit;
    }

    /** Deletes every log row; the notice the tab shows next. */
    public function purgeNow(): string
    {
        try {
            return 'purged-' . (int) ($this->engines->engine()->purgeLogs()['deleted'] ?? 0);
        } catch (\ShopcaisseSync\Exception $e) {
            return 'purge-failed';
        }
    }
}
