<?php

declare(strict_types=1);

namespace ShopcaisseSync\Tests;

use ShopcaisseSync\Engine;
use ShopcaisseSync\Exception;
use ShopcaisseSync\InternalException;
use ShopcaisseSync\InvalidInputException;

final class ErrorsTest extends EngineTestCase
{
    private const KINDS = [
        'InvalidTokenException' => 10, 'OrderModuleMissingException' => 11,
        'PermissionDeniedException' => 12, 'NotFoundException' => 13, 'RateLimitedException' => 20,
        'ServerException' => 21, 'NetworkException' => 22, 'TimeoutException' => 23,
        'UnexpectedPayloadException' => 24, 'ConflictException' => 30,
        'InvalidInputException' => 40, 'StateException' => 50, 'BusyException' => 51,
        'NotConfiguredException' => 60, 'InternalException' => 99,
    ];

    public function testEveryKindHasItsOwnClassUnderTheBaseException(): void
    {
        $this->assertTrue(is_subclass_of(Exception::class, \Exception::class));
        foreach (array_keys(self::KINDS) as $short) {
            $class = 'ShopcaisseSync\\' . $short;
            $this->assertTrue(class_exists($class), $class);
            $this->assertSame(Exception::class, get_parent_class($class), $class);
        }
    }

    public function testAPanicInTheCoreBecomesAnInternalExceptionAndTheProcessGoesOn(): void
    {
        $engine = $this->engine();
        try {
            $engine->triggerPanicForTest('deliberate failure');
            $this->fail('no exception');
        } catch (InternalException $e) {
            $this->assertSame(self::KINDS['InternalException'], $e->getCode());
            $this->assertStringContainsString('deliberate failure', $e->getMessage());
        }
        // The same engine, and the process, keep working.
        $this->assertSame(self::backend(), $engine->diagnostics()['backend']);
        $this->assertSame([1, 2], $engine->roundTripForTest([1, 2]));
    }

    public function testTheTestHooksAreRefusedUnlessSwitchedOn(): void
    {
        $engine = new Engine([], $this->stateDir);
        $this->expectException(InvalidInputException::class);
        $engine->triggerPanicForTest('never');
    }

    public function testInvalidSettingsAreRefusedWithTheKeyNamed(): void
    {
        try {
            new Engine(['page_size' => 0], $this->stateDir);
            $this->fail('no exception');
        } catch (InvalidInputException $e) {
            $this->assertSame(40, $e->getCode());
            $this->assertStringContainsString('page_size', $e->getMessage());
        }
    }

    public function testAnIdThatWouldBreakAUrlIsRefused(): void
    {
        $this->expectException(InvalidInputException::class);
        new Engine(['store_id' => '../../admin'], $this->stateDir);
    }

    public function testAStringWhereAnArrayBelongsIsATypeErrorOnBothBackends(): void
    {
        $this->expectException(\TypeError::class);
        $this->engine()->searchCatalog('assiette');
    }

    public function testNullIsAcceptedWhereTheApiSaysNullable(): void
    {
        // Reaches the core (no TypeError): an empty catalog previews nothing.
        $preview = $this->engine()->previewImport([], null);
        $this->assertSame(0, $preview['counts']['products_to_create']);
    }

    public function testAnEmptyStateDirectoryIsRefused(): void
    {
        $this->expectException(InvalidInputException::class);
        new Engine([], '');
    }
}
