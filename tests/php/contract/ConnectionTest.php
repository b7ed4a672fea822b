<?php

declare(strict_types=1);

namespace ShopcaisseSync\Tests;

/** "Tester la connexion" against the sandbox over real HTTP: what the key reaches, or what is wrong. */
final class ConnectionTest extends EngineTestCase
{
    private Sandbox $sandbox;

    protected function setUp(): void
    {
        parent::setUp();
        $this->sandbox = Sandbox::get();
        $this->sandbox->reset();
    }

    /** @param array<string,mixed> $settings */
    private function connect(array $settings = []): array
    {
        return $this->engine($settings + [
            'base_url' => $this->sandbox->baseUrl(),
            'token' => Sandbox::TOKEN,
            'max_attempts' => 1,
            'connect_timeout_ms' => 2000,
            'request_timeout_ms' => 5000,
        ])->testConnection();
    }

    public function testAValidKeyListsTheCompanyStoresPosAndPriceLists(): void
    {
        $report = $this->connect();
        $this->assertTrue($report['ok']);
        $this->assertNull($report['error']);
        $this->assertNotEmpty($report['companies']);
        $this->assertNotEmpty($report['stores']);
        $this->assertNotEmpty($report['stores'][0]['pos']);
        $this->assertArrayHasKey('order_management', $report['stores'][0]['pos'][0]);
        $this->assertContains('Défaut', array_column($report['price_lists'], 'name'));
        $this->assertNotSame($report['companies'][0]['id'], $report['stores'][0]['id']);
        $this->assertSame([], $report['warnings']);
    }

    public function testAWrongKeyIsReportedAsAnInvalidToken(): void
    {
        $report = $this->connect(['token' => 'not-the-key']);
        $this->assertFalse($report['ok']);
        $this->assertSame('invalid_token', $report['error']['kind']);
        $this->assertSame(10, $report['error']['code']);
        $this->assertSame(401, $report['error']['http_status']);
        $this->assertStringNotContainsString('not-the-key', json_encode($report));
    }

    public function testARevokedKeyIsReportedAsAnInvalidToken(): void
    {
        $this->sandbox->faults(['revokedToken' => true]);
        $report = $this->connect();
        $this->assertFalse($report['ok']);
        $this->assertSame('invalid_token', $report['error']['kind']);
    }

    public function testAMissingPermissionIsAWarningNamingTheListing(): void
    {
        $this->sandbox->faults(['forbidden' => ['/prices']]);
        $report = $this->connect();
        $this->assertTrue($report['ok']);
        $this->assertSame([], $report['price_lists']);
        $this->assertSame('listing price lists', $report['warnings'][0]['operation']);
        $this->assertSame('permission_denied', $report['warnings'][0]['error']['kind']);
    }

    public function testAnUnreachableApiIsANetworkFailure(): void
    {
        $report = $this->connect(['base_url' => 'http://127.0.0.1:1/v1']);
        $this->assertFalse($report['ok']);
        $this->assertSame('network', $report['error']['kind']);
    }

    public function testNoKeyAtAllSaysSoInsteadOfCallingTheApi(): void
    {
        $report = $this->connect(['token' => '  ']);
        $this->assertFalse($report['ok']);
        $this->assertSame('not_configured', $report['error']['kind']);
    }

    public function testTheApiFailingIsAServerError(): void
    {
        $this->sandbox->faults(['rules' => [['action' => 'status', 'status' => 503]]]);
        $report = $this->connect();
        $this->assertFalse($report['ok']);
        $this->assertSame('server', $report['error']['kind']);
    }

    public function testAHangingApiIsReportedWithinFifteenSecondsWithTheDefaultSettings(): void
    {
        $this->sandbox->faults(['rules' => [['action' => 'delay', 'ms' => 40000]]]);
        $started = microtime(true);
        $report = $this->engine([
            'base_url' => $this->sandbox->baseUrl(),
            'token' => Sandbox::TOKEN,
        ])->testConnection();
        $took = microtime(true) - $started;
        $this->assertFalse($report['ok']);
        $this->assertSame('timeout', $report['error']['kind']);
        $this->assertLessThan(15.0, $took);
    }

    public function testWhatTheKeyCannotDoForThisConfigurationIsListed(): void
    {
        $reach = $this->connect();
        $this->assertSame([], $reach['limitations']);
        $pos = $reach['stores'][0]['pos'];
        $without = array_values(array_filter($pos, static fn ($p) => !$p['order_management']))[0]['id'];

        $this->sandbox->faults(['missingPermissions' => ['orders.write']]);
        $report = $this->connect(['pos_id' => $without, 'store_id' => $reach['stores'][0]['id']]);
        $this->assertTrue($report['ok']);
        $missing = array_column($report['limitations'], 'missing');
        $this->assertContains('orders:write', $missing);
        $this->assertContains('order_module', $missing);
    }
}
