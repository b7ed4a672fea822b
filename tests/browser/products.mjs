// The product tabs (issue 9): a row imported through its confirmation, the bulk link shown before
// it is made, a background import of 300 items followed to the end by its progress bar, and the
// WooCommerce products and variations tabs. Each test starts from a fresh scene (scene.mjs) and
// checks what the site holds after the click, not only that the page answered.
import { assert, assertEqual, config, isAjaxAction, screenshot, wp } from './lib.mjs';
import { DEMO, eventually, freshScene, openSettingsTab } from './scene.mjs';

const ajaxAnswer = (page, action) => page.waitForResponse((response) => isAjaxAction(response.request(), `shopcaisse_sync_${action}`));

/** The confirmation's lines, once the dialog is open. */
async function confirmationLines(page) {
  await page.waitForSelector('#scs-confirm[open]');
  return page.$$eval('#scs-confirm-lines li', (items) => items.map((li) => li.textContent.trim()));
}

function catalog(query) {
  return wp('catalog', JSON.stringify(query));
}

export const PRODUCT_TESTS = [
  {
    name: 'IMPORTER on a row shows what it will create, and only its confirmation creates the product',
    async run({ page, lang }) {
      await freshScene();
      const plate = DEMO.plate;
      assertEqual(wp('products').by_sku[plate.reference], undefined, 'no product with the reference before the import');
      await openSettingsTab(page, 'pos-products', `&s=${plate.reference}`);
      const button = `.scs-import[data-item="${plate.id}"]`;
      await page.waitForSelector(button);

      const previewed = ajaxAnswer(page, 'preview_import');
      await page.click(button);
      assertEqual((await previewed).status(), 200, 'HTTP status of the preview');
      const lines = await confirmationLines(page);
      assertEqual(lines.length, 1, `lines of the confirmation (${lines.join(' | ')})`);
      for (const part of [plate.name, plate.reference, '24.90']) {
        assert(lines[0].includes(part), `the confirmation names ${part}: "${lines[0]}"`);
      }
      assertEqual(await page.isEnabled('#scs-confirm-ok'), true, 'the confirm button is enabled');
      assertEqual(wp('products').count, 0, 'products created before the confirmation');
      await screenshot(page, `${lang}-pos-products-import-confirmation`);

      // Cancel first: nothing happens.
      await page.click('#scs-confirm button[value="cancel"]');
      await page.waitForSelector('#scs-confirm:not([open])', { state: 'attached' });
      await page.waitForTimeout(300);
      assertEqual(wp('products').count, 0, 'products after Cancel');

      await page.click(button);
      await confirmationLines(page);
      const imported = ajaxAnswer(page, 'import');
      await page.click('#scs-confirm-ok');
      const answer = await (await imported).json();
      assert(answer.success, `the import succeeded: ${JSON.stringify(answer)}`);
      await page.waitForSelector('#scs-notice.notice-success');

      const made = wp('products').by_sku[plate.reference];
      assert(made, `a WooCommerce product has the SKU ${plate.reference}`);
      assertEqual(made.name, plate.name, 'name of the product created');
      const row = catalog({ text: plate.reference }).rows.find((r) => r.id === plate.id);
      assertEqual(row?.linked, true, 'the item is linked after the import');
      assertEqual(row.wc_id, made.id, 'the item is linked to the product created');

      // The page reloads by itself and shows the link on the row.
      await page.waitForSelector(`tr:has(input[value="${plate.id}"]) .scs-yes`, { timeout: 15000 });
      const linkText = (await page.textContent(`tr:has(input[value="${plate.id}"]) td.column-linked`)).trim();
      assert(linkText.includes(`#${made.id}`), `the row shows the product #${made.id}: "${linkText}"`);
      await screenshot(page, `${lang}-pos-products-imported`);

      // The product as WooCommerce's own editor shows it.
      await page.goto(`${config.siteUrl}/wp-admin/post.php?post=${made.id}&action=edit`, { waitUntil: 'domcontentloaded' });
      await page.waitForSelector('#_sku', { state: 'attached' });
      assertEqual(await page.inputValue('#title'), plate.name, "the product's title in its editor");
      assertEqual(await page.inputValue('#_sku'), plate.reference, "the product's SKU in its editor");
      assertEqual(await page.inputValue('#_regular_price').then((v) => v.replace(',', '.')), '24.90', "the product's price in its editor");
      assertEqual(await page.isChecked('#_manage_stock'), true, 'stock management is on');
    },
  },

  {
    name: 'Link every exact match shows the links it will make, and makes only those once confirmed',
    async run({ page, lang }) {
      await freshScene();
      const [deepPlate, honey, other] = wp('product', JSON.stringify([
        { name: 'Assiette creuse (boutique)', price: '22.50', sku: DEMO.deepPlate.reference },
        { name: 'Miel (boutique)', price: '8.90', sku: DEMO.honey.reference },
        { name: 'Carte cadeau', price: '20.00', sku: 'BOUT-CADEAU' },
      ])).ids;
      const shop = { deepPlate, honey, other };
      assertEqual(catalog({ linked: true, top_level_only: false }).total, 0, 'links before the bulk link');
      await openSettingsTab(page, 'pos-products');

      const previewed = ajaxAnswer(page, 'preview_matching');
      await page.click('#scs-link-matches');
      assertEqual((await previewed).status(), 200, 'HTTP status of the matching preview');
      const lines = await confirmationLines(page);
      assertEqual(lines.length, 2, `lines of the preview (${lines.join(' | ')})`);
      const expected = [[DEMO.deepPlate, shop.deepPlate], [DEMO.honey, shop.honey]];
      for (const [item, wcId] of expected) {
        const line = lines.find((l) => l.includes(item.name));
        assert(line, `the preview names ${item.name}: ${lines.join(' | ')}`);
        assert(new RegExp(`(^|\\D)${wcId}(\\D|$)`).test(line), `the preview links ${item.name} to #${wcId}: "${line}"`);
      }
      assert(!lines.some((l) => new RegExp(`(^|\\D)${shop.other}(\\D|$)`).test(l)), 'the product matching nothing is not in the preview');
      assertEqual(catalog({ linked: true, top_level_only: false }).total, 0, 'links made while the preview is open');
      await screenshot(page, `${lang}-pos-products-link-preview`);

      const applied = ajaxAnswer(page, 'apply_matching');
      await page.click('#scs-confirm-ok');
      const answer = await (await applied).json();
      assert(answer.success, `the bulk link succeeded: ${JSON.stringify(answer)}`);
      assertEqual(answer.data.recorded, 2, 'links the bulk link reports');
      await page.waitForSelector('#scs-notice.notice-success');
      const linked = catalog({ linked: true, top_level_only: false });
      assertEqual(linked.total, 2, 'links after the bulk link');
      for (const [item, wcId] of expected) {
        assertEqual(linked.rows.find((r) => r.id === item.id)?.wc_id, wcId, `${item.name} linked to #${wcId}`);
      }
      await page.waitForSelector(`tr:has(input[value="${DEMO.honey.id}"]) .scs-yes`, { timeout: 15000 });
      await screenshot(page, `${lang}-pos-products-linked`);
    },
  },

  {
    name: 'a bulk import of 300 items runs in the background and its progress bar reaches the end',
    // Creating 300 items in WooCommerce takes a minute or two here: once, in the first language
    // (the tab's texts are checked in both by the other tests).
    once: true,
    timeoutMs: 240000,
    async run({ page, lang, note }) {
      const t0 = Date.now();
      const phase = (what) => note(`${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      await freshScene({ items: 300 });
      phase('scene ready');
      const all = catalog({ top_level_only: false, per_page: 1 }).total;
      assertEqual(all, 300, 'items in the catalog');
      const topLevel = catalog({ top_level_only: true, per_page: 1 }).total;

      // Screen Options: every row on one page, so that "select all" selects the 300 items (the
      // declinations come with their parent).
      await openSettingsTab(page, 'pos-products');
      await page.click('#show-settings-link');
      await page.fill('#shopcaisse_sync_items_per_page', '500');
      await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click('#screen-options-apply')]);
      await page.waitForSelector('#scs-pos-products');
      const rows = await page.$$eval('#the-list input[name="item_ids[]"]', (boxes) => boxes.length);
      assertEqual(rows, topLevel, 'rows on the one page');
      phase(`${rows} rows shown`);

      await page.check('#cb-select-all-1');
      const checked = await page.$$eval('#the-list input[name="item_ids[]"]:checked', (boxes) => boxes.length);
      assertEqual(checked, topLevel, 'rows selected');
      await page.selectOption('#bulk-action-selector-top', 'import');
      const previewed = ajaxAnswer(page, 'preview_import');
      await page.click('#doaction');
      assertEqual((await previewed).status(), 200, 'HTTP status of the preview');
      const lines = await confirmationLines(page);
      assert(lines.length >= topLevel / 2, `the preview lists what the import does: ${lines.length} lines`);
      assertEqual(wp('products').count, 0, 'products created before the confirmation');
      phase('preview shown');

      const progress = [];
      page.on('response', async (response) => {
        if (isAjaxAction(response.request(), 'shopcaisse_sync_import_progress')) {
          const json = await response.json().catch(() => null);
          if (json?.success) {
            progress.push({ ...json.data, seenAt: Date.now() });
          }
        }
      });
      const seen = new Set();
      const started = ajaxAnswer(page, 'import');
      await page.click('#scs-confirm-ok');
      const answer = await (await started).json();
      assert(answer.success && answer.data.batch, `the import went to the background: ${JSON.stringify(answer)}`);
      assertEqual(answer.data.total, topLevel, 'items in the batch');
      // Opening the tab spent Action Scheduler's own once-a-minute start of its runner: the import
      // must not wait for it.
      const lock = wp('as-lock').until;
      await page.waitForSelector('#scs-progress-box:not([hidden])');
      phase('import queued');
      let shotTaken = false;
      let ending = null;
      await eventually(async () => {
        const bar = await page.evaluate(() => {
          const el = document.getElementById('scs-progress');
          return el ? { value: el.value, max: el.max } : null;
        });
        seen.add(bar.value);
        if (!shotTaken && bar.value > 0 && bar.value < bar.max) {
          shotTaken = true;
          await screenshot(page, `${lang}-pos-products-bulk-progress`);
        }
        if (!progress.some((p) => p.state === 'done')) {
          return false;
        }
        // The end, read at once: the page reloads itself a moment later.
        await page.waitForSelector('#scs-notice.notice-success', { timeout: 5000 });
        ending = await page.evaluate(() => ({
          bar: document.getElementById('scs-progress').value,
          text: document.getElementById('scs-progress-text').textContent.trim(),
          notice: document.getElementById('scs-notice').textContent.trim(),
        }));
        return true;
      }, () => `the bulk import finishes (last progress: ${JSON.stringify(progress[progress.length - 1] ?? null)})`, { timeout: 200000, every: 200 });
      phase('import done');
      const firstStep = progress.find((p) => p.done > 0);
      if (lock === null) {
        note("Action Scheduler's runner was free to start by itself: its start is not checked");
      } else {
        const early = (lock * 1000 - firstStep.seenAt) / 1000;
        assert(early > 0, `the first chunk is done before Action Scheduler starts its runner by itself (${early.toFixed(0)} s before)`);
        note(`first chunk done ${early.toFixed(0)} s before Action Scheduler's own start`);
      }
      assertEqual(ending.bar, topLevel, 'the bar at the end');
      assert(ending.text.includes(`${topLevel}`), `the progress text shows the end: "${ending.text}"`);

      const last = progress[progress.length - 1];
      assertEqual(last.done, topLevel, 'items done at the end');
      assertEqual(last.total, topLevel, 'items in all at the end');
      const middle = [...seen].filter((v) => v > 0 && v < topLevel);
      assert(middle.length >= 1, `the bar advanced through intermediate values: ${[...seen].join(', ')}`);
      const done = [...new Set(progress.map((p) => p.done))];
      assert(done.every((v, i) => i === 0 || v >= done[i - 1]), `the progress only goes forward: ${done.join(', ')}`);
      note(`progress polled: ${done.join(' → ')} of ${topLevel}; ${last.created} products, ${last.variations} variations, ${last.skipped} left out, ${last.failed} refused`);

      // What the site holds: every product made is linked, and nothing half-made is left behind
      // by an item WooCommerce refused.
      const products = wp('products');
      assertEqual(products.count, last.created + last.variations, 'products and variations in WooCommerce');
      const items = catalog({ top_level_only: false, per_page: 500 }).rows;
      assertEqual(items.filter((r) => r.linked).length, last.created + last.variations + last.linked, 'catalog items linked');
      // The generated catalog repeats a few barcodes, and WooCommerce refuses a GTIN already in
      // use: the core's plan leaves those items out with their reason, so WooCommerce refuses
      // nothing.
      assertEqual(last.failed, 0, 'items WooCommerce refused');
      const created = Number((/\d+/.exec(ending.notice) ?? [])[0]);
      assertEqual(created, last.created, `products created, as the notice says: "${ending.notice}"`);

      // After its reload, the page lists the items as imported.
      await page.waitForSelector('#scs-progress-box[hidden]', { state: 'attached', timeout: 20000 });
      const marks = await page.$$eval('#the-list .scs-yes', (found) => found.length);
      assert(marks >= last.created, `rows marked as imported after the reload: ${marks}`);
      await screenshot(page, `${lang}-pos-products-bulk-done`);
    },
  },

  {
    name: 'the WooCommerce products and variation associations tabs show the sync state',
    async run({ page, lang }) {
      await freshScene();
      const tshirt = '4d99cb70-cc1f-4f88-aeaa-868bbf7e53df';
      const summary = wp('import', JSON.stringify([DEMO.plate.id, tshirt]));
      assertEqual(summary.created, 2, `products created: ${JSON.stringify(summary)}`);
      assertEqual(summary.variations, 4, 'variations created');
      const [unlinked] = wp('product', JSON.stringify([{ name: 'Carte cadeau', price: '20.00', sku: 'BOUT-CADEAU' }])).ids;

      await openSettingsTab(page, 'shop-products');
      const count = (await page.textContent('#scs-unlinked-count')).trim();
      assert(/^1\D/.test(count), `one product on sale is not linked: "${count}"`);
      const rows = await page.$$eval('#scs-shop-products tbody tr', (trs) => trs.map((tr) => ({
        text: tr.textContent, linked: !!tr.querySelector('.scs-yes'), unlinked: !!tr.querySelector('.scs-no'),
      })));
      assertEqual(rows.length, 7, 'rows: the gift card, the plate, the T-shirt and its 4 variations');
      assert(rows[0].text.includes('Carte cadeau') && rows[0].unlinked, `the product on sale not linked comes first: "${rows[0].text.slice(0, 100)}"`);
      assert(await page.$(`#scs-shop-products tbody tr:first-child a[href*="post=${unlinked}"]`), 'its name links to its editor');
      assertEqual(rows.filter((r) => r.linked).length, 6, 'rows linked: the plate, the T-shirt and its 4 variations');
      assert(rows.some((r) => r.text.includes(DEMO.plate.name) && r.linked), 'the plate is linked');
      await screenshot(page, `${lang}-shop-products-state`);

      await openSettingsTab(page, 'variations');
      const tables = await page.$$('#scs-variations table.scs-declinations');
      assertEqual(tables.length, 1, 'one variable product linked');
      const declinations = await page.$$eval('#scs-variations table.scs-declinations tbody tr', (trs) => trs.map((tr) => tr.textContent));
      assertEqual(declinations.length, 4, 'declinations of the T-shirt');
      for (const size of ['S', 'M', 'L', 'XL']) {
        assert(declinations.some((r) => r.includes(`— ${size}`)), `the declination ${size} is listed`);
      }
      const undo = await page.$$('#scs-variations table.scs-declinations .scs-unlink');
      assertEqual(undo.length, 4, 'each declination is associated (and can be undone)');
      await screenshot(page, `${lang}-variations-associated`);
    },
  },
];
