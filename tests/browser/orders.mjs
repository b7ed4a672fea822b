// Web orders to the till (issue 10), in the browser: the order screen's "Importer sur Shopcaisse"
// button under HPOS and under the legacy posts storage (the site's switch, mu-plugins/), the POS
// state column of the orders list, and the Logs tab's filters and CSV export. Each test starts
// from a fresh scene and checks the sandbox and the site after the click.
import fs from 'node:fs';
import path from 'node:path';
import { assert, assertEqual, config, isAjaxAction, screenshot, SETTINGS_URL, wp } from './lib.mjs';
import { DEMO, freshScene, posOrders } from './scene.mjs';

const LIST_URL = {
  hpos: `${config.siteUrl}/wp-admin/admin.php?page=wc-orders`,
  posts: `${config.siteUrl}/wp-admin/edit.php?post_type=shop_order`,
};

/** A scene with the plate linked to its item, automatic push off (the button sends), on `storage`. */
async function orderScene(storage) {
  await freshScene({ settings: { auto_orders: false } });
  if (storage === 'posts') {
    wp('switch', 'order_storage', 'posts');
  }
  assertEqual(wp('storage').storage, storage, 'the order storage WooCommerce uses');
  const [plate] = wp('product', JSON.stringify([{ name: DEMO.plate.name, price: '24.90', sku: DEMO.plate.reference, link: DEMO.plate.id }])).ids;
  return plate;
}

function orderButtonTest(storage, label) {
  return {
    name: `the order button sends a paid order once and greys out with its POS id (${label})`,
    async run({ page, lang }) {
      const plate = await orderScene(storage);
      const order = wp('order', JSON.stringify({ lines: [[plate, 2]] }));
      if (storage === 'hpos') {
        assert(order.storage.hpos_row, 'the order is in the HPOS table');
        assert(order.edit_url.includes('page=wc-orders'), `HPOS's order screen: ${order.edit_url}`);
      } else {
        assert(!order.storage.hpos_row, 'the order is not in the HPOS table');
        assertEqual(order.storage.post_type, 'shop_order', 'the order is a post');
        assert(order.edit_url.includes('post.php'), `the posts editor: ${order.edit_url}`);
      }
      assertEqual((await posOrders()).length, 0, 'orders in the POS before the click');

      await page.goto(order.edit_url, { waitUntil: 'domcontentloaded' });
      const box = '#shopcaisse-sync-order .scs-order-box';
      await page.waitForSelector(`${box} .scs-push-order`);
      assertEqual(await page.isEnabled(`${box} .scs-push-order`), true, 'the button is enabled on a paid order not sent');
      assertEqual(await page.$(`${box} .scs-pos-order-id`), null, 'no POS id before the click');
      await screenshot(page, `${lang}-order-${storage}-before`);

      // A double click: the button disables itself at the first, the POS gets one order.
      const pushes = [];
      page.on('request', (request) => {
        if (isAjaxAction(request, 'shopcaisse_sync_push_order')) {
          pushes.push(request);
        }
      });
      const answered = page.waitForResponse((response) => isAjaxAction(response.request(), 'shopcaisse_sync_push_order'));
      await page.dblclick(`${box} .scs-push-order`);
      const answer = await (await answered).json();
      assert(answer.success, `the push succeeded: ${JSON.stringify(answer)}`);
      await page.waitForSelector(`${box}[data-state="pushed"] .scs-push-order[disabled]`);
      const posId = (await page.textContent(`${box} .scs-pos-order-id`)).trim();
      assert(posId !== '', 'the box shows the POS order id');
      assertEqual(pushes.length, 1, 'push requests sent by the double click');

      const reference = `WEB-${order.number}`;
      const held = await posOrders(reference);
      assertEqual(held.length, 1, `orders ${reference} in the POS`);
      assertEqual(held[0].id, posId, 'the POS id shown is the POS order');
      assertEqual((await posOrders()).length, 1, 'orders in the POS in all');
      assertEqual(Math.round(held[0].total * 100), 2 * DEMO.plate.cents, 'the POS order total, in cents');
      const stored = wp('order-state', String(order.id));
      assertEqual(stored.state, 'pushed', "the order's POS state in its meta");
      assertEqual(stored.pos_order_id, posId, "the POS id in the order's meta");
      assertEqual(JSON.stringify(stored.storage), JSON.stringify(order.storage), 'the order stayed in its storage');

      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.waitForSelector(`${box}[data-state="pushed"]`);
      assertEqual(await page.isDisabled(`${box} .scs-push-order`), true, 'the button stays grey after a reload');
      assertEqual((await page.textContent(`${box} .scs-pos-order-id`)).trim(), posId, 'the POS id after a reload');
      await screenshot(page, `${lang}-order-${storage}-sent`);

      // The orders list: the Shopcaisse column says the order is in the POS, with its id.
      await page.goto(LIST_URL[storage], { waitUntil: 'domcontentloaded' });
      const cell = `tr#${storage === 'hpos' ? 'order' : 'post'}-${order.id} td.column-shopcaisse_sync`;
      await page.waitForSelector(cell);
      assert(await page.$(`${cell} .scs-pos-state-pushed`), 'the list marks the order as in the POS');
      assert((await page.textContent(cell)).includes(posId), 'the list shows the POS id');
      await screenshot(page, `${lang}-orders-list-${storage}`);
    },
  };
}

