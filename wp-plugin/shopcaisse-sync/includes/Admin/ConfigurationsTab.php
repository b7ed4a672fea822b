<?php
/**
 * The Configurations tab: the access key and its test, the company / store / POS / price list
 * chosen from what the key reaches (filled over AJAX as soon as the key tests valid), the
 * automation switches, the stock rules, the three cron URLs with their health, and retention.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Admin;

use ShopcaisseSync\Plugin\Core\EngineFactory;
use ShopcaisseSync\Plugin\Core\StateDirectory;
use ShopcaisseSync\Plugin\Rest\CronController;
use ShopcaisseSync\Plugin\Settings\Options;

final class ConfigurationsTab implements Tab
{
    public function __construct(private readonly EngineFactory $engines)
    {
    }

    public function title(): string
    {
        return __('Configurations', 'shopcaisse-sync');
    }

    public function render(): void
    {
        $values = Options::all();
        echo '<form method="post" action="', esc_url(admin_url('options.php')), '" id="shopcaisse-sync-settings" autocomplete="off">';
        settings_fields(SettingsPage::SETTINGS_GROUP);
        $this->connection($values);
        $this->selectors($values);
        $this->automation($values);
        $this->stockRules($values);
        $this->retention($values);
        submit_button(__('Save the settings', 'shopcaisse-sync'));
        echo '</form>';
        $this->cronUrls();
        $this->system();
    }

    private function connection(array $values): void
    {
        $this->section(__('Connection', 'shopcaisse-sync'));
        $this->row('token', function () {
            echo '<input type="password" class="regular-text" id="scs-token" name="', esc_attr($this->name('token')), '" value="" autocomplete="new-password" spellcheck="false" /> ';
            echo '<button type="button" class="button" id="scs-test-connection" data-key-saved="', Options::hasToken() ? '1' : '0', '">', esc_html__('Test the connection', 'shopcaisse-sync'), '</button>';
            echo '<p class="description" id="scs-token-state">';
            if (Options::hasToken()) {
                $hint = Options::tokenHint();
                echo esc_html($hint === ''
                    ? __('A key is saved. Leave the field empty to keep it.', 'shopcaisse-sync')
                    /* translators: %s: the last 4 characters of the saved key */
                    : sprintf(__('A key ending in …%s is saved. Leave the field empty to keep it.', 'shopcaisse-sync'), $hint));
            } else {
                esc_html_e('No key is saved yet: paste the AppToken created in the Shopcaisse back office.', 'shopcaisse-sync');
            }
            echo '</p><div id="scs-connection-result" class="scs-result" role="status" aria-live="polite"></div>';
        });
        $this->row('base_url', function () use ($values) {
            printf(
                '<input type="url" class="regular-text code" id="scs-base-url" name="%s" value="%s" placeholder="%s" />',
                esc_attr($this->name('base_url')),
                esc_attr((string) $values['base_url']),
                esc_attr(\ShopcaisseSync\Plugin\Plugin::DEFAULT_BASE_URL)
            );
            echo '<p class="description">', esc_html__('Leave empty for the Shopcaisse API. Only a test server needs another address.', 'shopcaisse-sync'), '</p>';
        });
        echo '</table>';
    }

    private function selectors(array $values): void
    {
        $this->section(__('Shopcaisse', 'shopcaisse-sync'), __('These lists fill in as soon as the key tests valid.', 'shopcaisse-sync'));
        foreach (['company_id' => 'company', 'store_id' => 'store', 'pos_id' => 'pos', 'price_list_id' => 'price-list'] as $field => $id) {
            $this->row($field, function () use ($field, $id, $values) {
                $saved = (string) $values[$field];
                printf('<select id="scs-%s" name="%s" data-saved="%s" class="scs-selector">', esc_attr($id), esc_attr($this->name($field)), esc_attr($saved));
                echo '<option value="">', esc_html__('— Choose —', 'shopcaisse-sync'), '</option>';
                if ($saved !== '') {
                    printf('<option value="%s" selected>%s</option>', esc_attr($saved), esc_html($saved));
                }
                echo '</select>';
            });
        }
        echo '</table>';
    }

    private function automation(array $values): void
    {
        $this->section(__('Automation', 'shopcaisse-sync'));
        $this->checkbox('auto_products', $values, __('The products URL imports new Shopcaisse items and links matches.', 'shopcaisse-sync'));
        $this->row('matching_method', function () use ($values) {
            $methods = [
                'reference' => __('By reference (SKU)', 'shopcaisse-sync'),
                'barcode' => __('By barcode (EAN / GTIN)', 'shopcaisse-sync'),
                'manual_only' => __('Manual associations only', 'shopcaisse-sync'),
                'forced' => __('Forced: create from the Shopcaisse id when nothing matches', 'shopcaisse-sync'),
            ];
            printf('<select id="scs-matching-method" name="%s">', esc_attr($this->name('matching_method')));
            foreach ($methods as $value => $label) {
                printf('<option value="%s"%s>%s</option>', esc_attr($value), selected($values['matching_method'], $value, false), esc_html($label));
            }
            echo '</select>';
        });
        $this->checkbox('auto_stock', $values, __('The stock URL writes the POS stock into WooCommerce.', 'shopcaisse-sync'));
        $this->checkbox('auto_orders', $values, __('Paid web orders are sent to the POS.', 'shopcaisse-sync'));
        $this->checkbox('debug', $values, __('API requests and answers go to the logs, with the key and personal data removed.', 'shopcaisse-sync'));
        $this->number('job_budget_seconds', $values, 1, Options::maxBudgetSeconds(), __('Each call to a cron URL stops after this long and resumes on the next call.', 'shopcaisse-sync'));
        $this->checkbox('schedule_enabled', $values, __('For hosts the Shopcaisse back office cannot reach: WordPress runs the three jobs itself.', 'shopcaisse-sync'));
        $this->number('schedule_minutes', $values, 5, 1440, '');
        $this->checkbox('alerts_enabled', $values, __('A daily digest to the site\'s admin e-mail when a cron URL is late, an order stays blocked or a stock run is held back (at most one message a day per kind).', 'shopcaisse-sync'));
        $this->number('alert_late_intervals', $values, 1, 100, __('A cron URL counts as late once the POS has not called it for this many of its usual intervals.', 'shopcaisse-sync'));
        echo '</table>';
    }

    private function stockRules(array $values): void
    {
        $this->section(__('Stock rules', 'shopcaisse-sync'));
        $this->checkbox('subtract_reserved', $values, __('Available = POS stock minus the quantities reserved for customers.', 'shopcaisse-sync'));
        $this->checkbox('zero_missing', $values, __('A linked product the POS no longer lists gets stock 0 (otherwise it is left alone).', 'shopcaisse-sync'));
        $this->number('max_drop_percent', $values, 1, 100, __('A sudden mass drop to 0 is held for you to check, never applied by itself.', 'shopcaisse-sync'));
        $this->number('min_drop_count', $values, 0, 1000000, '');
        $this->number('min_answer_percent', $values, 0, 100, '');
        echo '</table>';
    }

    private function retention(array $values): void
    {
        $this->section(__('Logs and data', 'shopcaisse-sync'));
        $this->number('log_max_rows', $values, 100, 5000000, '');
        $this->number('log_max_age_days', $values, 1, 3650, '');
        $this->checkbox('delete_data_on_uninstall', $values, __('Deleting the plugin also deletes its settings, its schedule and its state (links, order history, logs).', 'shopcaisse-sync'));
        echo '</table>';
    }

    private function cronUrls(): void
    {
        echo '<h2>', esc_html__('Cron URLs', 'shopcaisse-sync'), '</h2>';
        echo '<p>', esc_html__('Paste these three addresses into the Shopcaisse back office and choose how often it calls them.', 'shopcaisse-sync'), '</p>';
        $health = [];
        try {
            $answer = $this->engines->engine()->jobHealth();
            foreach ($answer['jobs'] as $job) {
                $health[$job['job']] = $job + ['now_ms' => $answer['now_ms']];
            }
        } catch (\ShopcaisseSync\Exception $e) {
            echo '<div class="notice notice-warning inline"><p>', esc_html(\ShopcaisseSync\Plugin\ErrorMessages::forException($e)), '</p></div>';
        }
        $labels = JobHealthText::labels();
        echo '<table class="widefat striped scs-cron-urls"><tbody>';
        foreach ($labels as $job => $label) {
            $url = CronController::url($job);
            echo '<tr data-job="', esc_attr($job), '"><th scope="row">', esc_html($label), '</th><td>';
            printf('<input type="text" readonly class="large-text code scs-cron-url" id="scs-cron-url-%s" value="%s" /> ', esc_attr($job), esc_attr($url));
            printf('<button type="button" class="button scs-copy" data-target="scs-cron-url-%s">%s</button>', esc_attr($job), esc_html__('Copy', 'shopcaisse-sync'));
            echo '<p class="scs-health">', wp_kses_post(JobHealthText::describe($health[$job] ?? null)), '</p>';
            echo '</td></tr>';
        }
        echo '</tbody></table>';
        echo '<p><button type="button" class="button" id="scs-regenerate-token">', esc_html__('Regenerate the token', 'shopcaisse-sync'), '</button> ';
        echo '<span class="description">', esc_html__('The current addresses stop working at once.', 'shopcaisse-sync'), '</span></p>';
    }

    /** How the core is loaded and where its data lives: the first questions of any support call. */
    private function system(): void
    {
        $plugin = \ShopcaisseSync\Plugin\Plugin::instance();
        $backend = $plugin !== null && $plugin->backend() === 'extension'
            ? __('as the PHP extension', 'shopcaisse-sync')
            : __('through PHP\'s FFI', 'shopcaisse-sync');
        echo '<p class="description scs-system" data-backend="', esc_attr($plugin?->backend() ?? ''), '">';
        /* translators: 1: the library version, 2: how it is loaded ("as the PHP extension" or "through PHP's FFI") */
        echo esc_html(sprintf(__('Shopcaisse Sync library %1$s, loaded %2$s.', 'shopcaisse-sync'), SHOPCAISSE_SYNC_VERSION, $backend));
        echo '</p>';
        if (!StateDirectory::isInsideWebRoot()) {
            return;
        }
        echo '<div class="notice notice-warning inline"><p>';
        esc_html_e('The plugin keeps its data inside the web folder, as no folder outside it is writable. Apache and IIS are told to refuse it; on nginx, add this rule to the site:', 'shopcaisse-sync');
        echo '</p><pre>', esc_html('location ~* /shopcaisse-sync-[0-9a-f]{32}/ { deny all; return 404; }'), '</pre>';
        echo '<p>', esc_html__('Better: define SHOPCAISSE_SYNC_STATE_DIR in wp-config.php as a folder outside the web root.', 'shopcaisse-sync'), '</p></div>';
    }

    private function section(string $title, string $intro = ''): void
    {
        echo '<h2>', esc_html($title), '</h2>';
        if ($intro !== '') {
            echo '<p>', esc_html($intro), '</p>';
        }
        echo '<table class="form-table" role="presentation">';
    }

    private function row(string $field, callable $input): void
    {
        echo '<tr><th scope="row"><label for="', esc_attr($this->id($field)), '">', esc_html(FieldLabels::label($field)), '</label></th><td>';
        $input();
        echo '</td></tr>';
    }

    private function checkbox(string $field, array $values, string $help): void
    {
        $this->row($field, function () use ($field, $values, $help) {
            printf('<input type="hidden" name="%s" value="1" />', esc_attr($this->name($field . '__present')));
            printf(
                '<label><input type="checkbox" id="%s" name="%s" value="1"%s /> %s</label>',
                esc_attr($this->id($field)),
                esc_attr($this->name($field)),
                checked((bool) $values[$field], true, false),
                esc_html($help)
            );
        });
    }

    private function number(string $field, array $values, int $min, int $max, string $help): void
    {
        $this->row($field, function () use ($field, $values, $min, $max, $help) {
            printf(
                '<input type="number" class="%s" id="%s" name="%s" value="%s" min="%d" max="%d" step="1" />',
                $max > 9999 ? 'regular-text scs-wide-number' : 'small-text',
                esc_attr($this->id($field)),
                esc_attr($this->name($field)),
                esc_attr((string) $values[$field]),
                $min,
                $max
            );
            if ($help !== '') {
                echo '<p class="description">', esc_html($help), '</p>';
            }
        });
    }

    private function name(string $field): string
    {
        return Options::OPTION . '[' . $field . ']';
    }

    private function id(string $field): string
    {
        return match ($field) {
            'token' => 'scs-token',
            'base_url' => 'scs-base-url',
            'company_id' => 'scs-company',
            'store_id' => 'scs-store',
            'pos_id' => 'scs-pos',
            'price_list_id' => 'scs-price-list',
            default => 'scs-' . str_replace('_', '-', $field),
        };
    }
}
