// The tests of Settings > Shopcaisse Sync, run once per language. Each gets a fresh page of a
// logged-in context; the runner fails it on any console error or new PHP notice as well.
import fs from 'node:fs';
import path from 'node:path';
import {
  assert, assertEqual, config, httpGet, isAjaxAction, rawGet, screenshot, SETTINGS_URL, TABS, wp,
} from './lib.mjs';
import { INVALID_KEY, poKey, poTranslations, SCREEN_TEXTS, WORDPRESS_FRENCH } from './strings.mjs';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const SELECTS = ['#scs-company', '#scs-store', '#scs-pos', '#scs-price-list'];
/** What each built tab shows; the others show their placeholder. */
const TAB_CONTENT = {
  dashboard: '#scs-dashboard',
  configuration: '#shopcaisse-sync-settings',
  orders: '#shopcaisse-sync-orders-settings',
  logs: '.scs-log-filters',
  'pos-products': '#scs-pos-products',
  'shop-products': '#scs-shop-products',
  variations: '#scs-variations',
};

async function openTab(page, slug) {
  const response = await page.goto(`${SETTINGS_URL}&tab=${slug}`, { waitUntil: 'domcontentloaded' });
  assertEqual(response.status(), 200, `HTTP status of the ${slug} tab`);
  await page.waitForSelector(`.wrap.shopcaisse-sync .nav-tab-active[data-tab="${slug}"]`);
}

/** Clicks Test the connection and waits for its answer; returns data-outcome. */
async function testConnection(page) {
  await page.evaluate(() => document.getElementById('scs-connection-result').removeAttribute('data-outcome'));
  const answered = page.waitForResponse((response) => isAjaxAction(response.request(), 'shopcaisse_sync_test_connection'));
  await page.click('#scs-test-connection');
  await answered;
  await page.waitForSelector('#scs-connection-result[data-outcome]');
  return page.getAttribute('#scs-connection-result', 'data-outcome');
}

async function optionCount(page, selector) {
  return page.$$eval(`${selector} option`, (options) => options.length);
}

/** Waits for the connection test the page runs by itself when a key is saved. */
async function quietTest(page) {
  await page.waitForSelector('#scs-connection-result[data-outcome]', { timeout: 20000 });
}