/** The rows the Logs tab shows: level class, operation, what they concern. */
function logRows(page) {
  return page.$$eval('table.scs-logs tbody tr', (trs) => trs.filter((tr) => tr.cells.length === 5).map((tr) => ({
    level: (/scs-log-(\w+)/.exec(tr.className) ?? [])[1] ?? '',
    operation: tr.cells[2].textContent.trim(),
    concerns: tr.cells[3].textContent.trim(),
  })));
}

async function matching(page) {
  return Number((await page.textContent('.scs-log-count')).replace(/\D/g, ''));
}

async function filterLogs(page, fields) {
  await page.goto(`${SETTINGS_URL}&tab=logs`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('.scs-log-filters');
  if (fields.level) {
    await page.selectOption('#scs-log-level', fields.level);
  }
  if (fields.operation) {
    await page.selectOption('#scs-log-operation', fields.operation);
  }
  if (fields.order) {
    await page.fill('#scs-log-order', String(fields.order));
  }
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click('#scs-log-filter')]);
  await page.waitForSelector('.scs-log-count');
  const url = new URL(page.url());
  for (const [field, value] of Object.entries(fields)) {
    assertEqual(url.searchParams.get(field), String(value), `the ${field} filter in the address`);
  }
}

export const ORDER_TESTS = [
  orderButtonTest('hpos', 'HPOS'),
  orderButtonTest('posts', 'legacy posts storage'),

  {
    name: 'the Logs tab filters by level, operation and order, and exports what it shows as CSV',
    async run({ page, lang, note }) {
      const plate = await orderScene('hpos');
      const [loose] = wp('product', JSON.stringify([{ name: 'Carte cadeau', price: '20.00', sku: 'BOUT-CADEAU' }])).ids;
      const sent = wp('order', JSON.stringify({ lines: [[plate, 1]] }));
      const other = wp('order', JSON.stringify({ lines: [[plate, 3]] }));
      const blocked = wp('order', JSON.stringify({ lines: [[loose, 1]] }));
      assertEqual(wp('push', String(sent.id)).state, 'pushed', 'the first order is sent');
      assertEqual(wp('push', String(other.id)).state, 'pushed', 'the second order is sent');
      assertEqual(wp('push', String(blocked.id)).state, 'blocked', 'the order of a product not linked is blocked');

      await page.goto(`${SETTINGS_URL}&tab=logs`, { waitUntil: 'domcontentloaded' });
      await page.waitForSelector('.scs-log-count');
      const all = await matching(page);
      assert(all >= 4, `the log holds the sync's rows: ${all}`);
      await screenshot(page, `${lang}-logs-all`);

      await filterLogs(page, { level: 'warning' });
      const warnings = await logRows(page);
      assert(warnings.length >= 1 && warnings.length < all, `the level filter keeps some rows: ${warnings.length} of ${all}`);
      assert(warnings.every((r) => r.level === 'warning' || r.level === 'error'), `only warnings and errors: ${warnings.map((r) => r.level).join(', ')}`);
      assert(warnings.some((r) => r.concerns.includes(`#${blocked.number}`)), 'the blocked order is among the warnings');
      await screenshot(page, `${lang}-logs-warnings`);

      await filterLogs(page, { operation: 'order_push' });
      const pushes = await logRows(page);
      assert(pushes.length >= 2 && pushes.length < all, `the operation filter keeps some rows: ${pushes.length} of ${all}`);
      assert(pushes.every((r) => r.operation === 'order_push'), `only order_push rows: ${pushes.map((r) => r.operation).join(', ')}`);

      await filterLogs(page, { operation: 'order_push', order: sent.id });
      const shown = await matching(page);
      const rows = await logRows(page);
      assert(rows.length >= 1, 'rows for the order');
      assertEqual(rows.length, shown, 'rows shown against the count');
      assert(rows.every((r) => r.concerns === `#${sent.number}` && r.operation === 'order_push'), `only the order's pushes: ${JSON.stringify(rows)}`);
      await screenshot(page, `${lang}-logs-order`);

      // The export carries the same filters.
      const href = await page.getAttribute('#scs-log-export', 'href');
      const exported = new URL(href, config.siteUrl).searchParams;
      assertEqual(exported.get('operation'), 'order_push', 'the export keeps the operation filter');
      assertEqual(exported.get('order'), String(sent.id), 'the export keeps the order filter');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#scs-log-export')]);
      assert(/^shopcaisse-sync-logs-\d{8}-\d{6}\.csv$/.test(download.suggestedFilename()), `the file name: ${download.suggestedFilename()}`);
      const file = path.join(config.workDir, 'logs-export.csv');
      await download.saveAs(file);
      const bytes = fs.readFileSync(file);
      assert(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'the CSV starts with a UTF-8 BOM');
      const lines = bytes.subarray(3).toString('utf8').trim().split(/\r?\n/);
      assertEqual(lines[0], 'time_utc;level;operation;object_type;object_id;message;run_id', 'the CSV header');
      const data = lines.slice(1).map((line) => line.split(';'));
      assertEqual(data.length, shown, 'CSV rows against the rows matching on screen');
      assert(data.every((cells) => cells[2] === 'order_push' && cells[3] === 'order' && cells[4] === String(sent.id)),
        `every CSV row is a push of order ${sent.id}: ${lines.slice(1, 4).join(' | ')}`);
      note(`${all} log rows, ${warnings.length} warnings or errors, ${pushes.length} pushes, ${shown} for order ${sent.id}`);
    },
  },
];
