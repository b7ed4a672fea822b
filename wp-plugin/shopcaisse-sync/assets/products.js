/**
 * The product tabs of Réglages > Shopcaisse Sync: imports and bulk links confirmed from the
 * core's dry run, background imports followed by a progress bar, links made, undone and
 * restored, the selectWoo product search, and held stock runs applied or dismissed. Names from
 * Shopcaisse or WooCommerce are set as text, never as HTML.
 */
(function ($) {
  'use strict';
  var config = window.shopcaisseSyncProducts;
  if (!config) {
    return;
  }
  var byId = function (id) { return document.getElementById(id); };

  function post(action, fields) {
    var body = new URLSearchParams();
    body.append('action', 'shopcaisse_sync_' + action);
    body.append('nonce', config.nonce);
    Object.keys(fields || {}).forEach(function (key) {
      var value = fields[key];
      if (Array.isArray(value)) {
        value.forEach(function (v) { body.append(key + '[]', v); });
      } else {
        body.append(key, value);
      }
    });
    return fetch(config.ajaxUrl, { method: 'POST', credentials: 'same-origin', body: body })
      .then(function (response) { return response.json(); })
      .then(function (json) {
        if (!json || !json.success) {
          throw new Error((json && json.data && json.data.message) || config.i18n.requestFailed);
        }
        return json.data;
      });
  }

  function notice(kind, message) {
    var box = byId('scs-notice');
    if (!box) {
      window.alert(message);
      return;
    }
    box.className = 'scs-result notice inline notice-' + kind;
    box.textContent = '';
    var p = document.createElement('p');
    p.textContent = message;
    box.appendChild(p);
  }

  function failed(error) {
    notice('error', error.message);
  }

  /** Shows the dry run's lines; resolves when the merchant confirms. */
  function confirmLines(title, preview) {
    return new Promise(function (resolve, reject) {
      var dialog = byId('scs-confirm');
      byId('scs-confirm-title').textContent = title;
      var list = byId('scs-confirm-lines');
      list.textContent = '';
      (preview.lines.length ? preview.lines : [config.i18n.nothingToDo]).forEach(function (line) {
        var li = document.createElement('li');
        li.textContent = line;
        list.appendChild(li);
      });
      byId('scs-confirm-ok').disabled = !preview.actionable;
      dialog.onclose = function () {
        if (dialog.returnValue === 'ok') {
          resolve();
        } else {
          reject(null);
        }
      };
      dialog.returnValue = '';
      dialog.showModal();
    });
  }

  function reloadSoon() {
    window.setTimeout(function () { window.location.reload(); }, 1200);
  }

  function follow(batch, total) {
    var box = byId('scs-progress-box');
    var bar = byId('scs-progress');
    var text = byId('scs-progress-text');
    box.hidden = false;
    bar.max = total;
    var tick = function () {
      post('import_progress', { batch: batch }).then(function (progress) {
        bar.value = progress.done;
        text.textContent = config.i18n.progress.replace('%1$d', progress.done).replace('%2$d', progress.total);
        if (progress.state === 'done') {
          notice('success', config.i18n.bulkDone.replace('%1$d', progress.created).replace('%2$d', progress.linked).replace('%3$d', progress.skipped + progress.failed));
          reloadSoon();
        } else {
          window.setTimeout(tick, 1000);
        }
      }, failed);
    };
    tick();
  }

  function importItems(ids) {
    post('preview_import', { item_ids: ids })
      .then(function (preview) { return confirmLines(config.i18n.importTitle, preview); })
      .then(function () { return post('import', { item_ids: ids }); })
      .then(function (answer) {
        if (answer.batch) {
          follow(answer.batch, answer.total);
        } else {
          notice('success', answer.message);
          reloadSoon();
        }
      })
      .catch(function (error) { if (error) { failed(error); } });
  }

  function simple(action, fields, confirmText) {
    if (confirmText && !window.confirm(confirmText)) {
      return;
    }
    post(action, fields).then(function (answer) {
      notice('success', answer.message);
      reloadSoon();
    }, failed);
  }

  document.addEventListener('click', function (event) {
    var target = event.target.closest('button');
    if (!target) {
      return;
    }
    if (target.classList.contains('scs-import')) {
      importItems([target.getAttribute('data-item')]);
    } else if (target.classList.contains('scs-link')) {
      simple('link', { item_id: target.getAttribute('data-item'), wc_id: target.getAttribute('data-wc') });
    } else if (target.classList.contains('scs-link-variation')) {
      var choice = target.closest('tr').querySelector('select.scs-variation-choice');
      if (choice && choice.value) {
        simple('link', { item_id: target.getAttribute('data-item'), wc_id: choice.value });
      }
    } else if (target.classList.contains('scs-unlink')) {
      simple('unlink', { item_id: target.getAttribute('data-item') }, config.i18n.confirmUnlink);
    } else if (target.classList.contains('scs-restore')) {
      simple('restore_link', { history_id: target.getAttribute('data-history') });
    } else if (target.classList.contains('scs-apply-held')) {
      simple('apply_held_stock', { id: target.getAttribute('data-id') }, config.i18n.confirmApplyHeld);
    } else if (target.classList.contains('scs-dismiss-held')) {
      simple('dismiss_held_stock', { id: target.getAttribute('data-id') });
    } else if (target.id === 'scs-link-matches') {
      post('preview_matching', {})
        .then(function (preview) { return confirmLines(config.i18n.matchTitle, preview); })
        .then(function () { return post('apply_matching', {}); })
        .then(function (answer) { notice('success', answer.message); reloadSoon(); })
        .catch(function (error) { if (error) { failed(error); } });
    }
  });

  var form = byId('scs-catalog-form');
  if (form) {
    form.addEventListener('submit', function (event) {
      var top = byId('bulk-action-selector-top');
      var bottom = byId('bulk-action-selector-bottom');
      var chosen = (event.submitter && event.submitter.id === 'doaction2' ? bottom : top);
      if (!chosen || chosen.value !== 'import') {
        return;
      }
      event.preventDefault();
      var ids = Array.prototype.map.call(form.querySelectorAll('input[name="item_ids[]"]:checked'), function (box) { return box.value; });
      if (ids.length) {
        importItems(ids);
      }
    });
  }

  if ($ && $.fn && $.fn.selectWoo) {
    $('.scs-product-search').each(function () {
      var select = $(this);
      select.selectWoo({
        minimumInputLength: 2,
        allowClear: true,
        placeholder: select.data('placeholder'),
        ajax: {
          url: config.ajaxUrl,
          method: 'POST',
          dataType: 'json',
          delay: 250,
          data: function (params) {
            return { action: 'shopcaisse_sync_search_products', nonce: config.nonce, term: params.term };
          },
          processResults: function (json) {
            return { results: (json && json.success) ? json.data.results : [] };
          }
        }
      }).on('select2:select', function (e) {
        simple('link', { item_id: select.data('item'), wc_id: e.params.data.id });
      });
    });
  }
}(window.jQuery));

