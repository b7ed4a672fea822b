<?php
/**
 * The dashboard, first tab of Réglages > Shopcaisse Sync: whether everything is fine at a
 * glance. One call to the engine gives the cron URLs' health, the last 30 days by day and the
 * counts it keeps; the shop side of "what needs a person" is counted here (Attention).
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Dashboard;

use ShopcaisseSync\Plugin\Admin\EngineErrorNotice;
use ShopcaisseSync\Plugin\Admin\JobHealthText;
use ShopcaisseSync\Plugin\Admin\Tab;
use ShopcaisseSync\Plugin\Core\EngineFactory;

final class DashboardTab implements Tab
{
    public const DAYS = 30;

    public function __construct(private readonly EngineFactory $engines)
    {
    }

    public function title(): string
    {
        return __('Dashboard', 'shopcaisse-sync');
    }

    /** The site's offset from UTC now, in minutes, so the engine cuts days at the site's midnight. */
    public static function utcOffsetMinutes(): int
    {
        return intdiv(wp_timezone()->getOffset(new \DateTimeImmutable('now')), 60);
    }

    public function render(): void
    {
        try {
            $engine = $this->engines->engine();
            $figures = $engine->dashboard(self::DAYS, self::utcOffsetMinutes());
            $attention = Attention::gather($engine, (array) ($figures['attention'] ?? []));
        } catch (\ShopcaisseSync\Exception $e) {
            EngineErrorNotice::render($e);
            return;
        }
        $jobs = [];
        foreach ($figures['jobs'] ?? [] as $job) {
            $jobs[(string) $job['job']] = $job + ['now_ms' => $figures['now_ms'] ?? null];
        }
        $needs = array_filter($attention, static fn (array $a) => $a['count'] > 0);
        $troubled = array_filter($jobs, static fn (array $job) => in_array($job['light'] ?? '', ['late', 'failing'], true));
        echo '<div class="scs-dashboard" id="scs-dashboard">';
        $fine = $needs === [] && $troubled === [];
        printf(
            '<div class="notice inline %s scs-verdict" data-fine="%d"><p><strong>%s</strong></p></div>',
            $fine ? 'notice-success' : 'notice-warning',
            $fine ? 1 : 0,
            esc_html($fine
                ? __('Everything is fine: the POS calls its URLs and nothing is waiting for you.', 'shopcaisse-sync')
                : __('Something needs your attention: see below.', 'shopcaisse-sync'))
        );
        self::cronUrls($jobs);
        self::attention($needs);
        echo '<h2>', esc_html(sprintf(
            /* translators: %d: how many days */
            _n('The last %d day', 'The last %d days', self::DAYS, 'shopcaisse-sync'),
            self::DAYS
        )), '</h2>';
        echo DailyChart::render((array) ($figures['days'] ?? [])); // escaped inside
        echo '</div>';
    }

    /** @param array<string,array<string,mixed>> $jobs by job */
    private static function cronUrls(array $jobs): void
    {
        echo '<h2>', esc_html__('Cron URLs', 'shopcaisse-sync'), '</h2>';
        echo '<table class="widefat striped scs-dashboard-jobs"><thead><tr>';
        foreach ([__('URL', 'shopcaisse-sync'), __('State', 'shopcaisse-sync'), __('Last call', 'shopcaisse-sync'), __('Usual interval', 'shopcaisse-sync')] as $column) {
            echo '<th scope="col">', esc_html($column), '</th>';
        }
        echo '</tr></thead><tbody>';
        foreach (JobHealthText::labels() as $job => $label) {
            $health = $jobs[$job] ?? null;
            $light = (string) ($health['light'] ?? 'never');
            echo '<tr data-job="', esc_attr($job), '" data-light="', esc_attr($light), '"><th scope="row">', esc_html($label), '</th>';
            echo '<td class="scs-dashboard-light"><strong>', esc_html(JobHealthText::light($light)), '</strong></td>';
            echo '<td class="scs-health">', wp_kses_post(JobHealthText::describe($health)), '</td>';
            echo '<td class="scs-usual">', esc_html(JobHealthText::usualInterval($health)), '</td></tr>';
        }
        echo '</tbody></table>';
    }

    /** @param array<string,array{count:int,url:string}> $needs the kinds with a count above zero */
    private static function attention(array $needs): void
    {
        echo '<h2>', esc_html__('What needs a person', 'shopcaisse-sync'), '</h2>';
        if ($needs === []) {
            echo '<p class="scs-attention-none">', esc_html__('Nothing: no held stock run, no blocked order, every product on sale is linked, every declination is associated and the shop stock follows the POS.', 'shopcaisse-sync'), '</p>';
            return;
        }
        echo '<ul class="scs-attention">';
        foreach ($needs as $kind => $need) {
            printf(
                '<li data-kind="%s" data-count="%d"><span class="scs-light scs-light-late"></span>%s <a href="%s">%s</a></li>',
                esc_attr($kind),
                $need['count'],
                esc_html(Attention::text($kind, $need['count'])),
                esc_url($need['url']),
                esc_html__('Fix it', 'shopcaisse-sync')
            );
        }
        echo '</ul>';
    }
}
