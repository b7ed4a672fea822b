<?php
/**
 * wp-tests-config for WordPress's PHPUnit library: the tree and the throw-away database come from
 * the environment the tier script sets (scripts/wp/test-tier.sh).
 */

define('ABSPATH', rtrim((string) getenv('SCS_WP_DIR'), '/') . '/');
define('WP_DEFAULT_THEME', 'twentytwentyfive');
define('WP_TESTS_MULTISITE', false);
define('WP_DEBUG', true);

define('DB_NAME', getenv('SCS_DB_NAME') ?: 'scs_unit');
define('DB_USER', getenv('SCS_DB_USER') ?: 'scs');
define('DB_PASSWORD', getenv('SCS_DB_PASSWORD') ?: '');
define('DB_HOST', getenv('SCS_DB_HOST') ?: '127.0.0.1');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
$table_prefix = 'wptests_';

define('WP_TESTS_DOMAIN', 'example.org');
define('WP_TESTS_EMAIL', 'admin@example.org');
define('WP_TESTS_TITLE', 'Shopcaisse Sync tests');
define('WP_PHP_BINARY', PHP_BINARY);
define('WPLANG', '');
