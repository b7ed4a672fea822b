<?php
/**
 * Deleting the plugin (Extensions > Supprimer): removes its options and scheduled actions and,
 * when the merchant ticked "delete all data on uninstall", its state directory (links, order
 * history, logs). Without that tick the state stays, so a reinstall finds its links again.
 */

declare(strict_types=1);

defined('WP_UNINSTALL_PLUGIN') || exit;

require_once __DIR__ . '/includes/Settings/Options.php';
require_once __DIR__ . '/includes/Settings/CronToken.php';
require_once __DIR__ . '/includes/Core/StateDirectory.php';
require_once __DIR__ . '/includes/Schedule/FallbackSchedule.php';

use ShopcaisseSync\Plugin\Core\StateDirectory;
use ShopcaisseSync\Plugin\Schedule\FallbackSchedule;
use ShopcaisseSync\Plugin\Settings\CronToken;
use ShopcaisseSync\Plugin\Settings\Options;

/** Removes a directory the plugin made, and everything in it. */
function shopcaisse_sync_remove_tree(string $dir): void
{
    if (!is_dir($dir) || is_link($dir)) {
        return;
    }
    $entries = new RecursiveIteratorIterator(
        new RecursiveDirectoryIterator($dir, FilesystemIterator::SKIP_DOTS),
        RecursiveIteratorIterator::CHILD_FIRST
    );
    foreach ($entries as $entry) {
        $entry->isDir() && !$entry->isLink() ? rmdir($entry->getPathname()) : unlink($entry->getPathname());
    }
    rmdir($dir);
}

$delete_data = (bool) Options::get('delete_data_on_uninstall');

FallbackSchedule::unscheduleAll();

if ($delete_data) {
    $state_dir = StateDirectory::path();
    shopcaisse_sync_remove_tree($state_dir);
    // The shared parent beside WordPress goes too once no site uses it.
    $parent = dirname($state_dir);
    if (basename($parent) === 'shopcaisse-sync-data' && is_dir($parent) && count(scandir($parent)) === 2) {
        rmdir($parent);
    }
    delete_option(StateDirectory::KEY_OPTION);
}

delete_option(Options::OPTION);
delete_option(CronToken::OPTION);
