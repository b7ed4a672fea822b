<?php
/**
 * "n units reserved by web orders in flight": what explains a shop stock below the POS figure
 * while the till has not taken web orders in yet. One wording for every screen that shows it.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Admin;

final class InFlightText
{
    /** @param string $units a decimal quantity from the core ("2", "0.355") */
    public static function reserved(string $units): string
    {
        $amount = (float) $units;
        $shown = rtrim(rtrim(number_format_i18n($amount, 3), '0'), '.,');
        /* translators: %s: a quantity, possibly decimal for weighed items */
        return sprintf(_n('%s unit reserved by web orders in flight', '%s units reserved by web orders in flight', $amount > 1.0 ? 2 : 1, 'shopcaisse-sync'), $shown);
    }
}
