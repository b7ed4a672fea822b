<?php
/**
 * The support bundle: one ZIP a merchant sends to the Shopcaisse or web agency support. It holds
 * the environment (PHP, WordPress, WooCommerce, the backend and the library's diagnostics), the
 * settings without the key, the newest log rows, the cron jobs' last runs, the outbox states
 * and the held stock runs. Everything goes through the Redactor: no key, no cron token, no
 * buyer's e-mail, phone, name or address.
 *
 * Each part is gathered on its own: a library that cannot load still gives a bundle, saying
 * why, since that is when support is needed most.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Support;

use ShopcaisseSync\Plugin\Core\EngineFactory;
use ShopcaisseSync\Plugin\Settings\CronToken;
use ShopcaisseSync\Plugin\Settings\Options;

final class SupportBundle
{
    /** Log rows carried (the newest); the Logs tab's CSV export has them all. */
    public const LOG_ROWS = 500;

    /** Outbox rows carried (the most recent), besides the counts by state. */
    public const OUTBOX_ROWS = 500;

    /** @var array<string,mixed>|null */
    private ?array $outbox = null;

    public function __construct(private readonly EngineFactory $engines)
    {
    }

    /**
     * The bundle's files, redacted.
     *
     * @return array<string,string> file name => content
     */
    public function files(): array
    {
        $parts = [
            'environment.json' => fn () => $this->environment(),
            'settings.json' => fn () => array_diff_key(Options::all(), ['token' => true]),
            'jobs.json' => fn () => $this->engines->engine()->jobHealth(),
            'logs.json' => fn () => $this->engines->engine()->queryLogs(['per_page' => self::LOG_ROWS]),
            'outbox.json' => fn () => $this->outbox(),
            'held-stock-runs.json' => fn () => $this->engines->engine()->heldStockRuns(),
        ];
        $redactor = $this->redactor($this->outbox()['rows'] ?? []);
        $files = ['README.txt' => $this->readme()];
        foreach ($parts as $name => $gather) {
            try {
                $data = $gather();
            } catch (\Throwable $e) {
                $data = ['unavailable' => get_class($e) . ': ' . $e->getMessage()];
            }
            $files[$name] = (string) wp_json_encode($redactor->redact($data), JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE);
        }
        return $files;
    }

    /** Writes the bundle as a ZIP at $path. */
    public function write(string $path): void
    {
        if (!class_exists(\ZipArchive::class)) {
            throw new \RuntimeException(__('PHP\'s zip extension is missing: the support bundle cannot be built. Ask your host to enable it (Debian: php-zip).', 'shopcaisse-sync'));
        }
        $zip = new \ZipArchive();
        if ($zip->open($path, \ZipArchive::CREATE | \ZipArchive::OVERWRITE) !== true) {
            throw new \RuntimeException(__('The support bundle could not be written in the temporary folder.', 'shopcaisse-sync'));
        }
        $folder = 'shopcaisse-sync-support-' . gmdate('Ymd-His') . '/';
        foreach ($this->files() as $name => $content) {
            $zip->addFromString($folder . $name, $content);
        }
        $zip->close();
    }

    /**
     * The outbox page the bundle carries, read once: it also names the buyers to redact.
     *
     * @return array<string,mixed>
     */
    private function outbox(): array
    {
        if ($this->outbox === null) {
            try {
                $this->outbox = $this->engines->engine()->listOutbox(['per_page' => self::OUTBOX_ROWS]);
            } catch (\Throwable $e) {
                $this->outbox = ['unavailable' => get_class($e) . ': ' . $e->getMessage()];
            }
        }
        return $this->outbox;
    }

    /**
     * The secrets and the personal values the site holds, for the Redactor.
     *
     * @param list<array<string,mixed>> $orders outbox rows whose buyers are redacted
     */
    public function redactor(array $orders): Redactor
    {
        $secrets = array_filter([
            (string) Options::get('token'),
            (string) get_option(CronToken::OPTION, ''),
            defined('DB_PASSWORD') ? (string) DB_PASSWORD : '',
        ]);
        return new Redactor(array_values($secrets), $this->buyers($orders));
    }

    /**
     * Names, e-mails, phones and addresses of the buyers of the orders the core holds: they can
     * appear in log messages, error texts and API traces.
     *
     * @return list<string>
     */
    private function buyers(array $rows): array
    {
        $values = [];
        foreach ($rows as $row) {
            $order = wc_get_order((int) $row['wc_order_id']);
            if (!$order) {
                continue;
            }
            foreach (['billing', 'shipping'] as $type) {
                foreach (['first_name', 'last_name', 'company', 'address_1', 'address_2', 'city', 'postcode', 'email', 'phone'] as $field) {
                    $getter = "get_{$type}_{$field}";
                    if (method_exists($order, $getter)) {
                        $values[] = (string) $order->$getter();
                    }
                }
            }
            $values[] = (string) $order->get_customer_note();
        }
        return array_values(array_unique(array_filter($values, static fn ($v) => trim($v) !== '')));
    }

    /** @return array<string,mixed> */
    private function environment(): array
    {
        global $wp_version;
        $env = [
            'generated_at_utc' => gmdate('Y-m-d H:i:s'),
            'plugin_version' => SHOPCAISSE_SYNC_VERSION,
            'php_version' => PHP_VERSION,
            'php_sapi' => PHP_SAPI,
            'php_thread_safe' => (bool) PHP_ZTS,
            'os' => PHP_OS_FAMILY,
            'memory_limit' => (string) ini_get('memory_limit'),
            'max_execution_time' => (string) ini_get('max_execution_time'),
            'ffi_enable' => (string) ini_get('ffi.enable'),
            'extension_loaded' => extension_loaded('shopcaisse_sync'),
            'wordpress_version' => (string) $wp_version,
            'woocommerce_version' => defined('WC_VERSION') ? WC_VERSION : null,
            'multisite' => is_multisite(),
            'locale' => get_locale(),
            'hpos' => class_exists(\Automattic\WooCommerce\Utilities\OrderUtil::class)
                && \Automattic\WooCommerce\Utilities\OrderUtil::custom_orders_table_usage_is_enabled(),
            'timezone' => wp_timezone_string(),
        ];
        try {
            $env['library'] = $this->engines->engine()->diagnostics();
        } catch (\Throwable $e) {
            $env['library'] = ['unavailable' => get_class($e) . ': ' . $e->getMessage()];
        }
        return $env;
    }

    private function readme(): string
    {
        return "Shopcaisse Sync support bundle\n"
            . 'Generated ' . gmdate('Y-m-d H:i:s') . " UTC by plugin version " . SHOPCAISSE_SYNC_VERSION . ".\n\n"
            . "environment.json      PHP, WordPress, WooCommerce, the library and how it is loaded\n"
            . "settings.json         the plugin's settings, without the API key\n"
            . "jobs.json             each cron URL's last call, outcome and duration\n"
            . 'logs.json             the newest ' . self::LOG_ROWS . " log rows\n"
            . 'outbox.json           web orders on their way to the POS: counts by state, the newest ' . self::OUTBOX_ROWS . " rows\n"
            . "held-stock-runs.json  stock runs held back as a suspected mass drop\n\n"
            . "Secrets (API key, cron URL token) read [secret]; buyers' names, e-mails, phones and\n"
            . "addresses read [personal].\n";
    }
}
