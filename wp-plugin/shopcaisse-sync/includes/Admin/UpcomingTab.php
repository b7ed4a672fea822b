<?php
/**
 * A tab whose screen a later part of the plugin fills: it says which, and shows no made-up data.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Admin;

final class UpcomingTab implements Tab
{
    public function __construct(private readonly string $title, private readonly string $what, private readonly string $part)
    {
    }

    public function title(): string
    {
        return $this->title;
    }

    public function render(): void
    {
        echo '<div class="shopcaisse-sync-upcoming card">';
        echo '<p>', esc_html($this->what), '</p>';
        echo '<p><em>', esc_html($this->part), '</em></p>';
        echo '</div>';
    }
}
