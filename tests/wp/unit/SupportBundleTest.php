<?php
/**
 * The support bundle: what it carries, who may download it, and the redaction sweep. Orders of
 * two buyers go through the core (one delivered, one blocked), with API traces on, then the ZIP
 * is opened and searched for every secret and personal value the site and the sandbox hold.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Tests\WordPress;

use ShopcaisseSync\Plugin\Admin\LogsTab;
use ShopcaisseSync\Plugin\Settings\CronToken;
use ShopcaisseSync\Tests\Sandbox;

require_once __DIR__ . '/../support/OrderFixtures.php';

final class SupportBundleTest extends PluginTestCase
{
    use OrderFixtures;

    /** The second buyer, every field distinct from the first. */
    private const LEON = [
        'first_name' => 'Léonard', 'last_name' => 'Dupuis-Grange', 'email' => 'leon.dupuis@exemple.com',
        'phone' => '+33 7 11 22 33 44', 'address_1' => '12 avenue Foch', 'postcode' => '75016', 'city' => 'Villeurbanne',
    ];

    /** @return array<string,string> file name => content, from the ZIP the admin-post action sends */
    private function download(): array
    {
        $_REQUEST['_wpnonce'] = $_GET['_wpnonce'] = wp_create_nonce(LogsTab::NONCE_ACTION);
        ob_start();
        try {
            $this->plugin()->logs->supportBundle(static function (): void {
            });
        } finally {
            $zip = (string) ob_get_clean();
        }
        $this->assertStringStartsWith("PK\x03\x04", $zip, 'a ZIP file');
        $path = wp_tempnam('bundle.zip');
        file_put_contents($path, $zip);
        $archive = new \ZipArchive();
        $this->assertTrue($archive->open($path));
        $files = [];
        for ($i = 0; $i < $archive->numFiles; $i++) {
            $name = (string) $archive->getNameIndex($i);
            $files[basename($name)] = (string) $archive->getFromIndex($i);
        }
        $archive->close();
        unlink($path);
        return $files;
    }

    public function test_the_bundle_carries_the_diagnosis_and_no_secret_or_personal_value(): void
    {
        $this->configureOrders(['debug' => true]);
        $plate = $this->product('Assiette plate', '24.90', self::PLATE);
        $honey = $this->product('Miel de lavande', '8.90');
        $this->paidOrder([[$plate, 1]]);
        $this->paidOrder([[$honey, 1]], 'processing', static function (\WC_Order $order): void {
            foreach (self::LEON as $field => $value) {
                $order->{"set_billing_$field"}($value);
            }
            $order->set_customer_note('Sonner chez Léonard, code 4512B');
        });
        $this->runPushAction();
        $this->plugin()->jobs->run('stock', 60.0);
        CronToken::get();
        $this->loginAs('administrator');

        $files = $this->download();
        $this->assertSame(['README.txt', 'environment.json', 'settings.json', 'jobs.json', 'logs.json', 'outbox.json', 'held-stock-runs.json'], array_keys($files));
        $env = json_decode($files['environment.json'], true);
        $this->assertSame(PHP_VERSION, $env['php_version']);
        $this->assertSame(WC_VERSION, $env['woocommerce_version']);
        $this->assertSame(SHOPCAISSE_SYNC_VERSION, $env['library']['version'] ?? SHOPCAISSE_SYNC_VERSION);
        $this->assertArrayHasKey('backend', $env['library']);
        $settings = json_decode($files['settings.json'], true);
        $this->assertSame('WEB-', $settings['order_prefix']);
        $this->assertArrayNotHasKey('token', $settings);
        $outbox = json_decode($files['outbox.json'], true);
        $this->assertSame(1, $outbox['counts']['pushed'] ?? null, $files['outbox.json']);
        $this->assertSame(1, $outbox['counts']['blocked'] ?? null, $files['outbox.json']);
        $logs = json_decode($files['logs.json'], true);
        $this->assertNotEmpty($logs['rows']);
        $this->assertContains('api_trace', array_column($logs['rows'], 'operation'), 'debug traces are carried');
        $jobs = json_decode($files['jobs.json'], true);
        $this->assertContains('stock', array_column($jobs['jobs'], 'job'));

        $all = implode("\n", $files);
        $secrets = [Sandbox::TOKEN, CronToken::get(), DB_PASSWORD];
        $personal = ['Jeanne', 'Martin', 'jeanne@example.fr', '06 00 00 00 00', '0600000000', '3 rue des Mûriers', '69001',
            'Sonner chez', '4512B', '+33600000000'];
        foreach (self::LEON as $value) {
            $personal[] = $value;
        }
        foreach (array_merge($secrets, $personal) as $value) {
            if ($value === '') {
                continue;
            }
            foreach (array_unique([$value, rawurlencode($value), json_encode($value, JSON_UNESCAPED_UNICODE), json_encode($value)]) as $form) {
                $form = trim((string) $form, '"');
                $this->assertStringNotContainsStringIgnoringCase($form, $all, "the bundle holds \"$form\"");
            }
        }
        $this->assertStringContainsString('[personal]', $all, 'what was taken out is marked');
    }

    public function test_only_a_manager_with_the_nonce_gets_the_bundle(): void
    {
        $this->configureForSandbox();
        $this->loginAs('subscriber');
        try {
            $this->download();
            $this->fail('a subscriber got the bundle');
        } catch (\WPDieException $e) {
            $this->assertStringContainsString('not allowed', $e->getMessage());
        }
        $this->loginAs('administrator');
        $_REQUEST['_wpnonce'] = $_GET['_wpnonce'] = 'forged';
        ob_start();
        try {
            $this->plugin()->logs->supportBundle(static function (): void {
            });
            $this->fail('a forged nonce got the bundle');
        } catch (\WPDieException $e) {
            $this->assertNotSame('', $e->getMessage());
        } finally {
            $this->assertSame('', (string) ob_get_clean());
        }
    }
}
