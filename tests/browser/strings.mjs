// Every text the browser tests look for on screen, in one place: change them here when the
// plugin's wording or its French changes.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib.mjs';

export const PO_FILE = path.join(ROOT, 'wp-plugin/shopcaisse-sync/languages/shopcaisse-sync-fr_FR.po');

// Shown by the connection test when the key is refused: always asserted, in both languages.
export const INVALID_KEY = {
  en: 'The Shopcaisse access key is invalid, expired or revoked.',
  fr: "La clé d'accès Shopcaisse est invalide, expirée ou révoquée.",
};

// Texts of the Configurations tab (selector → English [in its gettext context] → French). In
// French, each is required as soon as the plugin's .po translates its English; until then it is
// reported as pending. `fr: null` takes the French from the .po as it is.
export const SCREEN_TEXTS = [
  { selector: '.nav-tab[data-tab="configuration"]', en: 'Configurations', fr: 'Configurations' },
  { selector: '.nav-tab[data-tab="orders"]', en: 'Order', context: 'settings tab', fr: 'Commande' },
  { selector: '.nav-tab[data-tab="pos-products"]', en: 'Shopcaisse products', fr: null },
  { selector: '.nav-tab[data-tab="shop-products"]', en: 'WooCommerce products', fr: null },
  { selector: '.nav-tab[data-tab="variations"]', en: 'Variation associations', fr: null },
  { selector: '.nav-tab[data-tab="logs"]', en: 'Logs', fr: null },
  { selector: 'label[for="scs-token"]', en: 'Access key (AppToken)', fr: null },
  { selector: '#scs-test-connection', en: 'Test the connection', fr: 'Tester la connexion' },
  { selector: '#shopcaisse-sync-settings [type="submit"]', en: 'Save the settings', fr: null },
  { selector: '#scs-regenerate-token', en: 'Regenerate the token', fr: null },
  { selector: '.scs-copy', en: 'Copy', fr: null },
];

// WordPress's own French (only with the French language packs installed): the admin menu.
export const WORDPRESS_FRENCH = { selector: '#menu-settings .wp-menu-name', fr: 'Réglages' };

/** How poTranslations() keys an entry: its msgid, after its msgctxt and U+0004 when it has one. */
export function poKey(msgid, context) {
  return context === undefined || context === null ? msgid : `${context}\u0004${msgid}`;
}

/** msgid → msgstr of the plugin's French catalog (translated, non-fuzzy entries only). */
export function poTranslations(file = PO_FILE) {
  const map = new Map();
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return map;
  }
  // Entries are separated by blank lines; each keyword's string may go on over "..." lines.
  for (const block of text.split(/\n\s*\n/)) {
    if (/^#,.*\bfuzzy\b/m.test(block)) {
      continue;
    }
    const fields = {};
    let field = null;
    for (const raw of block.split('\n')) {
      const line = raw.trim();
      const keyword = /^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*")$/.exec(line);
      if (keyword) {
        field = keyword[1];
        fields[field] = JSON.parse(keyword[2]);
      } else if (line.startsWith('"') && field) {
        fields[field] += JSON.parse(line);
      } else if (!line.startsWith('#')) {
        field = null;
      }
    }
    const msgstr = fields.msgstr ?? fields['msgstr[0]'] ?? '';
    if (fields.msgid && msgstr) {
      map.set(poKey(fields.msgid, fields.msgctxt), msgstr);
    }
  }
  return map;
}
