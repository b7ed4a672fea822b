<?php
/**
 * The composition root: builds the plugin's services once the core is loaded and WooCommerce is
 * active, and registers their hooks. Nothing else creates services.
 */

declare(strict_types=1);

namespace ShopcaisseSync\Plugin;

use ShopcaisseSync\Plugin\Admin\Ajax;
use ShopcaisseSync\Plugin\Admin\ConfigurationsTab;
use ShopcaisseSync\Plugin\Admin\LogsTab;
use ShopcaisseSync\Plugin\Admin\OrdersTab;
use ShopcaisseSync\Plugin\Admin\SettingsPage;
use ShopcaisseSync\Plugin\Cli\Commands;
use ShopcaisseSync\Plugin\Core\EngineFactory;
use ShopcaisseSync\Plugin\Jobs\JobRunner;
use ShopcaisseSync\Plugin\Jobs\OrdersJob;
use ShopcaisseSync\Plugin\Jobs\ProductsJob;
use ShopcaisseSync\Plugin\Jobs\StockJob;
use ShopcaisseSync\Plugin\Orders\OrderHooks;
use ShopcaisseSync\Plugin\Orders\OrderScreen;
use ShopcaisseSync\Plugin\Orders\OrdersList;
use ShopcaisseSync\Plugin\Orders\OrderSync;
use ShopcaisseSync\Plugin\Rest\CronController;
use ShopcaisseSync\Plugin\Schedule\FallbackSchedule;

final class Plugin
{
    /** The Shopcaisse API used when the settings name no other address (the core's default). */
    public const DEFAULT_BASE_URL = 'https://api.shop-caisse.com/v1';

    private static ?self $instance = null;

    public readonly EngineFactory $engines;
    public readonly JobRunner $jobs;
    public readonly FallbackSchedule $schedule;
    public readonly OrderSync $orders;
    public readonly LogsTab $logs;

    private function __construct(private readonly string $backend)
    {
        $this->engines = new EngineFactory();
        $this->orders = new OrderSync($this->engines);
        $this->logs = new LogsTab($this->engines);
        $this->jobs = new JobRunner($this->engines, [new ProductsJob(), new StockJob(), new OrdersJob(20, $this->orders->recordDeliveries(...))]);
        $this->schedule = new FallbackSchedule($this->jobs);
    }

    /** Builds the services and hooks them in; once. */
    public static function boot(string $backend): self
    {
        if (self::$instance !== null) {
            return self::$instance;
        }
        $plugin = self::$instance = new self($backend);
        $plugin->hook();
        return $plugin;
    }

    /** The booted plugin, or null when the bootstrap stopped (no backend, no WooCommerce). */
    public static function instance(): ?self
    {
        return self::$instance;
    }

    /** extension or ffi. */
    public function backend(): string
    {
        return $this->backend;
    }

    private function hook(): void
    {
        (new CronController($this->jobs))->register();
        $this->schedule->register();
        (new Alerts\AlertMailer($this->engines))->register();
        (new Privacy\PrivacyTools($this->engines))->register();
        Commands::register($this->jobs, $this->engines, $this->orders);
        add_action('update_option_' . Settings\Options::OPTION, fn () => $this->engines->reset());
        // Their hooks fire only on admin screens and admin-ajax.php; registering them everywhere
        // keeps one path for the screens and the tests.
        (new SettingsPage(fn () => $this->tabs(), plugin_dir_url(SHOPCAISSE_SYNC_FILE) . 'assets/'))->register();
        (new Ajax($this->engines))->register();
        (new OrderHooks($this->orders))->register();
        (new OrderScreen($this->orders, plugin_dir_url(SHOPCAISSE_SYNC_FILE) . 'assets/'))->register();
        (new OrdersList())->register();
        $this->logs->register();
        Products\WeighedDisplay::register();
        $this->registerProducts();
    }

    /** The product tabs' actions and script, and the background bulk import. */
    private function registerProducts(): void
    {
        $bulk = new Products\BulkImport($this->engines);
        $bulk->register();
        (new Admin\ProductsAjax($this->engines, $bulk))->register();
        (new Admin\ProductsAssets(plugin_dir_url(SHOPCAISSE_SYNC_FILE) . 'assets/'))->register();
        Admin\PosProductsTable::registerScreenOption();
        add_action('admin_post_' . Admin\ShopProductsTab::EXPORT_ACTION, fn () => (new Admin\ShopProductsTab($this->engines))->export());
    }

    /** @return array<string,Admin\Tab> */
    private function tabs(): array
    {
        return [
            'dashboard' => new Dashboard\DashboardTab($this->engines),
            'configuration' => new ConfigurationsTab($this->engines),
            'orders' => new OrdersTab(),
            'pos-products' => new Admin\PosProductsTab($this->engines),
            'shop-products' => new Admin\ShopProductsTab($this->engines),
            'variations' => new Admin\VariationsTab($this->engines),
            'logs' => $this->logs,
        ];
    }
}
