<?php
/**
 * Takes secrets and personal data out of what the support bundle carries, in three passes:
 *
 * 1. fields whose name says what they hold (email, phone, names, address, token…) lose their
 *    value whatever it is;
 * 2. every value known to be secret or personal (the API key, the cron token, the buyers of the
 *    orders the core holds) is replaced wherever it appears, also URL-encoded or in another case,
 *    so a name inside a log message goes too;
 * 3. anything shaped like an e-mail address or a phone number is replaced, for the values no
 *    one listed.
 *
 * Pure: it is given the values, it reads nothing.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Support;

final class Redactor
{
    public const SECRET = '[secret]';
    public const PERSONAL = '[personal]';

    /** Field names whose value never leaves the site. */
    private const FIELD_PATTERN = '/(^|_)(token|key|password|secret|email|phone|mobile|first_?name|last_?name|full_?name|company|address(_\d)?|street|city|postcode|zip|state|country|customer_details|note|billing|shipping)$/i';

    /** Keys that name a field above but hold no personal value (an order's or a job's state). */
    private const SAFE_FIELDS = ['state', 'token_set', 'state_dir', 'api_key_set'];

    private const EMAIL = '/[A-Z0-9._%+\-]+(@|%40)[A-Z0-9.\-]+\.[A-Z]{2,}/i';

    /**
     * Phone numbers: international (+, %2B or 00, then 8 to 14 digits) or French national
     * (0 then 9 digits, in pairs or not), with spaces, dots or dashes between. Dates and
     * amounts do not start that way.
     */
    private const PHONE = '/(?<![\w.%])(?:(?:\+|%2B|00)\d(?:[ .\-]?\d){7,13}|0\d(?:[ .\-]?\d\d){4})(?![\w])/i';

    /** @var list<array{string,string}> value => replacement, longest first */
    private array $known = [];

    /**
     * @param list<string> $secrets
     * @param list<string> $personal
     */
    public function __construct(array $secrets, array $personal)
    {
        foreach ([[$secrets, self::SECRET], [$personal, self::PERSONAL]] as [$values, $mark]) {
            foreach ($values as $value) {
                $value = trim((string) $value);
                // One letter or two would wipe out ordinary words: a name that short stays.
                if (mb_strlen($value) < 3) {
                    continue;
                }
                foreach (array_unique([$value, rawurlencode($value), urlencode($value)]) as $form) {
                    $this->known[] = [$form, $mark];
                }
            }
        }
        usort($this->known, static fn ($a, $b) => strlen($b[0]) <=> strlen($a[0]));
    }

    /** A value of any shape, redacted; keys are kept. */
    public function redact(mixed $value, string $key = ''): mixed
    {
        if ($key !== '' && !in_array(strtolower($key), self::SAFE_FIELDS, true) && preg_match(self::FIELD_PATTERN, $key)) {
            if (is_bool($value) || $value === null || $value === '' || $value === []) {
                return $value;
            }
            return preg_match('/token|key|password|secret/i', $key) ? self::SECRET : self::PERSONAL;
        }
        if (is_array($value)) {
            $out = [];
            foreach ($value as $k => $v) {
                $out[$k] = $this->redact($v, is_string($k) ? $k : '');
            }
            return $out;
        }
        return is_string($value) ? $this->text($value) : $value;
    }

    /** A text with every known value and every e-mail or phone shape replaced. */
    public function text(string $text): string
    {
        foreach ($this->known as [$value, $mark]) {
            $text = str_ireplace($value, $mark, $text);
        }
        $text = (string) preg_replace(self::EMAIL, self::PERSONAL, $text);
        return (string) preg_replace(self::PHONE, self::PERSONAL, $text);
    }
}
