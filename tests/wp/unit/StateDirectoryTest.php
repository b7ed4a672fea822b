<?php
/**
 * Where the state lives: outside the web root by default (beside the WordPress folder), with
 * deny rules wherever it is; and, only when nothing outside is writable, in the uploads folder
 * under an unguessable name.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Core\StateDirectory;

final class StateDirectoryTest extends PluginTestCase
{
    public function test_by_default_the_state_is_beside_wordpress_outside_the_web_root(): void
    {
        remove_all_filters('shopcaisse_sync_state_dir');
        StateDirectory::forgetResolved();
        $dir = StateDirectory::path();
        try {
            $this->assertSame(dirname(untrailingslashit(ABSPATH)) . '/shopcaisse-sync-data/' . StateDirectory::siteKey(), $dir);
            $this->assertFalse(StateDirectory::isInsideWebRoot());
            $this->assertFileExists($dir . '/.htaccess');
            $this->assertStringContainsString('Require all denied', (string) file_get_contents($dir . '/.htaccess'));
            $this->assertFileExists($dir . '/index.php');
        } finally {
            self::removeTree($dir);
        }
    }

    public function test_the_site_key_is_random_and_stable(): void
    {
        $key = StateDirectory::siteKey();
        $this->assertMatchesRegularExpression('/^[0-9a-f]{32}$/', $key);
        $this->assertSame($key, StateDirectory::siteKey());
    }

    public function test_the_constant_or_filter_wins(): void
    {
        $this->assertSame($this->stateDir, StateDirectory::path());
        $this->assertFileExists($this->stateDir . '/.htaccess');
    }
}
