<?php

declare(strict_types=1);

namespace ShopcaisseSync\Tests;

final class EngineBasicsTest extends EngineTestCase
{
    public function testVersionIsTheCargoPackageVersion(): void
    {
        $cargo = (string) file_get_contents(__DIR__ . '/../../../Cargo.toml');
        preg_match('/^version = "([^"]+)"/m', $cargo, $m);
        $this->assertSame($m[1], $this->engine()->version());
    }

    public function testDiagnosticsNameTheBackendInUse(): void
    {
        $diagnostics = $this->engine()->diagnostics();
        $this->assertSame(self::backend(), $diagnostics['backend']);
        $this->assertSame(1, $diagnostics['abi_version']);
        $this->assertSame($this->stateDir, $diagnostics['state_dir']);
    }

    public function testTheExtensionSaysWhichPhpItWasBuiltForAndTheFfiLibraryNone(): void
    {
        $diagnostics = $this->engine()->diagnostics();
        if (self::backend() === 'extension') {
            $this->assertSame(PHP_VERSION, $diagnostics['built_for_php']);
            $this->assertSame((bool) PHP_ZTS, $diagnostics['built_for_zts']);
        } else {
            $this->assertNull($diagnostics['built_for_php']);
            $this->assertNull($diagnostics['built_for_zts']);
        }
    }

    public function testDiagnosticsNeverPrintTheToken(): void
    {
        $diagnostics = $this->engine(['token' => 'eyJ.secret-app-token'])->diagnostics();
        $this->assertStringNotContainsString('secret-app-token', json_encode($diagnostics));
        $this->assertTrue($diagnostics['token_set']);
    }

    public function testSettingsSavedByHtmlFormsAreAccepted(): void
    {
        $engine = $this->engine(['page_size' => '25', 'debug' => '1', 'base_url' => 'http://127.0.0.1:9/v1']);
        $this->assertSame('http://127.0.0.1:9/v1', $engine->diagnostics()['base_url']);
    }
}
