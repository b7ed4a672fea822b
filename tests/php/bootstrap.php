<?php
/**
 * Loads the backend named by SCS_BACKEND (extension or ffi) and refuses to run the suite on any
 * other, so a misconfigured run can never test the wrong backend and pass.
 */

declare(strict_types=1);

require_once __DIR__ . '/../../php-shim/bootstrap.php';
require_once __DIR__ . '/support/EngineTestCase.php';
require_once __DIR__ . '/support/Sandbox.php';
require_once __DIR__ . '/support/Shape.php';

$expected = getenv('SCS_BACKEND') ?: '';
$result = \ShopcaisseSync\Shim\Loader::load(getenv('SCS_FFI_LIB') ?: null);
if ($result->backend !== $expected) {
    fwrite(STDERR, sprintf(
        "The contract suite expected backend '%s' but loaded '%s'. %s\n",
        $expected,
        $result->backend ?? 'none',
        $result->reason
    ));
    exit(2);
}
