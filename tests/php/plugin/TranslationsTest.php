<?php

declare(strict_types=1);

namespace ShopcaisseSync\Tests;

use PHPUnit\Framework\TestCase;
use ShopcaisseSync\Plugin\ErrorMessages;

require_once __DIR__ . '/../../../wp-plugin/shopcaisse-sync/includes/ErrorMessages.php';

/** The merchant-facing texts: one per error kind of the core, every one translated into French. */
final class TranslationsTest extends TestCase
{
    private const PLUGIN = __DIR__ . '/../../../wp-plugin/shopcaisse-sync';
    private const PO = self::PLUGIN . '/languages/shopcaisse-sync-fr_FR.po';

    public function testThePluginKnowsExactlyTheErrorKindsOfTheCore(): void
    {
        $core = (new \ShopcaisseSync\Engine([], sys_get_temp_dir()))->diagnostics()['error_kinds'];
        $plugin = array_map('strval', ErrorMessages::CODES);
        $this->assertSame($core, array_combine(array_map('strval', array_keys($plugin)), array_values($plugin)));
        $this->assertSame(array_values(ErrorMessages::CODES), array_keys(ErrorMessages::all()));
    }

    public function testEveryTranslatableStringOfThePluginHasAFrenchTranslation(): void
    {
        // gettext's own tools, not a regular expression: every WordPress translation function
        // (plurals and contexts included) is found, and a string missing from the catalog, or
        // left empty or fuzzy there, is named.
        $pot = tempnam(sys_get_temp_dir(), 'scs-pot');
        $merged = tempnam(sys_get_temp_dir(), 'scs-po');
        try {
            self::gettext(array_merge(['xgettext', '--language=PHP', '--from-code=UTF-8', '--force-po', '-o', $pot], self::KEYWORDS, self::phpFiles()));
            self::gettext(['msgmerge', '--quiet', '--no-fuzzy-matching', '-o', $merged, self::PO, $pot]);
            $untranslated = self::gettext(['msgattrib', '--untranslated', '--no-obsolete', $merged]);
            $fuzzy = self::gettext(['msgattrib', '--only-fuzzy', '--no-obsolete', $merged]);
        } finally {
            @unlink($pot);
            @unlink($merged);
        }
        preg_match_all('/^msgid "(.+)"$/m', $untranslated . $fuzzy, $m);
        $this->assertSame([], $m[1], 'strings without French');
        $this->assertGreaterThan(100, substr_count((string) file_get_contents(self::PO), 'msgid "'));
    }

    /** The translation functions xgettext looks for; `t` is ErrorMessages' own wrapper. */
    private const KEYWORDS = ['--keyword=__', '--keyword=_e', '--keyword=esc_html__', '--keyword=esc_html_e',
        '--keyword=esc_attr__', '--keyword=esc_attr_e', '--keyword=_n:1,2', '--keyword=_x:1,2c',
        '--keyword=esc_html_x:1,2c', '--keyword=esc_attr_x:1,2c', '--keyword=_nx:1,2,4c', '--keyword=t'];

    /** @return string[] */
    private static function phpFiles(): array
    {
        $files = [];
        foreach (new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator(self::PLUGIN)) as $file) {
            if ($file->getExtension() === 'php') {
                $files[] = $file->getPathname();
            }
        }
        sort($files);
        return $files;
    }

    /** @param string[] $command */
    private static function gettext(array $command): string
    {
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $out = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        if (proc_close($process) !== 0) {
            throw new \RuntimeException(implode(' ', array_slice($command, 0, 1)) . ' failed: ' . $err);
        }
        return $out;
    }

    public function testTheFrenchCatalogCompiles(): void
    {
        exec('msgfmt --check --output-file=/dev/null ' . escapeshellarg(self::PO) . ' 2>&1', $output, $status);
        $this->assertSame(0, $status, implode("\n", $output));
    }
}
