<?php
/**
 * The dashboard's chart of the last days, drawn server side as inline SVG: one strip of daily
 * bars per figure, each on its own scale (a shop writes hundreds of stock rows a day and pushes a
 * handful of orders), with its total beside it. Each bar carries its day and value in a <title>,
 * and the same figures are given as a table for screen readers and for copying. Pure: it builds
 * a string from the engine's rows, every text escaped.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Dashboard;

final class DailyChart
{
    private const WIDTH = 720;
    private const LABEL_WIDTH = 210;
    private const ROW_HEIGHT = 56;
    private const BAR_HEIGHT = 38;
    private const AXIS_HEIGHT = 22;

    /** @return array<string,string> series key => its name */
    public static function series(): array
    {
        return [
            'stock_writes' => __('Stock writes', 'shopcaisse-sync'),
            'products' => __('Products imported or linked', 'shopcaisse-sync'),
            'orders_pushed' => __('Orders sent to the POS', 'shopcaisse-sync'),
            'orders_blocked' => __('Orders blocked', 'shopcaisse-sync'),
            'failures' => __('Failures', 'shopcaisse-sync'),
        ];
    }

    /**
     * The engine's day rows as the chart's series: products imported and linked are one figure.
     *
     * @param list<array<string,mixed>> $days the engine's `days`, oldest first
     * @return array<string,list<int>> series key => one value per day
     */
    public static function values(array $days): array
    {
        $values = array_fill_keys(array_keys(self::series()), []);
        foreach ($days as $day) {
            $values['stock_writes'][] = (int) ($day['stock_writes'] ?? 0);
            $values['products'][] = (int) ($day['imported'] ?? 0) + (int) ($day['linked'] ?? 0);
            $values['orders_pushed'][] = (int) ($day['orders_pushed'] ?? 0);
            $values['orders_blocked'][] = (int) ($day['orders_blocked'] ?? 0);
            $values['failures'][] = (int) ($day['failures'] ?? 0);
        }
        return $values;
    }

    /**
     * The SVG and its table.
     *
     * @param list<array<string,mixed>> $days the engine's `days`, oldest first
     */
    public static function render(array $days): string
    {
        if ($days === []) {
            return '';
        }
        $labels = array_map([self::class, 'dayLabel'], array_column($days, 'day'));
        $values = self::values($days);
        return self::svg($labels, $values) . self::table($labels, $values);
    }

    /** "3 mars" for 2026-03-03, in the site's language. */
    public static function dayLabel(string $day): string
    {
        $date = \DateTimeImmutable::createFromFormat('!Y-m-d', $day, wp_timezone());
        if ($date === false) {
            return $day;
        }
        return wp_date(_x('j M', 'a day on the dashboard chart', 'shopcaisse-sync'), $date->getTimestamp() + 12 * 3600) ?: $day;
    }

    /**
     * @param list<string> $labels
     * @param array<string,list<int>> $values
     */
    private static function svg(array $labels, array $values): string
    {
        $count = count($labels);
        $names = self::series();
        $height = count($values) * self::ROW_HEIGHT + self::AXIS_HEIGHT;
        $slot = (self::WIDTH - self::LABEL_WIDTH) / $count;
        $bar = max(1.0, $slot * 0.7);
        /* translators: %d: how many days */
        $title = sprintf(_n('Activity of the last %d day', 'Activity of the last %d days', $count, 'shopcaisse-sync'), $count);
        $desc = [];
        foreach ($values as $key => $row) {
            /* translators: 1: a figure's name, 2: its total */
            $desc[] = sprintf(__('%1$s: %2$s in all', 'shopcaisse-sync'), $names[$key], number_format_i18n(array_sum($row)));
        }
        $svg = sprintf(
            '<svg class="scs-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="scs-chart-title scs-chart-desc">',
            self::WIDTH,
            $height
        );
        $svg .= '<title id="scs-chart-title">' . esc_html($title) . '</title>';
        $svg .= '<desc id="scs-chart-desc">' . esc_html(implode('; ', $desc) . '.') . '</desc>';
        $y = 0;
        foreach ($values as $key => $row) {
            $max = max($row) ?: 0;
            $svg .= sprintf('<g class="scs-series scs-series-%s" data-series="%s" data-total="%d">', esc_attr($key), esc_attr($key), array_sum($row));
            $svg .= sprintf('<text x="0" y="%d" class="scs-series-name">%s</text>', $y + 20, esc_html($names[$key]));
            /* translators: 1: the total over the chart's days, 2: the highest day */
            $svg .= sprintf('<text x="0" y="%d" class="scs-series-total">%s</text>', $y + 38, esc_html(sprintf(__('%1$s in all, at most %2$s a day', 'shopcaisse-sync'), number_format_i18n(array_sum($row)), number_format_i18n($max))));
            $base = $y + 6 + self::BAR_HEIGHT;
            $svg .= sprintf('<line x1="%d" y1="%d" x2="%d" y2="%d" class="scs-baseline" />', self::LABEL_WIDTH, $base, self::WIDTH, $base);
            foreach ($row as $i => $value) {
                if ($value <= 0) {
                    continue;
                }
                $h = max(1.0, self::BAR_HEIGHT * $value / $max);
                $svg .= sprintf(
                    '<rect x="%s" y="%s" width="%s" height="%s"><title>%s</title></rect>',
                    self::number(self::LABEL_WIDTH + $i * $slot + ($slot - $bar) / 2),
                    self::number($base - $h),
                    self::number($bar),
                    self::number($h),
                    esc_html($labels[$i] . ': ' . number_format_i18n($value))
                );
            }
            $svg .= '</g>';
            $y += self::ROW_HEIGHT;
        }
        // The first, middle and last days under the bars.
        foreach (array_unique([0, intdiv($count - 1, 2), $count - 1]) as $i) {
            // The last label ends at the chart's right edge instead of running past it.
            $anchor = $i === $count - 1 && $count > 1 ? 'end' : 'middle';
            $svg .= sprintf(
                '<text x="%s" y="%d" class="scs-axis" text-anchor="%s">%s</text>',
                self::number($anchor === 'end' ? self::WIDTH : self::LABEL_WIDTH + ($i + 0.5) * $slot),
                $y + 14,
                $anchor,
                esc_html($labels[$i])
            );
        }
        return $svg . '</svg>';
    }

    /**
     * @param list<string> $labels
     * @param array<string,list<int>> $values
     */
    private static function table(array $labels, array $values): string
    {
        $names = self::series();
        $html = '<details class="scs-chart-figures"><summary>' . esc_html__('The figures by day', 'shopcaisse-sync') . '</summary>';
        $html .= '<table class="widefat striped scs-chart-table"><thead><tr><th scope="col">' . esc_html__('Day', 'shopcaisse-sync') . '</th>';
        foreach ($names as $name) {
            $html .= '<th scope="col">' . esc_html($name) . '</th>';
        }
        $html .= '</tr></thead><tbody>';
        foreach (array_reverse(array_keys($labels)) as $i) {
            $html .= '<tr><th scope="row">' . esc_html($labels[$i]) . '</th>';
            foreach (array_keys($names) as $key) {
                $html .= '<td>' . esc_html(number_format_i18n($values[$key][$i])) . '</td>';
            }
            $html .= '</tr>';
        }
        return $html . '</tbody></table></details>';
    }

    private static function number(float $value): string
    {
        return rtrim(rtrim(number_format($value, 2, '.', ''), '0'), '.');
    }
}
