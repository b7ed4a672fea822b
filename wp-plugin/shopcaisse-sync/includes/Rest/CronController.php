<?php
/**
 * The three cron URLs the Shopcaisse back office calls: shopcaisse-sync/v1/products, /stock and
 * /orders, by GET or POST, carrying the site's token (query parameter `token`, or the header
 * X-Shopcaisse-Sync-Token). A missing token answers 401, a wrong one 403, both with a body that
 * says nothing more. A right one runs the job within its budget and answers its short summary;
 * a job already running answers "busy" at once.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin\Rest;

use ShopcaisseSync\Plugin\Jobs\JobRunner;
use ShopcaisseSync\Plugin\Settings\CronToken;

final class CronController
{
    public const NAMESPACE = 'shopcaisse-sync/v1';

    public function __construct(private readonly JobRunner $runner)
    {
    }

    public function register(): void
    {
        add_action('rest_api_init', [$this, 'rest_api_init']);
    }

    public function rest_api_init(): void
    {
        foreach ($this->runner->names() as $job) {
            register_rest_route(self::NAMESPACE, '/' . $job, [
                'methods' => ['GET', 'POST'],
                'callback' => fn (\WP_REST_Request $request) => $this->run($job),
                'permission_callback' => [$this, 'authorize'],
                'args' => [],
            ]);
        }
    }

    /** The token, compared in constant time. */
    public function authorize(\WP_REST_Request $request): bool|\WP_Error
    {
        $given = $request->get_param('token');
        if ($given === null || $given === '') {
            $given = $request->get_header('x_shopcaisse_sync_token');
        }
        if ($given === null || $given === '') {
            return new \WP_Error('shopcaisse_sync_unauthorized', 'Unauthorized.', ['status' => 401]);
        }
        if (!CronToken::matches($given)) {
            return new \WP_Error('shopcaisse_sync_forbidden', 'Forbidden.', ['status' => 403]);
        }
        return true;
    }

    private function run(string $job): \WP_REST_Response
    {
        $answer = $this->runner->run($job);
        $status = $answer['status'] === 'failed' ? 500 : 200;
        $response = new \WP_REST_Response($answer, $status);
        $response->header('Cache-Control', 'no-store');
        return $response;
    }

    /** The URL to paste into the Shopcaisse back office for $job. */
    public static function url(string $job): string
    {
        return add_query_arg('token', rawurlencode(CronToken::get()), rest_url(self::NAMESPACE . '/' . $job));
    }
}
