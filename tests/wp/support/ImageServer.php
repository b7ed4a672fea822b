<?php
/**
 * Images for the import tests, served on loopback by `php -S` from a temp folder: never from the
 * internet. Images are small PNGs made with GD, different by their colour.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

final class ImageServer
{
    private static ?self $instance = null;
    /** @var resource */
    private $process;
    public readonly string $dir;
    public readonly int $port;

    private function __construct()
    {
        $this->dir = sys_get_temp_dir() . '/scs-images-' . getmypid();
        if (!is_dir($this->dir)) {
            mkdir($this->dir);
        }
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $this->port = (int) substr(strrchr(stream_socket_get_name($socket, false), ':'), 1);
        fclose($socket);
        $this->process = proc_open(
            [PHP_BINARY, '-S', '127.0.0.1:' . $this->port, '-t', $this->dir],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
            $pipes
        );
        for ($i = 0; $i < 100; $i++) {
            $probe = @fsockopen('127.0.0.1', $this->port);
            if ($probe) {
                fclose($probe);
                break;
            }
            usleep(20000);
        }
        register_shutdown_function(function (): void {
            proc_terminate($this->process);
            array_map('unlink', glob($this->dir . '/*') ?: []);
            @rmdir($this->dir);
        });
    }

    public static function get(): self
    {
        return self::$instance ??= new self();
    }

    /** Writes a PNG of one colour under $name and answers its address. */
    public function image(string $name, int $rgb): string
    {
        $image = imagecreatetruecolor(8, 8);
        imagefill($image, 0, 0, $rgb);
        imagepng($image, $this->dir . '/' . $name);
        return $this->url($name);
    }

    public function url(string $name): string
    {
        return 'http://127.0.0.1:' . $this->port . '/' . $name;
    }
}
