<?php
/** Deleting the plugin (Extensions > Supprimer): see includes/Uninstaller.php for what goes. */

declare(strict_types=1);

defined('WP_UNINSTALL_PLUGIN') || exit;

foreach (['Settings/Options', 'Settings/CronToken', 'Core/StateDirectory', 'Schedule/FallbackSchedule', 'Uninstaller'] as $class) {
    require_once __DIR__ . '/includes/' . $class . '.php';
}

\ShopcaisseSync\Plugin\Uninstaller::run();
