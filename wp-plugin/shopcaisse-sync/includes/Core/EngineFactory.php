<?php
/**
 * Builds the core's Engine for this site: the saved settings and the state directory. Building
 * one is cheap (nothing opens until a method needs it); the settings screen builds throw-away
 * ones with the values being typed, before they are saved.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Core;

use ShopcaisseSync\Plugin\Settings\Options;

final class EngineFactory
{
    private ?\ShopcaisseSync\Engine $engine = null;

    /** The site's engine, built once per request from the saved settings. */
    public function engine(): \ShopcaisseSync\Engine
    {
        return $this->engine ??= new \ShopcaisseSync\Engine(Options::engineSettings(), StateDirectory::path());
    }

    /**
     * An engine with some settings replaced (a key being tested, a company being chosen), on the
     * same state directory.
     *
     * @param array<string,mixed> $overrides
     */
    public function engineWith(array $overrides): \ShopcaisseSync\Engine
    {
        $values = array_merge(Options::all(), $overrides);
        return new \ShopcaisseSync\Engine(Options::engineSettings($values), StateDirectory::path());
    }

    /** Drops the cached engine: the settings changed. */
    public function reset(): void
    {
        $this->engine = null;
    }
}
