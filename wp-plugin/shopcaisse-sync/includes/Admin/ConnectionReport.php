<?php
/**
 * The engine's connection test turned into what the settings screen shows: a sentence in the
 * merchant's language (by error kind, never by message text), and the lists the selectors fill
 * from. Names are passed as data and shown as text by the script, never as HTML.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Admin;

use ShopcaisseSync\Plugin\ErrorMessages;

final class ConnectionReport
{
    /**
     * @param array<string,mixed> $report the engine's testConnection() answer
     * @return array<string,mixed>
     */
    public static function fromEngine(array $report): array
    {
        if (!$report['ok']) {
            $kind = (string) ($report['error']['kind'] ?? 'internal');
            if ($kind === 'network' && ($report['error']['cause'] ?? null) === 'tls') {
                return ['ok' => false, 'kind' => 'tls', 'message' => __('The secure connection to Shopcaisse failed (TLS): the certificate was refused or the address does not speak HTTPS. Check the API address and this server\'s certificate authorities.', 'shopcaisse-sync')];
            }
            return ['ok' => false, 'kind' => $kind, 'message' => ErrorMessages::forKind($kind)];
        }
        $companies = array_map(static fn (array $c) => ['id' => (string) $c['id'], 'name' => (string) ($c['name'] ?? $c['id'])], $report['companies']);
        $stores = array_map(static fn (array $s) => [
            'id' => (string) $s['id'],
            'name' => (string) ($s['name'] ?? $s['id']),
            'company_id' => isset($s['company_id']) ? (string) $s['company_id'] : null,
            'pos' => array_map(static fn (array $p) => ['id' => (string) $p['id'], 'name' => (string) ($p['name'] ?? $p['id'])], $s['pos'] ?? []),
        ], $report['stores']);
        $priceLists = array_map(static fn (array $l) => ['id' => (string) $l['id'], 'name' => (string) ($l['name'] ?? $l['id'])], $report['price_lists']);
        $warnings = [];
        foreach ($report['warnings'] ?? [] as $warning) {
            $kind = (string) ($warning['error']['kind'] ?? $warning['kind'] ?? 'internal');
            $warnings[] = ErrorMessages::forKind($kind);
        }
        // What the key cannot do for this configuration, said before the first order is blocked.
        foreach ($report['limitations'] ?? [] as $limitation) {
            $warnings[] = ($limitation['missing'] ?? '') === 'order_module'
                ? ErrorMessages::forKind('order_module_missing')
                : sprintf(
                    /* translators: %s: a Shopcaisse API permission, e.g. "orders:write" */
                    __('The access key lacks the %s permission: add it to the External Application in the Shopcaisse back office.', 'shopcaisse-sync'),
                    (string) ($limitation['missing'] ?? '')
                );
        }
        return [
            'ok' => true,
            'message' => self::reached($companies, $stores),
            'companies' => $companies,
            'stores' => $stores,
            'price_lists' => $priceLists,
            'warnings' => array_values(array_unique(array_filter($warnings))),
        ];
    }

    private static function reached(array $companies, array $stores): string
    {
        $names = static fn (array $rows) => implode(', ', array_column($rows, 'name'));
        return sprintf(
            /* translators: 1: company names, 2: number of stores, 3: store names */
            _n('Connected. Company: %1$s. %2$d store: %3$s.', 'Connected. Company: %1$s. %2$d stores: %3$s.', count($stores), 'shopcaisse-sync'),
            $companies === [] ? '—' : $names($companies),
            count($stores),
            $stores === [] ? '—' : $names($stores)
        );
    }
}
