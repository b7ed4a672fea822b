<?php

declare(strict_types=1);

namespace ShopcaisseSync\Tests;

use PHPUnit\Framework\TestCase;

/** The loaded Engine offers exactly the API of the IDE stubs: same methods, same parameter names. */
final class StubsTest extends TestCase
{
    public function testTheLoadedEngineMatchesTheStubs(): void
    {
        $stub = (string) file_get_contents(__DIR__ . '/../../../php-shim/stubs/shopcaisse_sync.stub.php');
        preg_match('/final class Engine\s*\{(.*?)\n\}/s', $stub, $body);
        preg_match_all('/public function (\w+)\(([^)]*)\)/', $body[1], $methods, PREG_SET_ORDER);
        $expected = [];
        foreach ($methods as [, $name, $params]) {
            preg_match_all('/\$(\w+)/', $params, $names);
            $expected[strtolower($name)] = $names[1];
        }

        $actual = [];
        $class = new \ReflectionClass(\ShopcaisseSync\Engine::class);
        foreach ($class->getMethods(\ReflectionMethod::IS_PUBLIC) as $method) {
            if ($method->getName() === '__destruct') {
                continue;
            }
            $actual[strtolower($method->getName())] = array_map(
                static fn (\ReflectionParameter $p) => $p->getName(),
                $method->getParameters()
            );
        }
        ksort($expected);
        ksort($actual);
        $this->assertSame($expected, $actual);
    }
}
