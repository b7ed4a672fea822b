/**
 * Réglages > Shopcaisse Sync, Configurations tab: tests the key over AJAX and fills the company,
 * store, POS and price list selectors from what it reaches, without a save; copies the cron
 * URLs; regenerates their token after a confirmation. Names from Shopcaisse are set as text,
 * never as HTML.
 */
(function () {
  'use strict';
  var config = window.shopcaisseSync;
  if (!config) {
    return;
  }
  var byId = function (id) { return document.getElementById(id); };
  var lastReport = null;

  function post(action, fields) {
    var body = new URLSearchParams();
    body.append('action', action);
    body.append('nonce', config.nonce);
    Object.keys(fields || {}).forEach(function (key) { body.append(key, fields[key]); });
    return fetch(config.ajaxUrl, { method: 'POST', credentials: 'same-origin', body: body })
      .then(function (response) { return response.json(); });
  }

  function show(box, kind, message, warnings) {
    box.className = 'scs-result notice inline notice-' + kind;
    box.textContent = '';
    var p = document.createElement('p');
    p.textContent = message;
    box.appendChild(p);
    (warnings || []).forEach(function (warning) {
      var w = document.createElement('p');
      w.className = 'scs-warning';
      w.textContent = warning;
      box.appendChild(w);
    });
  }

  function fill(select, rows) {
    if (!select) {
      return;
    }
    var wanted = select.value || select.getAttribute('data-saved') || '';
    select.textContent = '';
    var empty = document.createElement('option');
    empty.value = '';
    empty.textContent = config.i18n.choose;
    select.appendChild(empty);
    rows.forEach(function (row) {
      var option = document.createElement('option');
      option.value = row.id;
      option.textContent = row.name;
      if (row.id === wanted) {
        option.selected = true;
      }
      select.appendChild(option);
    });
    if (!select.value && rows.length === 1) {
      select.value = rows[0].id;
    }
  }

  function fillPos() {
    if (!lastReport) {
      return;
    }
    var storeId = byId('scs-store').value;
    var store = lastReport.stores.filter(function (s) { return s.id === storeId; })[0];
    fill(byId('scs-pos'), store ? store.pos : []);
  }

  function fillStores() {
    var companyId = byId('scs-company').value;
    var stores = lastReport.stores.filter(function (s) {
      return !companyId || !s.company_id || s.company_id === companyId;
    });
    fill(byId('scs-store'), stores);
    fillPos();
  }

  function testConnection(quiet) {
    var box = byId('scs-connection-result');
    if (!quiet) {
      show(box, 'info', config.i18n.testing);
    }
    var fields = {
      token: byId('scs-token').value,
      base_url: byId('scs-base-url').value,
      company_id: byId('scs-company').value,
      store_id: byId('scs-store').value,
      pos_id: byId('scs-pos').value
    };
    return post('shopcaisse_sync_test_connection', fields).then(function (answer) {
      var data = answer.data || {};
      if (!answer.success || !data.ok) {
        show(box, 'error', data.message || config.i18n.requestFailed);
        box.setAttribute('data-outcome', data.kind || 'error');
        return;
      }
      lastReport = data;
      box.setAttribute('data-outcome', 'ok');
      show(box, data.warnings.length ? 'warning' : 'success', data.message, data.warnings);
      fill(byId('scs-company'), data.companies);
      fillStores();
      fill(byId('scs-price-list'), data.price_lists);
    }).catch(function () {
      show(box, 'error', config.i18n.requestFailed);
    });
  }

  function copy(button) {
    var input = byId(button.getAttribute('data-target'));
    input.select();
    var done = function () {
      var label = button.textContent;
      button.textContent = config.i18n.copied;
      button.classList.add('scs-copied');
      setTimeout(function () { button.textContent = label; button.classList.remove('scs-copied'); }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () { window.alert(config.i18n.copyFailed); });
    } else if (document.execCommand && document.execCommand('copy')) {
      done();
    } else {
      window.alert(config.i18n.copyFailed);
    }
  }

  function regenerate() {
    if (!window.confirm(config.i18n.confirmRegenerate)) {
      return;
    }
    post('shopcaisse_sync_regenerate_token', {}).then(function (answer) {
      if (!answer.success) {
        window.alert((answer.data && answer.data.message) || config.i18n.requestFailed);
        return;
      }
      Object.keys(answer.data.urls).forEach(function (job) {
        byId('scs-cron-url-' + job).value = answer.data.urls[job];
      });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var test = byId('scs-test-connection');
    if (!test) {
      return;
    }
    test.addEventListener('click', function () { testConnection(false); });
    byId('scs-company').addEventListener('change', function () {
      // Price lists belong to a company: ask again for the chosen one.
      testConnection(true);
    });
    byId('scs-store').addEventListener('change', fillPos);
    // A till without the order module is said as soon as it is chosen.
    byId('scs-pos').addEventListener('change', function () { testConnection(true); });
    document.querySelectorAll('.scs-copy').forEach(function (button) {
      button.addEventListener('click', function () { copy(button); });
    });
    var again = byId('scs-regenerate-token');
    if (again) {
      again.addEventListener('click', regenerate);
    }
    if (test.getAttribute('data-key-saved') === '1') {
      testConnection(true);
    }
  });
})();
