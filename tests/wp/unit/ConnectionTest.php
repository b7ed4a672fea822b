<?php
/**
 * "Test the connection" over AJAX against the sandbox and its fault switches: every outcome is
 * told by kind, in the merchant's words, and a valid key fills the selectors without a save.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\ErrorMessages;
use ShopcaisseSync\Plugin\Settings\Options;
use ShopcaisseSync\Tests\Sandbox;

final class ConnectionTest extends PluginTestCase
{
    private Sandbox $sandboxServer;

    public function set_up(): void
    {
        parent::set_up();
        $this->loginAsShopManager();
        $this->sandboxServer = $this->sandbox();
    }

    private function test(array $fields = []): array
    {
        $answer = $this->ajax('shopcaisse_sync_test_connection', $fields + [
            'nonce' => $this->adminNonce(),
            'token' => Sandbox::TOKEN,
            'base_url' => $this->sandboxServer->baseUrl(),
        ]);
        $this->assertIsArray($answer);
        return $answer;
    }

    private function assertFailsAs(string $kind, array $answer): void
    {
        $this->assertTrue($answer['success'], 'the AJAX call itself should succeed');
        $this->assertFalse($answer['data']['ok']);
        $this->assertSame($kind, $answer['data']['kind']);
        $this->assertSame(ErrorMessages::forKind($kind), $answer['data']['message']);
    }

    public function test_a_valid_key_names_the_company_and_fills_every_selector_without_a_save(): void
    {
        $this->assertFalse(Options::hasToken());
        $answer = $this->test();
        $data = $answer['data'];
        $this->assertTrue($data['ok']);
        $this->assertNotEmpty($data['companies']);
        $this->assertNotEmpty($data['stores']);
        $this->assertNotEmpty($data['stores'][0]['pos']);
        $this->assertNotEmpty($data['price_lists']);
        $this->assertStringContainsString($data['companies'][0]['name'], $data['message']);
        $this->assertFalse(Options::hasToken(), 'testing a key must not save it');
    }

    public function test_the_saved_key_is_used_when_the_field_is_left_empty(): void
    {
        Options::save(['token' => Sandbox::TOKEN, 'base_url' => $this->sandboxServer->baseUrl()]);
        $answer = $this->test(['token' => '', 'base_url' => '']);
        $this->assertTrue($answer['data']['ok']);
    }

    public function test_a_wrong_key_is_an_invalid_key(): void
    {
        $this->assertFailsAs('invalid_token', $this->test(['token' => 'not-the-key']));
    }

    public function test_a_revoked_key_is_an_invalid_key(): void
    {
        $this->sandboxServer->faults(['revokedToken' => true]);
        $this->assertFailsAs('invalid_token', $this->test());
    }

    public function test_a_key_without_permission_is_told_so(): void
    {
        $this->sandboxServer->faults(['forbidden' => ['/authentication']]);
        $this->assertFailsAs('permission_denied', $this->test());
    }

    public function test_a_missing_listing_permission_is_a_warning_on_a_working_key(): void
    {
        $this->sandboxServer->faults(['forbidden' => ['/prices']]);
        $data = $this->test()['data'];
        $this->assertTrue($data['ok']);
        $this->assertContains(ErrorMessages::forKind('permission_denied'), $data['warnings']);
    }

    public function test_a_till_without_the_order_module_is_said_before_any_order_is_blocked(): void
    {
        $state = $this->sandboxServer->control('GET', 'state');
        $without = array_values(array_filter($state['pos'], static fn ($p) => !$p['orderManagement']));
        $this->assertNotEmpty($without, 'the demo shop has a till without the order module');
        $data = $this->test(['store_id' => $state['stores'][0], 'pos_id' => $without[0]['id']])['data'];
        $this->assertTrue($data['ok']);
        $this->assertContains(ErrorMessages::forKind('order_module_missing'), $data['warnings']);
        $with = array_values(array_filter($state['pos'], static fn ($p) => $p['orderManagement']));
        $data = $this->test(['store_id' => $state['stores'][0], 'pos_id' => $with[0]['id']])['data'];
        $this->assertNotContains(ErrorMessages::forKind('order_module_missing'), $data['warnings']);
    }

    public function test_an_unreachable_api_is_a_network_failure(): void
    {
        $this->assertFailsAs('network', $this->test(['base_url' => 'http://127.0.0.1:1/v1']));
    }

    public function test_a_tls_failure_is_told_apart(): void
    {
        $server = proc_open([PHP_BINARY, __DIR__ . '/../support/not-tls-server.php'], [1 => ["pipe", "w"], 2 => ["file", "/dev/null", "a"]], $pipes);
        try {
            $line = (string) fgets($pipes[1]);
            $this->assertSame(1, preg_match('/^listening on (\d+)/', $line, $m), $line);
            $answer = $this->test(['base_url' => 'https://127.0.0.1:' . $m[1] . '/v1']);
        } finally {
            proc_terminate($server);
            proc_close($server);
        }
        $this->assertFalse($answer['data']['ok']);
        $this->assertSame('tls', $answer['data']['kind']);
        $this->assertStringContainsString('TLS', $answer['data']['message']);
    }

    public function test_a_hanging_api_is_a_timeout(): void
    {
        $this->engineOverrides['request_timeout_ms'] = 500;
        $this->sandboxServer->control('POST', 'faults/rules', ['action' => 'delay', 'ms' => 3000]);
        $this->assertFailsAs('timeout', $this->test());
    }

    public function test_an_api_answering_503_is_down(): void
    {
        $this->sandboxServer->control('POST', 'faults/rules', ['action' => 'status', 'status' => 503]);
        $this->assertFailsAs('server', $this->test());
    }
}
