<?php

declare(strict_types=1);

namespace ShopcaisseSync\Tests;

use ShopcaisseSync\Engine;
use ShopcaisseSync\InvalidInputException;

/**
 * Bad input is refused with the same exception, code and message on both backends, and never
 * crashes PHP: nesting, recursion, UTF-8, NUL bytes, sizes.
 */
final class BadInputTest extends EngineTestCase
{
    private const DEEP = 'the value is nested too deeply';
    private const NOT_UTF8 = 'a string is not valid UTF-8';

    private function refused(callable $call, ?string $message = null): InvalidInputException
    {
        try {
            $call();
        } catch (InvalidInputException $e) {
            $this->assertSame(40, $e->getCode());
            if ($message !== null) {
                $this->assertSame($message, $e->getMessage());
            }
            return $e;
        }
        $this->fail('accepted');
    }

    private static function nested(int $depth): array
    {
        $value = [1];
        for ($i = 1; $i < $depth; $i++) {
            $value = [$value];
        }
        return $value;
    }

    public function testAnArrayNestedTensOfThousandsDeepIsRefusedNotACrash(): void
    {
        $engine = $this->engine();
        $this->refused(fn () => $engine->searchCatalog(['text' => self::nested(100_000)]), self::DEEP);
        $this->refused(fn () => $engine->searchCatalog(['text' => self::nested(64)]), self::DEEP);
        $this->assertSame(0, $engine->searchCatalog(['deep' => self::nested(10)])['total']);
    }

    public function testARecursiveArrayIsRefused(): void
    {
        $engine = $this->engine();
        $query = ['text' => 'x'];
        $query['self'] = &$query;
        $this->refused(fn () => $engine->searchCatalog($query), self::DEEP);
    }

    public function testAnArrayKeyThatIsNotUtf8IsRefused(): void
    {
        $engine = $this->engine();
        $this->refused(fn () => $engine->searchCatalog(["caf\xE9" => 1]), self::NOT_UTF8);
    }

    public function testAStringArgumentThatIsNotUtf8IsRefused(): void
    {
        $engine = $this->engine();
        $this->refused(fn () => $engine->catalogItem("caf\xE9"), self::NOT_UTF8);
    }

    public function testANulByteInAnArgumentIsRefused(): void
    {
        $engine = $this->engine();
        $e = $this->refused(fn () => $engine->catalogItem("item\0other"));
        $this->assertStringContainsString('NUL', $e->getMessage());
    }

    public function testANulByteInTheStateDirectoryIsRefusedNotCut(): void
    {
        $this->refused(
            fn () => new Engine(['test_hooks' => true], $this->stateDir . "\0/elsewhere"),
            'the state directory contains a NUL byte'
        );
    }

    public function testAHugeSearchTextIsRefusedAtOnce(): void
    {
        $engine = $this->engine();
        $started = microtime(true);
        $e = $this->refused(fn () => $engine->searchCatalog(['text' => str_repeat('a', 1_000_000)]));
        $this->assertStringContainsString('text', $e->getMessage());
        $this->assertLessThan(1.0, microtime(true) - $started);
        $this->refused(fn () => $engine->queryLogs(['text' => str_repeat('é', 201)]));
        $this->assertSame(0, $engine->searchCatalog(['text' => str_repeat('é', 200)])['total']);
    }

    public function testAHugeTextOrListAnywhereIsRefused(): void
    {
        $engine = $this->engine();
        $this->refused(fn () => $engine->link(str_repeat('a', 70_000), 5));
        $this->refused(fn () => $engine->searchCatalog(['ids' => range(1, 600_000)]));
    }
}
