<?php

declare(strict_types=1);

namespace ShopcaisseSync\Tests;

/**
 * The answer shapes the stubs document, in PHPStan's notation (`array{a:int,b?:?string}`,
 * `list<T>`, `array<K,V>`, `T|U`, `?T`), read and checked against real answers. A shape is
 * sealed: a key the answer has and the shape does not document is a disagreement too.
 */
final class Shape
{
    private int $at = 0;

    private function __construct(private readonly string $text)
    {
    }

    /** The parsed form of a shape: a tree of ['kind' => ..., ...] nodes. */
    public static function parse(string $text): array
    {
        $parser = new self(preg_replace('/\s+/', '', $text));
        $node = $parser->union();
        if ($parser->at !== strlen($parser->text)) {
            throw new \LogicException("unreadable shape at {$parser->at}: {$text}");
        }
        return $node;
    }

    /**
     * Why `$value` does not have the shape, one line per disagreement, each with its path
     * (`$.suggestions.<id>[0].wc_id`); empty when it has it.
     *
     * @return list<string>
     */
    public static function problems(array $shape, mixed $value, string $path = '$'): array
    {
        switch ($shape['kind']) {
            case 'union':
                $all = [];
                foreach ($shape['of'] as $option) {
                    $found = self::problems($option, $value, $path);
                    if ($found === []) {
                        return [];
                    }
                    $all[] = implode('; ', $found);
                }
                return ["$path: none of the alternatives fits (" . implode(' | ', $all) . ')'];
            case 'scalar':
                return self::scalar($shape['name'], $value) ? [] : ["$path: not {$shape['name']}: " . self::show($value)];
            case 'list':
                if (!is_array($value) || !array_is_list($value)) {
                    return ["$path: not a list: " . self::show($value)];
                }
                $problems = [];
                foreach ($value as $i => $item) {
                    array_push($problems, ...self::problems($shape['of'], $item, "{$path}[$i]"));
                }
                return $problems;
            case 'map':
                if (!is_array($value)) {
                    return ["$path: not an array: " . self::show($value)];
                }
                $problems = [];
                foreach ($value as $key => $item) {
                    array_push($problems, ...self::problems($shape['key'], $key, "$path.<key>"));
                    array_push($problems, ...self::problems($shape['of'], $item, "$path.$key"));
                }
                return $problems;
            case 'object':
                if (!is_array($value) || ($value !== [] && array_is_list($value))) {
                    return ["$path: not a keyed array: " . self::show($value)];
                }
                $problems = [];
                foreach ($shape['fields'] as $key => [$optional, $field]) {
                    if (!array_key_exists($key, $value)) {
                        if (!$optional) {
                            $problems[] = "$path.$key: missing";
                        }
                        continue;
                    }
                    array_push($problems, ...self::problems($field, $value[$key], "$path.$key"));
                }
                foreach (array_diff_key($value, $shape['fields']) as $key => $_) {
                    $problems[] = "$path.$key: not documented";
                }
                return $problems;
        }
        throw new \LogicException('unknown shape kind ' . $shape['kind']);
    }

    private static function scalar(string $name, mixed $value): bool
    {
        return match ($name) {
            'mixed' => true,
            'null' => $value === null,
            'string' => is_string($value),
            'int' => is_int($value),
            'float' => is_float($value) || is_int($value),
            'bool' => is_bool($value),
            'array' => is_array($value),
            default => throw new \LogicException("unknown type $name"),
        };
    }

    private static function show(mixed $value): string
    {
        $text = json_encode($value);
        return strlen((string) $text) > 120 ? substr((string) $text, 0, 120) . '…' : (string) $text;
    }

    private function union(): array
    {
        $options = [$this->single()];
        while ($this->eat('|')) {
            $options[] = $this->single();
        }
        return count($options) === 1 ? $options[0] : ['kind' => 'union', 'of' => $options];
    }

    private function single(): array
    {
        if ($this->eat('?')) {
            return ['kind' => 'union', 'of' => [['kind' => 'scalar', 'name' => 'null'], $this->single()]];
        }
        $name = $this->word();
        if ($name === 'list' && $this->eat('<')) {
            $of = $this->union();
            $this->expect('>');
            return ['kind' => 'list', 'of' => $of];
        }
        if ($name === 'array' && $this->eat('<')) {
            $first = $this->union();
            if ($this->eat(',')) {
                $of = $this->union();
                $this->expect('>');
                return ['kind' => 'map', 'key' => $first, 'of' => $of];
            }
            $this->expect('>');
            return ['kind' => 'map', 'key' => ['kind' => 'scalar', 'name' => 'mixed'], 'of' => $first];
        }
        if ($name === 'array' && $this->eat('{')) {
            $fields = [];
            while (!$this->eat('}')) {
                $key = $this->word();
                $optional = $this->eat('?');
                $this->expect(':');
                $fields[$key] = [$optional, $this->union()];
                $this->eat(',');
            }
            return ['kind' => 'object', 'fields' => $fields];
        }
        return ['kind' => 'scalar', 'name' => $name];
    }

    private function word(): string
    {
        if (!preg_match('/\G[A-Za-z_][A-Za-z0-9_]*/', $this->text, $m, 0, $this->at)) {
            throw new \LogicException("a name expected at {$this->at}: {$this->text}");
        }
        $this->at += strlen($m[0]);
        return $m[0];
    }

    private function eat(string $char): bool
    {
        if (($this->text[$this->at] ?? '') === $char) {
            $this->at++;
            return true;
        }
        return false;
    }

    private function expect(string $char): void
    {
        if (!$this->eat($char)) {
            throw new \LogicException("'$char' expected at {$this->at}: {$this->text}");
        }
    }
}
