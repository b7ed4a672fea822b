<?php

declare(strict_types=1);

namespace ShopcaisseSync\Tests;

use ShopcaisseSync\Engine;

/**
 * The stubs are the one declaration of the PHP API: each method's parameters (types, names,
 * defaults), its return type and, in `@return`, the shape of its answer. The loaded `Engine`
 * (native class or FFI shim, whichever this run loaded) must declare exactly the same, and its
 * real answers must have the documented shapes. The Rust dispatcher is checked against the same
 * file by `tests/method_table.rs`.
 */
final class StubsTest extends EngineTestCase
{
    /**
     * The stub's methods: name => [params => [[type, name, default]], returns, shape].
     *
     * @return array<string,array{params:list<array{0:string,1:string,2:?string}>,returns:string,shape:?string}>
     */
    private static function declared(): array
    {
        $stub = (string) file_get_contents(__DIR__ . '/../../../php-shim/stubs/shopcaisse_sync.stub.php');
        preg_match('/final class Engine\s*\{(.*?)\n\}/s', $stub, $body);
        preg_match_all(
            '~(?:/\*\*((?:(?!\*/).)*)\*/\s*)?public function (\w+)\(([^)]*)\)(?::\s*([?\w\\\\]+))?~s',
            $body[1],
            $methods,
            PREG_SET_ORDER
        );
        $declared = [];
        foreach ($methods as $m) {
            [, $doc, $name, $params] = $m;
            $params = trim($params) === '' ? [] : array_map(static function (string $p): array {
                preg_match('/^\s*([?\w\\\\]+)\s+\$(\w+)(?:\s*=\s*(.+?))?\s*$/', $p, $parts);
                return [$parts[1], $parts[2], $parts[3] ?? null];
            }, explode(',', $params));
            $shape = null;
            if (preg_match('/@return\s+((?:(?!@|\*\/).)*)/s', $doc, $ret)) {
                $shape = trim(preg_replace('/\s*\n\s*\*\s*/', ' ', $ret[1]));
            }
            $declared[$name] = ['params' => $params, 'returns' => $m[4] ?? '', 'shape' => $shape];
        }
        return $declared;
    }

    public function testTheLoadedEngineDeclaresWhatTheStubsDeclare(): void
    {
        $actual = [];
        $class = new \ReflectionClass(Engine::class);
        foreach ($class->getMethods(\ReflectionMethod::IS_PUBLIC) as $method) {
            if ($method->getName() === '__destruct') {
                continue;
            }
            $params = [];
            foreach ($method->getParameters() as $p) {
                $default = null;
                if ($p->isDefaultValueAvailable()) {
                    $default = strtolower(var_export($p->getDefaultValue(), true));
                }
                $params[] = [self::typeName($p->getType()), $p->getName(), $default];
            }
            $actual[$method->getName()] = [$params, $method->getName() === '__construct'
                ? '' : self::typeName($method->getReturnType())];
        }
        $expected = array_map(static fn (array $m) => [$m['params'], $m['returns']], self::declared());
        if (self::backend() === 'extension') {
            // The native class types a Zend value it reads itself as `mixed`: string arguments
            // (so a string that is not UTF-8 is an InvalidInputException on both backends, not a
            // TypeError here) and every answer. Only there may `mixed` stand for the stub's type.
            foreach ($expected as $name => [$params, $returns]) {
                foreach ($params as $i => $param) {
                    if (($actual[$name][0][$i][0] ?? null) === 'mixed') {
                        $expected[$name][0][$i][0] = 'mixed';
                    }
                }
                if (($actual[$name][1] ?? null) === 'mixed') {
                    $expected[$name][1] = 'mixed';
                }
            }
        }
        ksort($expected);
        ksort($actual);
        $this->assertSame($expected, $actual, 'the loaded Engine and the stubs disagree');
    }

    private static function typeName(?\ReflectionType $type): string
    {
        if ($type === null) {
            return '';
        }
        $name = (string) $type;
        // `?array` and `array|null` are one type; `mixed` already allows null.
        return str_ends_with($name, '|null') ? '?' . substr($name, 0, -5) : $name;
    }

    public function testEveryDocumentedShapeReads(): void
    {
        foreach (self::declared() as $name => $method) {
            if ($method['shape'] !== null) {
                $this->assertIsArray(Shape::parse($method['shape']), $name);
            }
        }
    }

