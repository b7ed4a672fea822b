<?php

declare(strict_types=1);

namespace ShopcaisseSync\Tests;

use ShopcaisseSync\InvalidInputException;

/** Values cross the boundary identically on both backends, as json_decode(…, true) would give them. */
final class BoundaryTest extends EngineTestCase
{
    /** @return array<string,array{mixed}> */
    public static function values(): array
    {
        return [
            'null' => [null],
            'booleans' => [[true, false]],
            'integers' => [[0, -1, PHP_INT_MAX, PHP_INT_MIN]],
            'floats' => [[1.5, -0.25, 1.0e-9]],
            'unicode text' => ['Thé vert « bio » — 500 g 🍵'],
            'html kept as text' => ['<b>Assiette</b> & <script>x</script>'],
            'empty array' => [[]],
            'list' => [['a', 'b', 'c']],
            'map' => [['sku' => 'ADM-PLT', 'price' => 2490, 'tags' => ['a' => 1]]],
            'numeric string keys become integer keys' => [[10 => 'x', 42 => 'y']],
            'nested' => [['lines' => [['qty' => '0.355', 'item' => null]], 'meta' => ['deep' => [[[]]]]]],
        ];
    }

    /** @dataProvider values */
    public function testAValueComesBackUnchanged(mixed $value): void
    {
        $this->assertSame($value, $this->engine()->roundTripForTest($value));
    }

    public function testAListWithHolesComesBackAsAMap(): void
    {
        $this->assertSame([1 => 'b', 3 => 'd'], $this->engine()->roundTripForTest([1 => 'b', 3 => 'd']));
    }

    public function testInvalidUtf8IsRefusedNotMangled(): void
    {
        $this->expectException(InvalidInputException::class);
        $this->engine()->roundTripForTest(["name" => "caf\xe9"]);
    }

    public function testObjectsAreRefused(): void
    {
        $this->expectException(InvalidInputException::class);
        $this->engine()->roundTripForTest(['nested' => new \ArrayObject([1])]);
    }

    public function testNotANumberIsRefused(): void
    {
        $this->expectException(InvalidInputException::class);
        $this->engine()->roundTripForTest([NAN]);
    }
}