export const TESTS = [
  {
    name: 'every tab opens, without console error or PHP notice',
    async run({ page, lang }) {
      for (const slug of TABS) {
        await openTab(page, slug);
        const tabs = await page.$$eval('.nav-tab-wrapper .nav-tab', (links) => links.map((a) => a.getAttribute('data-tab')));
        assertEqual(tabs.join(','), TABS.join(','), 'tabs in the tab bar');
        const content = TAB_CONTENT[slug];
        assert(await page.$(content), `the ${slug} tab shows ${content}`);
        const title = (await page.textContent('.nav-tab-active')).trim();
        assert(title !== '', `the ${slug} tab has a title`);
        await screenshot(page, `${lang}-tab-${slug}`);
      }
    },
  },

  {
    name: 'screen texts are in the language of the user',
    async run({ page, lang, note }) {
      await openTab(page, 'configuration');
      const html = await page.getAttribute('html', 'lang');
      if (lang === 'fr' && config.wordpressFrench) {
        assertEqual(html, 'fr-FR', 'the admin page language');
        const menu = (await page.textContent(WORDPRESS_FRENCH.selector)).trim();
        assertEqual(menu, WORDPRESS_FRENCH.fr, "WordPress's Settings menu in French");
      } else if (lang === 'en') {
        assertEqual(html, 'en-US', 'the admin page language');
      }
      const po = poTranslations();
      const pending = [];
      for (const { selector, en, context, fr } of SCREEN_TEXTS) {
        const shown = await page.$eval(selector, (el) => (el.tagName === 'INPUT' ? el.value : el.textContent).trim());
        let expected = en;
        const translated = po.get(poKey(en, context));
        if (lang === 'fr') {
          if (translated === undefined) {
            pending.push(en);
          } else {
            expected = fr ?? translated;
            if (translated !== expected) {
              note(`strings.mjs expects "${expected}" for "${en}" but the .po says "${translated}"`);
            }
          }
        }
        assertEqual(shown, expected, `text of ${selector}`);
      }
      if (pending.length > 0) {
        note(`not yet translated in the .po, checked in English: ${pending.map((s) => `"${s}"`).join(', ')}`);
      }
    },
  },

  {
    name: 'a refused key is explained in plain words',
    async run({ page, lang }) {
      await openTab(page, 'configuration');
      await page.fill('#scs-token', 'not-the-right-key-0000');
      await page.fill('#scs-base-url', config.sandboxUrl);
      const outcome = await testConnection(page);
      assertEqual(outcome, 'invalid_token', 'outcome of a test with a wrong key');
      const text = (await page.textContent('#scs-connection-result')).trim();
      assert(text.startsWith(INVALID_KEY[lang]), `the result says "${INVALID_KEY[lang]}…", got "${text}"`);
      for (const selector of SELECTS) {
        assertEqual(await optionCount(page, selector), 1, `${selector} stays with its placeholder only`);
      }
      await screenshot(page, `${lang}-connection-refused`);
    },
  },

  {
    name: 'the key tests ok and fills the selectors before any save, and a save keeps them',
    async run({ page, lang }) {
      await openTab(page, 'configuration');
      assertEqual(await page.getAttribute('#scs-test-connection', 'data-key-saved'), '0', 'no key saved at the start');
      for (const selector of SELECTS) {
        assertEqual(await optionCount(page, selector), 1, `${selector} before the test`);
      }
      await page.fill('#scs-token', config.sandboxToken);
      await page.fill('#scs-base-url', config.sandboxUrl);
      assertEqual(await testConnection(page), 'ok', 'outcome of the connection test');
      const message = (await page.textContent('#scs-connection-result')).trim();
      assert(message.includes('Atelier des Mûriers'), `the result names the company, got "${message}"`);
      for (const selector of SELECTS) {
        const count = await optionCount(page, selector);
        assert(count > 1, `${selector} filled by the test: ${count} option(s)`);
      }
      const before = wp('settings');
      assertEqual(before.has_token, false, 'the key is not saved by the test');
      assertEqual(before.company_id, '', 'no company saved by the test');
      await screenshot(page, `${lang}-connection-tested`);

      // Choose the first POS and price list offered (the demo's first POS takes orders), then save.
      const chosen = {};
      for (const selector of SELECTS) {
        if (!(await page.inputValue(selector))) {
          const first = await page.$eval(selector, (select) => select.options[1].value);
          await page.selectOption(selector, first);
          if (selector === '#scs-company') {
            await page.waitForSelector('#scs-connection-result[data-outcome]');
          }
        }
      }
      for (const selector of SELECTS) {
        chosen[selector] = await page.inputValue(selector);
        assert(chosen[selector] !== '', `${selector} has a value before the save`);
      }
      await Promise.all([
        page.waitForURL(/settings-updated=true/, { waitUntil: 'domcontentloaded' }),
        page.click('#shopcaisse-sync-settings [type="submit"]'),
      ]);
      assert(!(await page.$('.notice-error, .error')), 'no error notice after the save');
      const after = wp('settings');
      assertEqual(after.has_token, true, 'the key is saved');
      assertEqual(after.base_url, config.sandboxUrl, 'the base URL is saved');
      assertEqual(after.pos_id, chosen['#scs-pos'], 'the POS is saved');
      assertEqual(after.price_list_id, chosen['#scs-price-list'], 'the price list is saved');

      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.waitForSelector('#shopcaisse-sync-settings');
      await quietTest(page);
      assertEqual(await page.getAttribute('#scs-connection-result', 'data-outcome'), 'ok', 'the saved key tests ok by itself');
      for (const selector of SELECTS) {
        assertEqual(await page.inputValue(selector), chosen[selector], `${selector} after a reload`);
      }
      assertEqual(await page.inputValue('#scs-token'), '', 'the key field after a reload');
      assertEqual(await page.getAttribute('#scs-test-connection', 'data-key-saved'), '1', 'data-key-saved after the save');
      const hint = (await page.textContent('#scs-token-state')).trim();
      const tail = config.sandboxToken.slice(-4);
      assert(hint.includes(`…${tail}`), `the key state shows "…${tail}", got "${hint}"`);
      assert(!hint.includes(config.sandboxToken), 'the key state never shows the key');
      const html = await page.content();
      assert(!html.includes(config.sandboxToken), 'the page source never holds the key');
      await screenshot(page, `${lang}-configuration-saved`);
    },
  },

  {
    name: 'Copy puts the cron URL on the clipboard; a new token retires the old URLs',
    async run({ page, lang }) {
      await openTab(page, 'configuration');
      const jobs = ['products', 'stock', 'orders'];
      const old = {};
      for (const job of jobs) {
        old[job] = await page.inputValue(`#scs-cron-url-${job}`);
        assert(/[?&]token=[A-Za-z0-9_-]{43}/.test(old[job]), `the ${job} URL carries a token: ${old[job]}`);
      }
      await page.evaluate(() => navigator.clipboard.writeText(''));
      await page.click('.scs-copy[data-target="scs-cron-url-products"]');
      await page.waitForSelector('.scs-copy[data-target="scs-cron-url-products"].scs-copied');
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      assertEqual(copied, old.products, 'the clipboard after Copy');

      const before = await httpGet(old.products);
      assertEqual(before.status, 200, 'the products URL before the new token');

      let dialogText = '';
      page.once('dialog', (dialog) => {
        dialogText = dialog.message();
        dialog.accept();
      });
      const answered = page.waitForResponse((response) => isAjaxAction(response.request(), 'shopcaisse_sync_regenerate_token'));
      await page.click('#scs-regenerate-token');
      assertEqual((await answered).status(), 200, 'HTTP status of the regenerate call');
      assert(dialogText !== '', 'a confirmation was asked');
      await page.waitForFunction((url) => document.getElementById('scs-cron-url-products').value !== url, old.products);
      const fresh = {};
      for (const job of jobs) {
        fresh[job] = await page.inputValue(`#scs-cron-url-${job}`);
        assert(fresh[job] !== old[job], `the ${job} URL changed`);
        assertEqual(fresh[job].replace(/token=[^&]*/, ''), old[job].replace(/token=[^&]*/, ''), `the ${job} URL differs only by its token`);
      }
      for (const job of jobs) {
        const gone = await httpGet(old[job]);
        assertEqual(gone.status, 403, `the old ${job} URL`);
      }
      const now = await httpGet(fresh.products);
      assertEqual(now.status, 200, 'the new products URL');
      const body = JSON.parse(now.body.toString('utf8'));
      assertEqual(body.job, 'products', 'the new products URL answers for its job');
      await screenshot(page, `${lang}-cron-urls-regenerated`);

      await page.reload({ waitUntil: 'domcontentloaded' });
      assertEqual(await page.inputValue('#scs-cron-url-products'), fresh.products, 'the new products URL after a reload');
    },
  },

  {
    name: 'the state file cannot be downloaded by any path guessed from the site',
    async run() {
      const state = wp('state');
      assert(state.exists, `the state file exists: ${state.file}`);
      const head = Buffer.alloc(16);
      const fd = fs.openSync(state.file, 'r');
      fs.readSync(fd, head, 0, 16, 0);
      fs.closeSync(fd);
      assert(head.equals(SQLITE_MAGIC), 'the state file is an SQLite database');
      const inside = [state.abspath, state.content_dir].some((root) => state.file.startsWith(root + path.sep));
      assert(!inside, `the state file lies outside the web root: ${state.file}`);

      const name = path.basename(state.file);
      const key = state.key;
      const fromRoot = path.relative(state.abspath, state.file).split(path.sep).join('/');
      const fromContent = path.relative(state.content_dir, state.file).split(path.sep).join('/');
      const tails = [
        `shopcaisse-sync-data/${key}/${name}`,
        `shopcaisse-sync-${key}/${name}`,
        `uploads/shopcaisse-sync-${key}/${name}`,
        `uploads/shopcaisse-sync-data/${key}/${name}`,
      ];
      const paths = new Set([`/${fromRoot}`, `/wp-content/${fromContent}`, `/wp-content/plugins/shopcaisse-sync/${path.relative(state.plugin_dir, state.file)}`]);
      for (const tail of tails) {
        for (const prefix of ['/', '/../', '/../../', '/wp-content/', '/wp-content/../../', '/wp-content/uploads/', '/wp-admin/../../', '/wp-content/plugins/shopcaisse-sync/../../../']) {
          paths.add(prefix + tail);
        }
      }
      const encodings = [
        (p) => p,
        (p) => p.replaceAll('..', '%2e%2e'),
        (p) => p.replaceAll('../', '%2e%2e%2f'),
        (p) => p.replaceAll('../', '..%2f'),
        (p) => p.replaceAll('../', '..%5c'),
        (p) => p.replaceAll('/', '%2f').replace(/^%2f/, '/'),
        (p) => p.replaceAll('..', '%252e%252e'),
        (p) => p.replaceAll('/', '//'),
      ];
      const tried = new Set();
      let leaks = [];
      for (const p of paths) {
        for (const encode of encodings) {
          const raw = encode(p);
          if (tried.has(raw)) {
            continue;
          }
          tried.add(raw);
          for (const variant of [raw, `${raw}?download=1`]) {
            const response = await rawGet(variant);
            if (response.body.includes(SQLITE_MAGIC) || response.body.includes(Buffer.from('SQLite format 3'))) {
              leaks.push(`${variant} → ${response.status}`);
            }
          }
        }
      }
      assert(tried.size >= 50, `enough paths tried: ${tried.size}`);
      assertEqual(leaks.join('\n'), '', 'requests that returned SQLite bytes');
    },
  },
];
