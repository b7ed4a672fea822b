<?php

declare(strict_types=1);

namespace ShopcaisseSync\Tests;

use PHPUnit\Framework\TestCase;
use ShopcaisseSync\Engine;

/** Shared set-up: a fresh state directory per test and an engine built on it. */
abstract class EngineTestCase extends TestCase
{
    protected string $stateDir;

    protected function setUp(): void
    {
        $this->stateDir = sys_get_temp_dir() . '/scs-php-' . bin2hex(random_bytes(6));
        mkdir($this->stateDir, 0700, true);
    }

    protected function tearDown(): void
    {
        self::removeTree($this->stateDir);
    }

    /** @param array<string,mixed> $settings */
    protected function engine(array $settings = []): Engine
    {
        return new Engine($settings + ['test_hooks' => true], $this->stateDir);
    }

    /**
     * An engine on the sandbox (reset to its demo shop), with the company, store, POS and price
     * list chosen from what the key reaches, as a merchant would on the settings screen.
     *
     * @param array<string,mixed> $settings
     */
    protected function sandboxEngine(array $settings = []): Engine
    {
        $sandbox = Sandbox::get();
        $base = [
            'base_url' => $sandbox->baseUrl(),
            'token' => Sandbox::TOKEN,
            'max_attempts' => 2,
            'connect_timeout_ms' => 2000,
            'request_timeout_ms' => 5000,
        ];
        $reach = $this->engine($base)->testConnection();
        $this->assertTrue($reach['ok'], json_encode($reach['error']));
        $store = $reach['stores'][0];
        $defaultList = array_values(array_filter($reach['price_lists'], static fn ($l) => $l['name'] === 'Défaut'));
        return $this->engine($settings + $base + [
            'company_id' => $reach['companies'][0]['id'],
            'store_id' => $store['id'],
            'pos_id' => $store['pos'][0]['id'],
            'price_list_id' => $defaultList[0]['id'] ?? null,
        ]);
    }

    protected static function backend(): string
    {
        return (string) getenv('SCS_BACKEND');
    }

    private static function removeTree(string $dir): void
    {
        if (!is_dir($dir)) {
            return;
        }
        foreach (scandir($dir) ?: [] as $entry) {
            if ($entry === '.' || $entry === '..') {
                continue;
            }
            $path = $dir . '/' . $entry;
            is_dir($path) ? self::removeTree($path) : unlink($path);
        }
        rmdir($dir);
    }
}
