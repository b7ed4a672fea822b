<?php
/**
 * The line beside each cron URL: when it was last called, how the run ended and how long it took,
 * and a warning once the POS has been silent for much longer than its usual interval.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Admin\JobHealthText;

final class JobHealthTextTest extends PluginTestCase
{
    private function job(array $changes): array
    {
        $now = 1_800_000_000_000;
        return array_merge([
            'job' => 'stock', 'light' => 'ok', 'running' => false, 'now_ms' => $now,
            'last_called_at_ms' => $now - 5 * 60_000, 'last_started_at_ms' => $now - 5 * 60_000,
            'last_finished_at_ms' => $now - 5 * 60_000 + 1_200, 'last_duration_ms' => 1_200,
            'outcome' => 'completed', 'summary' => [], 'has_cursor' => false, 'usual_interval_ms' => 5 * 60_000,
        ], $changes);
    }

    public function test_a_healthy_job_shows_its_last_call_outcome_and_duration(): void
    {
        $text = JobHealthText::describe($this->job([]));
        $this->assertStringContainsString('Last called 5 minutes ago.', $text);
        $this->assertStringContainsString('Last run: completed', $text);
        $this->assertStringContainsString('in 1.2 s.', $text);
        $this->assertStringContainsString('scs-light-ok', $text);
        $this->assertStringNotContainsString('much longer than usual', $text);
    }

    public function test_a_late_job_warns_with_the_usual_interval(): void
    {
        $text = JobHealthText::describe($this->job(['light' => 'late', 'last_called_at_ms' => 1_800_000_000_000 - 3_600_000]));
        $this->assertStringContainsString('scs-light-late', $text);
        $this->assertStringContainsString('much longer than usual (every 5 minutes)', $text);
    }

    public function test_a_job_never_called_says_so(): void
    {
        $this->assertStringContainsString('Never called yet.', JobHealthText::describe(null));
        $this->assertStringContainsString('Never called yet.', JobHealthText::describe($this->job(['last_called_at_ms' => null])));
    }
}
