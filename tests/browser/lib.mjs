// Helpers for the browser tests: configuration from the environment, the PHP checks (debug log,
// php-cli through wp-load.php), raw HTTP, screenshots and a small assertion toolkit.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '../..');

function env(name, fallback) {
  const value = process.env[name];
  if (value !== undefined && value !== '') {
    return value;
  }
  if (fallback === undefined) {
    throw new Error(`${name} is not set: run the browser tests with scripts/wp/browser-tests.sh`);
  }
  return fallback;
}

export const config = {
  siteUrl: env('SCS_SITE_URL').replace(/\/$/, ''),
  adminUser: env('SCS_ADMIN_USER'),
  adminPassword: env('SCS_ADMIN_PASSWORD'),
  sandboxUrl: env('SCS_SANDBOX_URL'),
  sandboxToken: env('SCS_SANDBOX_TOKEN', 'sandbox-demo-token'),
  wpDir: env('SCS_WP_DIR'),
  debugLog: env('SCS_DEBUG_LOG'),
  serverLog: env('SCS_SERVER_LOG', ''),
  extLib: env('SCS_EXT_LIB', ''),
  chromium: env('SCS_CHROMIUM', '/usr/lib/chromium/chromium'),
  nodeModules: env('SCS_NODE_MODULES', path.join(ROOT, 'target/node/node_modules')),
  workDir: env('SCS_BROWSER_DIR', path.join(ROOT, 'target/browser')),
  screenshots: env('SCS_SCREENSHOTS', path.join(ROOT, 'target/screenshots')),
  languages: env('SCS_LANGUAGES', 'en,fr').split(',').filter(Boolean),
  wordpressFrench: env('SCS_WP_FRENCH', '0') === '1',
  only: env('SCS_ONLY', ''),
};

export const SETTINGS_URL = `${config.siteUrl}/wp-admin/options-general.php?page=shopcaisse-sync`;
export const TABS = ['dashboard', 'configuration', 'orders', 'pos-products', 'shop-products', 'variations', 'logs'];

// ---------------------------------------------------------------------------------------------
// Assertions

export class AssertionError extends Error {}

export function assert(condition, message) {
  if (!condition) {
    throw new AssertionError(message);
  }
}

export function assertEqual(actual, expected, what) {
  if (actual !== expected) {
    throw new AssertionError(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// php-cli through wp-load.php (tests/browser/wp.php)

export function wp(...args) {
  const php = ['-d', 'memory_limit=512M'];
  if (config.extLib && fs.existsSync(config.extLib)) {
    php.push('-d', `extension=${config.extLib}`);
  }
  const out = execFileSync('php', [...php, path.join(HERE, 'wp.php'), config.wpDir, config.siteUrl, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30000,
  });
  const last = out.trim().split('\n').pop();
  return JSON.parse(last);
}

// ---------------------------------------------------------------------------------------------
// PHP notices, warnings and deprecations: the new entries of the debug log (and of the server's
// own output, where PHP writes what happens before WordPress sets its log up).

// WordPress's and WooCommerce's own notices, not the plugin's: tolerated unless they name
// shopcaisse-sync.
export const ALLOWED_PHP_ENTRIES = [
  {
    // WooCommerce 9.9.5 loads its translations before `init`; WordPress 6.7+ reports it.
    why: 'WooCommerce loads its text domain too early (WordPress 6.7+ notice)',
    pattern: /_load_textdomain_just_in_time.*<code>woocommerce<\/code> domain/s,
  },
];

const PHP_PROBLEM = /PHP (Notice|Warning|Deprecated|Fatal error|Parse error|Recoverable fatal error|Strict Standards)|Uncaught /;

export class LogWatch {
  constructor(file) {
    this.file = file;
    this.offset = this.size();
  }

  size() {
    try {
      return fs.statSync(this.file).size;
    } catch {
      return 0;
    }
  }

  /** The entries written since the last call: [{text, allowedBecause}] for PHP problems only. */
  take() {
    const size = this.size();
    if (size <= this.offset) {
      this.offset = size;
      return [];
    }
    const fd = fs.openSync(this.file, 'r');
    const buffer = Buffer.alloc(size - this.offset);
    fs.readSync(fd, buffer, 0, buffer.length, this.offset);
    fs.closeSync(fd);
    this.offset = size;
    const entries = [];
    for (const line of buffer.toString('utf8').split('\n')) {
      if (/^\[\d{2}-\w{3}-\d{4} [\d:]+ [^\]]*\] /.test(line) || entries.length === 0) {
        entries.push(line);
      } else {
        entries[entries.length - 1] += '\n' + line;
      }
    }
    return entries
      .filter((text) => PHP_PROBLEM.test(text))
      .map((text) => {
        const ours = /shopcaisse[-_]sync/i.test(text);
        const allowed = ours ? null : ALLOWED_PHP_ENTRIES.find((entry) => entry.pattern.test(text));
        return { text: text.trim(), allowedBecause: allowed ? allowed.why : null };
      });
  }
}

// ---------------------------------------------------------------------------------------------
// The browser console: errors fail a test, except failed off-site resources (the browser
// resolves nothing but 127.0.0.1).

export function watchConsole(page) {
  const errors = [];
  const origin = new URL(config.siteUrl).origin;
  const offSite = (url) => {
    try {
      return url !== '' && new URL(url).origin !== origin;
    } catch {
      return false;
    }
  };
  page.on('console', (message) => {
    if (message.type() !== 'error') {
      return;
    }
    const text = message.text();
    const where = message.location()?.url ?? '';
    if (/^Failed to load resource/.test(text) && (offSite(where) || /ERR_NAME_NOT_RESOLVED/.test(text))) {
      return;
    }
    errors.push(`console: ${text}${where ? ` (${where})` : ''}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Screenshots: wp-admin's sidebar is fixed, so a full-page shot is a viewport as tall as the page.

export async function screenshot(page, name) {
  fs.mkdirSync(config.screenshots, { recursive: true });
  await page.waitForLoadState('networkidle', { timeout: 2000 }).catch(() => {});
  const before = page.viewportSize();
  const height = await page.evaluate(() => Math.max(document.documentElement.scrollHeight, document.body.scrollHeight));
  await page.setViewportSize({ width: before.width, height: Math.min(Math.max(height, before.height), 16000) });
  const file = path.join(config.screenshots, `${name}.png`);
  await page.screenshot({ path: file });
  await page.setViewportSize(before);
  return file;
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP: the path goes out exactly as written (no `..` folding, no re-encoding).

export function rawGet(rawPath, { timeout = 15000 } = {}) {
  const url = new URL(config.siteUrl);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: url.hostname, port: url.port, method: 'GET', path: rawPath, agent: false, timeout },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`GET ${rawPath}: no answer in ${timeout} ms`)));
    request.on('error', reject);
    request.end();
  });
}

export async function httpGet(absoluteUrl) {
  const url = new URL(absoluteUrl);
  return rawGet(url.pathname + url.search);
}

/** The POST to admin-ajax.php carrying `action=NAME`. */
export function isAjaxAction(request, name) {
  if (!request.url().includes('admin-ajax.php') || request.method() !== 'POST') {
    return false;
  }
  const body = request.postData() ?? '';
  return new URLSearchParams(body).get('action') === name;
}