    /** A call of every method, on the demo catalog, whose answer is checked against its shape. */
    public function testRealAnswersHaveTheDocumentedShapes(): void
    {
        Sandbox::get()->reset();
        $engine = $this->sandboxEngine(['test_hooks' => true]);
        $answers = [];
        $answers['version'] = $engine->version();
        $answers['diagnostics'] = $engine->diagnostics();
        $answers['testConnection'] = $engine->testConnection();
        $answers['refreshCatalog'] = $engine->refreshCatalog();
        $answers['searchCatalog'] = $engine->searchCatalog(['text' => 'assiette', 'per_page' => 5]);
        $plate = $engine->searchCatalog(['text' => 'ADM-PLT'])['rows'][0]['id'];
        $answers['catalogItem'] = $engine->catalogItem($plate);
        $products = [
            ['id' => 501, 'kind' => 'simple', 'sku' => 'ADM-PLT', 'name' => 'Assiette plate', 'on_sale' => true, 'published' => true],
            ['id' => 502, 'kind' => 'simple', 'sku' => 'X-1', 'name' => 'Assiette creuse', 'on_sale' => true, 'published' => true],
        ];
        $answers['planMatching'] = $engine->planMatching($products);
        $answers['suggestProducts'] = $engine->suggestProducts([$plate, 'no-such-item'], $products, 5);
        $answers['link'] = $engine->link($plate, 501);
        $answers['listLinks'] = $engine->listLinks(10);
        $answers['unlinkItem'] = $engine->unlinkItem($plate);
        $answers['unlinkProduct'] = $engine->unlinkProduct(501);
        $history = $engine->listLinks(10)['history'];
        $answers['restoreLink'] = $engine->restoreLink($history[0]['id']);
        $answers['applyMatching'] = $engine->applyMatching($products);
        $answers['previewImport'] = $engine->previewImport($products);
        $answers['planImport'] = $engine->planImport($products, []);
        $answers['reportImported'] = $engine->reportImported([]);
        $answers['planProductUpdates'] = $engine->planProductUpdates();
        $answers['planStock'] = $engine->planStock(false);
        $answers['reportStockApplied'] = $engine->reportStockApplied([]);
        $answers['heldStockRuns'] = $engine->heldStockRuns();
        $order = [
            'wc_order_id' => 7001, 'number' => '7001', 'status' => 'processing',
            'created_at_ms' => 1785578400000, 'currency' => 'EUR',
            'customer' => ['first_name' => 'Paul', 'last_name' => 'Martin', 'email' => 'paul@example.org', 'phone' => null],
            'lines' => [['wc_product_id' => 501, 'name' => 'Assiette plate', 'quantity' => '1',
                'unit_price_ttc' => 2490, 'total_ttc' => 2490]],
            'shipping' => [], 'fees' => [], 'payment_method_title' => 'Carte bancaire', 'total_ttc' => 2490,
        ];
        $answers['orderChanged'] = $engine->orderChanged($order);
        $answers['pushOrders'] = $engine->pushOrders(5);
        $answers['pushOrderNow'] = $engine->pushOrderNow($order);
        $answers['orderStates'] = $engine->orderStates([7001]);
        $answers['listOutbox'] = $engine->listOutbox([]);
        $answers['queryLogs'] = $engine->queryLogs(['per_page' => 5]);
        $answers['exportLogs'] = $engine->exportLogs([]);
        $started = $engine->startJob('stock', 60000);
        $answers['startJob'] = $started;
        $answers['finishJob'] = $engine->finishJob('stock', $started['run_id'], 'completed', ['writes' => 0]);
        $answers['jobHealth'] = $engine->jobHealth();
        $answers['dashboard'] = $engine->dashboard(7, 120);
        $answers['roundTripForTest'] = $engine->roundTripForTest(['a' => 1]);
        $answers['personalData'] = $engine->personalData('paul@example.org');
        $answers['erasePersonalData'] = $engine->erasePersonalData('paul@example.org');
        $answers['purgeLogs'] = $engine->purgeLogs();

        $problems = [];
        foreach (self::declared() as $name => $method) {
            if ($method['shape'] === null) {
                continue;
            }
            if (!array_key_exists($name, $answers)) {
                $problems[] = "$name: documented but not called here";
                continue;
            }
            foreach (Shape::problems(Shape::parse($method['shape']), $answers[$name]) as $problem) {
                $problems[] = "$name: $problem";
            }
        }
        $this->assertSame([], $problems, "answers that differ from the stubs' @return");
    }
}
