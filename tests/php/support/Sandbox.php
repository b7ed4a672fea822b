<?php

declare(strict_types=1);

namespace ShopcaisseSync\Tests;

/**
 * The Shopcaisse sandbox server as a child process on loopback, shared by the whole suite:
 * started once, reset before each test that uses it, stopped when PHP exits.
 */
final class Sandbox
{
    public const TOKEN = 'sandbox-demo-token';

    private static ?self $instance = null;

    /** @var resource */
    private $process;

    private function __construct(private readonly string $root, $process)
    {
        $this->process = $process;
    }

    /** The running sandbox, started on first use; the test is skipped, saying why, without it. */
    public static function get(): self
    {
        if (self::$instance !== null) {
            return self::$instance;
        }
        $binary = getenv('SCS_SANDBOX_BIN') ?: '';
        if ($binary === '' || !is_executable($binary)) {
            throw new \RuntimeException('SCS_SANDBOX_BIN does not name the sandbox binary (make build-sandbox)');
        }
        $process = proc_open([$binary, '--port', '0'], [1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'a']], $pipes);
        if (!is_resource($process)) {
            throw new \RuntimeException('cannot start the sandbox');
        }
        $line = (string) fgets($pipes[1]);
        if (!preg_match('#^listening on (http://127\.0\.0\.1:\d+)#', $line, $m)) {
            proc_terminate($process);
            throw new \RuntimeException('the sandbox did not start: ' . $line);
        }
        self::$instance = new self($m[1], $process);
        register_shutdown_function(static function () use ($process): void {
            proc_terminate($process);
            proc_close($process);
        });
        return self::$instance;
    }

    /** The API base URL to give the engine. */
    public function baseUrl(): string
    {
        return $this->root . '/v1';
    }

    /** Back to the demo shop, every fault off, the request log empty. */
    public function reset(): void
    {
        $this->control('POST', 'reset');
    }

    /** @param array<string,mixed> $faults  Switches as documented in docs/sandbox.md (camelCase). */
    public function faults(array $faults): void
    {
        $this->control('POST', 'faults', $faults);
    }

    /** @return mixed The decoded JSON answer of a control route. */
    public function control(string $method, string $path, ?array $body = null): mixed
    {
        $context = stream_context_create(['http' => [
            'method' => $method,
            'header' => "Content-Type: application/json\r\n",
            'content' => $body === null ? '' : json_encode($body),
            'ignore_errors' => true,
            'timeout' => 10,
        ]]);
        $answer = file_get_contents($this->root . '/__sandbox/' . $path, false, $context);
        if ($answer === false) {
            throw new \RuntimeException("sandbox control $method $path failed");
        }
        return json_decode($answer, true);
    }
}
