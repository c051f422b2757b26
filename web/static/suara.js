/* "Kirim Suara Warga" on the public listener page: the recording (record.js
 * puts it into the form's file field) or a chosen file, the form, consent;
 * sent to POST /api/v1/public/complaints, answered with a reference code. */
'use strict';
(function () {
  var S = Siaran;

  function $(name) { return document.getElementById(name); }
  function status(message, isError) {
    S.text($('sw-status'), message);
    $('sw-status').className = isError ? 'error' : 'muted';
  }

  function send(event) {
    event.preventDefault();
    var form = $('complaint-form');
    var file = form.elements.audio.files[0];
    if (!file) { status(S.t('sw_need_audio'), true); return; }
    var data = new FormData();
    data.append('audio', file);
    ['title', 'category', 'location', 'caller_name', 'caller_phone'].forEach(function (name) {
      data.append(name, form.elements[name].value.trim());
    });
    data.append('anonymous', form.elements.anonymous.checked ? '1' : '0');
    data.append('consent', form.elements.consent.checked ? '1' : '0');
    $('sw-submit').disabled = true;
    status('…');
    fetch('/api/v1/public/complaints', { method: 'POST', body: data, credentials: 'omit' })
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) throw S.refusal(r.status, body);
          return body;
        });
      })
      .then(function (body) {
        status('');
        S.text($('sw-sent'), S.t('sw_sent'));
        S.text($('sw-ref'), body.reference);
        $('sw-follow').href = '/suara-warga?ref=' + encodeURIComponent(body.reference);
        $('sw-result').hidden = false;
        form.reset();
      })
      .catch(function (e) { status(S.errorText(e), true); })
      .then(function () { $('sw-submit').disabled = false; });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var form = $('complaint-form');
    if (form) form.addEventListener('submit', send);
  });
})();
