<?php
/** One tab of Réglages > Shopcaisse Sync. */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Admin;

interface Tab
{
    public function title(): string;

    /** Prints the tab's content, escaped. */
    public function render(): void;
}
