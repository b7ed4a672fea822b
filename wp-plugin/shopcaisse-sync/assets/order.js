/**
 * The order screen's "Importer sur Shopcaisse" button: sends the order now over AJAX, then greys
 * out showing the POS order id, or says what failed and offers a retry. The button is disabled
 * while a request runs, so a double click sends one request (the core would refuse a second
 * POS order anyway). Text is set as text, never as HTML.
 */
(function () {
  'use strict';
  var config = window.shopcaisseSyncOrder;
  if (!config) {
    return;
  }

  function setText(box, selector, text) {
    var el = box.querySelector(selector);
    if (el) {
      el.textContent = text;
    }
    return el;
  }

  function showPosId(box, id) {
    if (!id) {
      return;
    }
    var code = box.querySelector('.scs-pos-order-id');
    if (!code) {
      var p = document.createElement('p');
      code = document.createElement('code');
      code.className = 'scs-pos-order-id';
      p.appendChild(code);
      box.insertBefore(p, box.querySelector('.scs-order-problem'));
    }
    code.textContent = id;
  }

  function push(button) {
    var box = button.closest('.scs-order-box');
    var label = button.textContent;
    button.disabled = true;
    button.textContent = config.i18n.sending;
    var body = new URLSearchParams();
    body.append('action', 'shopcaisse_sync_push_order');
    body.append('nonce', config.nonce);
    body.append('order_id', button.getAttribute('data-order'));
    fetch(config.ajaxUrl, { method: 'POST', credentials: 'same-origin', body: body })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        var data = answer.data || {};
        if (data.label) {
          setText(box, '.scs-order-state', data.label);
          box.setAttribute('data-state', data.state || '');
        }
        showPosId(box, data.pos_order_id);
        setText(box, '.scs-order-problem', data.message || '');
        if (answer.success) {
          button.textContent = label;
          button.disabled = true;
          button.classList.remove('button-primary');
          return;
        }
        button.textContent = config.i18n.retry;
        button.disabled = false;
      })
      .catch(function () {
        setText(box, '.scs-order-problem', config.i18n.requestFailed);
        button.textContent = config.i18n.retry;
        button.disabled = false;
      });
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('.scs-push-order') : null;
    if (button && !button.disabled) {
      event.preventDefault();
      push(button);
    }
  });
}());
