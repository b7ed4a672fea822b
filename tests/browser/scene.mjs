// The scene the product, order and HTTP tests start from: the sandbox's control routes, the
// plugin configured against the sandbox, and small readers of the site (through wp.php).
import { assert, assertEqual, config, SETTINGS_URL, wp } from './lib.mjs';

const SANDBOX_ROOT = config.sandboxUrl.replace(/\/v1\/?$/, '');

/** Items of the sandbox's demo catalog the tests use (fixtures/demo-catalog.json). */
export const DEMO = {
  plate: { id: '6e7de1b3-0f22-4414-ab93-a439a3b9f824', name: 'Assiette plate', reference: 'ADM-PLT', cents: 2490 },
  deepPlate: { id: '8c18cd2c-d367-4452-a9ab-7e2254bb1984', name: 'Assiette creuse', reference: 'ADM-CRS' },
  honey: { id: '37fd894b-fecd-42fc-a47e-bc713bb9e6fd', name: 'Miel de lavande 250 g', reference: 'EPI-MIEL' },
  lentils: { id: '3ed046bc-0b9a-4d2d-a365-8c516c0fc2e7', name: 'Lentilles vertes du Puy', reference: 'EPI-LEN' },
  cup: { id: '97076447-2dc5-4301-a5f8-45fba77e6f05', name: 'Tasse à café', cents: 990 },
};

/** A call to the sandbox's own routes (/__sandbox/...): its JSON answer. */
export async function sandbox(method, route, body) {
  const response = await fetch(`${SANDBOX_ROOT}/__sandbox/${route}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert(response.ok, `sandbox ${method} ${route}: HTTP ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

/**
 * A fresh scene: the sandbox back to its demo catalog (or `items` generated ones), the site
 * without products, orders or core state, the plugin configured on the sandbox's first POS (the
 * one with the order module) with `settings` on top, and the catalog refreshed.
 */
export async function freshScene({ items = 0, settings = {} } = {}) {
  const state = await sandbox('POST', 'reset');
  if (items > 0) {
    await sandbox('POST', 'generate', { items, seed: 7 });
  }
  const pos = state.pos.find((p) => p.orderManagement);
  assert(pos, 'the sandbox has a POS with the order module');
  const refreshed = wp('scene', JSON.stringify({
    base_url: config.sandboxUrl,
    token: config.sandboxToken,
    company_id: state.companies[0],
    store_id: state.stores[0],
    pos_id: pos.id,
    price_list_id: state.priceLists[0].id,
    auto_products: false,
    ...settings,
  }));
  assert(refreshed && typeof refreshed === 'object', 'the catalog refresh answered');
  return { state, pos };
}

/** The sandbox's orders under an external reference. */
export async function posOrders(reference) {
  const all = await sandbox('GET', 'orders');
  return reference === undefined ? all : all.filter((order) => order.externalReference === reference);
}

export async function openSettingsTab(page, slug, query = '') {
  const response = await page.goto(`${SETTINGS_URL}&tab=${slug}${query}`, { waitUntil: 'domcontentloaded' });
  assertEqual(response.status(), 200, `HTTP status of the ${slug} tab`);
  await page.waitForSelector(`.wrap.shopcaisse-sync .nav-tab-active[data-tab="${slug}"]`);
}

/** Waits until `check()` answers a truthy value (polled); that value, or fails saying `what` (text or function). */
export async function eventually(check, what, { timeout = 30000, every = 250 } = {}) {
  const until = Date.now() + timeout;
  let last;
  for (;;) {
    last = await check();
    if (last) {
      return last;
    }
    assert(Date.now() < until, `${typeof what === 'function' ? what() : what} (still not true after ${timeout / 1000} s)`);
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}
