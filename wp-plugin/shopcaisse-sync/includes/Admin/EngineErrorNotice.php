<?php
/** A tab that cannot reach the core says why, in the merchant's words, instead of a half page. */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Admin;

use ShopcaisseSync\Plugin\ErrorMessages;

final class EngineErrorNotice
{
    public static function render(\ShopcaisseSync\Exception $e): void
    {
        echo '<div class="notice notice-error inline"><p>', esc_html(ErrorMessages::forKind(ErrorMessages::kindOfCode((int) $e->getCode()))), '</p></div>';
    }
}
