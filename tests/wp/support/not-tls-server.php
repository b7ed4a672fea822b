<?php
/**
 * A loopback server that answers every connection with plain text and closes it: to a client
 * starting TLS it is a server that does not speak TLS. Prints "listening on PORT", then serves
 * until killed (at most 60 s).
 */

declare(strict_types=1);

$server = stream_socket_server('tcp://127.0.0.1:0', $errno, $error);
if ($server === false) {
    fwrite(STDERR, "cannot listen: $error\n");
    exit(1);
}
$name = stream_socket_get_name($server, false);
echo 'listening on ', substr($name, strrpos($name, ':') + 1), "\n";
fflush(STDOUT);
$until = time() + 60;
while (time() < $until) {
    $client = @stream_socket_accept($server, 1);
    if ($client !== false) {
        fwrite($client, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        fclose($client);
    }
}
