<?php
/**
 * Saving the Configurations tab through the Settings API: valid values are saved, a wrong value
 * is refused with its field named, and a form with any wrong field saves nothing at all. The key
 * is never printed back.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Admin\ConfigurationsTab;
use ShopcaisseSync\Plugin\Admin\SettingsSaver;
use ShopcaisseSync\Plugin\Settings\Options;

final class SettingsTest extends PluginTestCase
{
    /** Submits the form as options.php does, through the registered sanitize callback. */
    private function submit(array $fields): void
    {
        global $wp_settings_errors;
        $wp_settings_errors = [];
        update_option(Options::OPTION, $fields);
    }

    /** @return array<string,string> settings errors by code */
    private function errors(): array
    {
        $errors = [];
        foreach (get_settings_errors(Options::OPTION) as $error) {
            $errors[$error['code']] = $error['message'];
        }
        return $errors;
    }

    public function set_up(): void
    {
        parent::set_up();
        $this->loginAsShopManager();
        (new \ShopcaisseSync\Plugin\Admin\SettingsPage(static fn () => [], ''))->admin_init();
    }

    public function test_valid_values_are_saved_with_their_types(): void
    {
        $this->submit(['token' => 'a-valid-looking-key-1234', 'max_drop_percent' => '40', 'auto_stock' => '0', 'auto_stock__present' => '1', 'matching_method' => 'barcode']);
        $this->assertSame([], $this->errors());
        $saved = Options::all();
        $this->assertSame(40, $saved['max_drop_percent']);
        $this->assertFalse($saved['auto_stock']);
        $this->assertSame('barcode', $saved['matching_method']);
        $this->assertSame('a-valid-looking-key-1234', $saved['token']);
    }

    public function test_a_wrong_value_is_refused_naming_its_field_and_nothing_is_saved(): void
    {
        $this->submit(['max_drop_percent' => '40']);
        $before = get_option(Options::OPTION);
        $this->submit(['max_drop_percent' => '20', 'matching_method' => 'by-colour', 'log_max_age_days' => '-3', 'job_budget_seconds' => '100000']);
        $errors = $this->errors();
        $this->assertArrayHasKey('invalid-matching_method', $errors);
        $this->assertStringContainsString('Matching method', $errors['invalid-matching_method']);
        $this->assertArrayHasKey('invalid-log_max_age_days', $errors);
        $this->assertStringContainsString('Days of logs kept', $errors['invalid-log_max_age_days']);
        $this->assertArrayHasKey('invalid-job_budget_seconds', $errors);
        $this->assertArrayHasKey('not-saved', $errors);
        $this->assertSame($before, get_option(Options::OPTION), 'a valid field of a refused form was saved');
        $this->assertSame(40, Options::get('max_drop_percent'));
    }

    public function test_a_range_is_checked_by_the_core(): void
    {
        $this->submit(['max_drop_percent' => '0']);
        $this->assertArrayHasKey('invalid-max_drop_percent', $this->errors());
        $this->submit(['base_url' => 'not a url at all']);
        $this->assertArrayHasKey('invalid-base_url', $this->errors());
    }

    public function test_an_empty_key_field_keeps_the_saved_key(): void
    {
        $this->submit(['token' => 'the-saved-key-abcd']);
        $this->submit(['token' => '', 'debug' => '1', 'debug__present' => '1']);
        $this->assertSame('the-saved-key-abcd', Options::get('token'));
        $this->assertTrue(Options::get('debug'));
    }

    public function test_the_key_is_never_printed_back_only_its_last_four_characters(): void
    {
        $this->submit(['token' => 'secret-key-never-shown-WXYZ']);
        ob_start();
        (new ConfigurationsTab($this->plugin()->engines))->render();
        $html = (string) ob_get_clean();
        $this->assertStringNotContainsString('secret-key-never-shown', $html);
        $this->assertStringContainsString('…WXYZ', $html);
        $this->assertMatchesRegularExpression('/<input type="password"[^>]*value=""/', $html);
    }

    public function test_a_form_that_is_not_an_array_saves_nothing(): void
    {
        $this->submit(['max_drop_percent' => '40']);
        $this->assertSame(get_option(Options::OPTION), SettingsSaver::sanitize('garbage'));
    }
}
