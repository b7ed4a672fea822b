// Browser tests of Settings > Shopcaisse Sync in headless Chromium: one browser, one login reused
// through storageState, the tests one after another in English then in French. Prints
// `N passed, N failed` last and exits non-zero on any failure.
//
// Run through scripts/wp/browser-tests.sh, which installs and serves the site and the sandbox.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AssertionError, config, LogWatch, SETTINGS_URL, watchConsole, wp } from './lib.mjs';
import { DASHBOARD_TESTS } from './dashboard.mjs';
import { HTTP_TESTS } from './http.mjs';
import { ORDER_TESTS } from './orders.mjs';
import { PRODUCT_TESTS } from './products.mjs';
import { TESTS as SETTINGS_TESTS } from './tests.mjs';

// The settings screens first (they start from the defaults), then the product tabs, the orders,
// and the orders over plain HTTP. A test marked `once` checks no screen text: it runs in the first language only.
const TESTS = [...SETTINGS_TESTS, ...PRODUCT_TESTS, ...ORDER_TESTS, ...DASHBOARD_TESTS, ...HTTP_TESTS];

const require = createRequire(path.join(config.nodeModules, 'noop.js'));
const { chromium } = require('playwright-core');

const LOCALES = { en: 'en_US', fr: 'fr_FR' };
const TEST_TIMEOUT_MS = 90000;
const started = Date.now();
const seconds = (ms) => (ms / 1000).toFixed(1);

fs.mkdirSync(config.workDir, { recursive: true });
const pidFile = path.join(config.workDir, 'chromium.pid');
const storageFile = path.join(config.workDir, 'admin-storage.json');

const server = await chromium.launchServer({
  executablePath: config.chromium,
  headless: true,
  args: [
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    '--disable-dev-shm-usage',
    '--disable-gpu',
    '--no-first-run',
    '--no-default-browser-check',
  ],
});
// The launcher's cleanup may not run if node itself is killed: browser-tests.sh ends this
// process group on exit whatever happens.
fs.writeFileSync(pidFile, String(server.process().pid));
const browser = await chromium.connect(server.wsEndpoint());

const logs = [new LogWatch(config.debugLog)];
if (config.serverLog) {
  logs.push(new LogWatch(config.serverLog));
}
let passed = 0;
let failed = 0;

async function shutdown() {
  await browser.close().catch(() => {});
  await server.close().catch(() => {});
  fs.rmSync(pidFile, { force: true });
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => shutdown().finally(() => process.exit(130)));
}

async function newContext(extra = {}) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    baseURL: config.siteUrl,
    ...extra,
  });
  context.setDefaultTimeout(20000);
  context.setDefaultNavigationTimeout(30000);
  return context;
}

async function logIn() {
  const context = await newContext();
  const page = await context.newPage();
  await page.goto(`${config.siteUrl}/wp-login.php`, { waitUntil: 'domcontentloaded' });
  await page.fill('#user_login', config.adminUser);
  await page.fill('#user_pass', config.adminPassword);
  await Promise.all([page.waitForURL(/\/wp-admin\//, { waitUntil: 'domcontentloaded' }), page.click('#wp-submit')]);
  await page.waitForSelector('#wpadminbar');
  await context.storageState({ path: storageFile });
  await context.close();
}

function report(ok, label, ms, details = []) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label} (${seconds(ms)} s)`);
  for (const detail of details) {
    console.log(`       ${detail.replaceAll('\n', '\n       ')}`);
  }
}

async function runTest(context, lang, test) {
  const label = `[${lang}] ${test.name}`;
  const t0 = Date.now();
  const page = await context.newPage();
  const consoleErrors = watchConsole(page);
  const notes = [];
  logs.forEach((log) => log.take());
  const problems = [];
  let timer;
  try {
    await Promise.race([
      test.run({ page, context, lang, note: (text) => notes.push(`note: ${text}`) }),
      new Promise((_, reject) => {
        const limit = test.timeoutMs ?? TEST_TIMEOUT_MS;
        timer = setTimeout(() => reject(new Error(`timed out after ${limit / 1000} s`)), limit);
      }),
    ]);
  } catch (error) {
    problems.push(AssertionError.prototype.isPrototypeOf(error) ? error.message : (error.stack ?? String(error)).split('\n').slice(0, 4).join('\n'));
    const shot = path.join(config.screenshots, `failed-${lang}-${test.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`);
    await page.screenshot({ path: shot, fullPage: true }).then(() => notes.push(`screenshot: ${shot}`), () => {});
  } finally {
    clearTimeout(timer);
  }
  // Let late console messages and log lines of the last request arrive.
  await page.waitForTimeout(150).catch(() => {});
  await page.close().catch(() => {});
  problems.push(...consoleErrors);
  const phpProblems = new Map();
  for (const log of logs) {
    for (const entry of log.take()) {
      if (entry.allowedBecause) {
        notes.push(`allowed PHP notice (${entry.allowedBecause})`);
      } else {
        // Without its timestamp, counted: the same notice on every request is one problem.
        const text = entry.text.replace(/^\[[^\]]*\] /, '').split('\n').slice(0, 3).join('\n');
        phpProblems.set(text, (phpProblems.get(text) ?? 0) + 1);
      }
    }
  }
  for (const [text, count] of phpProblems) {
    problems.push(`${count > 1 ? `${count} × ` : ''}${text}`);
  }
  const ok = problems.length === 0;
  if (ok) {
    passed += 1;
  } else {
    failed += 1;
  }
  report(ok, label, Date.now() - t0, [...problems, ...[...new Set(notes)]]);
}

try {
  const t0 = Date.now();
  await logIn();
  report(true, 'logged in as the administrator', Date.now() - t0);
  for (const lang of config.languages) {
    wp('locale', config.adminUser, LOCALES[lang] ?? lang);
    wp('reset');
    const context = await newContext({ storageState: storageFile });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(SETTINGS_URL).origin });
    for (const test of TESTS) {
      if ((config.only && !config.only.split('|').some((part) => test.name.includes(part))) || (test.once && lang !== config.languages[0])) {
        continue;
      }
      await runTest(context, lang, test);
    }
    await context.close();
  }
} catch (error) {
  failed += 1;
  console.log(`FAIL the run stopped: ${(error.stack ?? String(error)).split('\n').slice(0, 5).join('\n')}`);
} finally {
  await shutdown();
}
const whole = process.env.SCS_RUN_STARTED_MS ? `, ${seconds(Date.now() - Number(process.env.SCS_RUN_STARTED_MS))} s with the site install` : '';
console.log(`Screenshots in ${path.relative(process.cwd(), config.screenshots) || '.'}; ${seconds(Date.now() - started)} s in the browser${whole}.`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
