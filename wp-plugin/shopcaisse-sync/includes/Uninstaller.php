<?php
/**
 * What deleting the plugin removes: its options and scheduled actions and, when the merchant
 * ticked "delete all data on uninstall", its state directory (links, order history, logs).
 * Without that tick the state stays, so a reinstall finds its links again.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin;

use ShopcaisseSync\Plugin\Core\StateDirectory;
use ShopcaisseSync\Plugin\Schedule\FallbackSchedule;
use ShopcaisseSync\Plugin\Settings\CronToken;
use ShopcaisseSync\Plugin\Settings\Options;

final class Uninstaller
{
    public static function run(): void
    {
        $deleteData = (bool) Options::get('delete_data_on_uninstall');
        FallbackSchedule::unscheduleAll();
        wp_clear_scheduled_hook(\ShopcaisseSync\Plugin\Alerts\AlertMailer::HOOK);
        if ($deleteData) {
            $dir = StateDirectory::path();
            self::removeTree($dir);
            // The shared parent beside WordPress goes too once no site uses it.
            $parent = dirname($dir);
            if (basename($parent) === 'shopcaisse-sync-data' && is_dir($parent) && count((array) scandir($parent)) === 2) {
                rmdir($parent);
            }
            delete_option(StateDirectory::KEY_OPTION);
            StateDirectory::forgetResolved();
        }
        delete_option(Options::OPTION);
        delete_option(CronToken::OPTION);
        delete_option(\ShopcaisseSync\Plugin\Alerts\AlertMailer::SENT_OPTION);
    }

    /** Removes a directory the plugin made, and everything in it; never follows a link. */
    private static function removeTree(string $dir): void
    {
        if (!is_dir($dir) || is_link($dir)) {
            return;
        }
        $entries = new \RecursiveIteratorIterator(
            new \RecursiveDirectoryIterator($dir, \FilesystemIterator::SKIP_DOTS),
            \RecursiveIteratorIterator::CHILD_FIRST
        );
        foreach ($entries as $entry) {
            $entry->isDir() && !$entry->isLink() ? rmdir($entry->getPathname()) : unlink($entry->getPathname());
        }
        rmdir($dir);
    }
}
