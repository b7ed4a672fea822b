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
        $translations = self::readPo(self::PO);
        $missing = [];
        foreach (self::sourceStrings() as $english) {
            if (($translations[$english] ?? '') === '') {
                $missing[] = $english;
            }
        }
        $this->assertSame([], $missing);
    }

    public function testTheFrenchCatalogCompiles(): void
    {
        exec('msgfmt --check --output-file=/dev/null ' . escapeshellarg(self::PO) . ' 2>&1', $output, $status);
        $this->assertSame(0, $status, implode("\n", $output));
    }

    /** @return string[] every literal passed to a WordPress translation function in the plugin */
    private static function sourceStrings(): array
    {
        $strings = array_values(ErrorMessages::all());
        $files = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator(self::PLUGIN));
        foreach ($files as $file) {
            if ($file->getExtension() !== 'php') {
                continue;
            }
            $code = (string) file_get_contents($file->getPathname());
            preg_match_all("/\\b(?:__|esc_html__|esc_attr__|_e|esc_html_e)\\(\\s*'((?:[^'\\\\]|\\\\.)*)'\\s*,\\s*'shopcaisse-sync'/", $code, $m);
            foreach ($m[1] as $literal) {
                $strings[] = stripcslashes($literal);
            }
        }
        return array_values(array_unique($strings));
    }

    /** @return array<string,string> msgid => msgstr */
    private static function readPo(string $path): array
    {
        $entries = [];
        $text = (string) file_get_contents($path);
        preg_match_all('/^msgid "((?:[^"\\\\]|\\\\.)*)"\nmsgstr "((?:[^"\\\\]|\\\\.)*)"/m', $text, $m, PREG_SET_ORDER);
        foreach ($m as [, $id, $str]) {
            $entries[stripcslashes($id)] = stripcslashes($str);
        }
        return $entries;
    }
}
