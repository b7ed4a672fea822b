<?php
/**
 * uninstall.php removes the options and the scheduled actions, and the state directory only when
 * the merchant ticked "delete all data on uninstall".
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Core\StateDirectory;
use ShopcaisseSync\Plugin\Schedule\FallbackSchedule;
use ShopcaisseSync\Plugin\Settings\CronToken;
use ShopcaisseSync\Plugin\Settings\Options;

final class UninstallTest extends PluginTestCase
{
    private function uninstall(): void
    {
        if (!defined('WP_UNINSTALL_PLUGIN')) {
            define('WP_UNINSTALL_PLUGIN', 'shopcaisse-sync/shopcaisse-sync.php');
        }
        include dirname(__DIR__, 3) . '/wp-plugin/shopcaisse-sync/uninstall.php';
    }

    private function prepare(bool $deleteData): string
    {
        Options::save(array_merge(Options::all(), ['schedule_enabled' => true, 'delete_data_on_uninstall' => $deleteData]));
        CronToken::ensure();
        $this->plugin()->engines->engine()->jobHealth(); // creates the state file
        $dir = StateDirectory::path();
        $this->assertNotEmpty(glob($dir . '/*'));
        $this->assertNotFalse(as_next_scheduled_action(FallbackSchedule::HOOK, ['job' => 'stock'], FallbackSchedule::GROUP));
        return $dir;
    }

    public function test_uninstall_keeps_the_state_unless_asked(): void
    {
        $dir = $this->prepare(false);
        $this->uninstall();
        $this->assertFalse(get_option(Options::OPTION));
        $this->assertFalse(get_option(CronToken::OPTION));
        $this->assertFalse(as_next_scheduled_action(FallbackSchedule::HOOK, ['job' => 'stock'], FallbackSchedule::GROUP));
        $this->assertDirectoryExists($dir);
    }

    public function test_uninstall_deletes_the_state_when_the_merchant_asked(): void
    {
        $dir = $this->prepare(true);
        $this->uninstall();
        $this->assertFalse(get_option(Options::OPTION));
        $this->assertDirectoryDoesNotExist($dir);
    }
}
