/* The public Suara Warga board: aired complaints with their state and the
 * working days to an answer, the aired answers, this month's totals, and
 * one reference's steps (/suara-warga?ref=CODE).  Text only, never HTML. */
'use strict';
(function () {
  var S = Siaran;
  var board = null;
  var steps = null;

  function $(name) { return document.getElementById(name); }
  function day(iso) { return iso ? iso.slice(0, 10) : ''; }

  function renderTotals() {
    if (!board) return;
    var m = board.month;
    S.text($('totals'), m.month + ': ' + m.received + ' ' + S.t('sw_received') + ', ' +
      m.aired + ' ' + S.t('sw_aired') + ', ' + m.answered + ' ' + S.t('sw_answered_n'));
  }

  function renderBoard() {
    var list = $('board');
    S.clear(list);
    if (!board) return;
    if (!board.complaints.length) list.appendChild(S.make('li', S.t('sw_none'), 'muted'));
    board.complaints.forEach(function (c) {
      var li = S.make('li', undefined, 'sw-item');
      li.appendChild(S.make('strong', c.title));
      li.appendChild(S.make('p', [c.category, c.location].filter(Boolean).join(' · '), 'muted'));
      var state = S.t('sw_aired_on') + day(c.aired_at) + ' · ' + S.t('st_' + c.status);
      if (c.answer_workdays !== null) {
        state += ' · ' + c.answer_workdays + S.t(c.answered_at ? 'sw_days' : 'sw_waiting');
      }
      li.appendChild(S.make('p', state));
      if (c.overdue) li.appendChild(S.make('p', S.t('sw_overdue'), 'error'));
      if (c.answer) {
        var q = S.make('blockquote');
        q.appendChild(S.make('p', S.t('sw_answer') + c.answer.agency + ' (' + day(c.answer.aired_at) + ')'));
        if (c.answer.text) q.appendChild(S.make('p', c.answer.text));
        li.appendChild(q);
      }
      list.appendChild(li);
    });
  }

  function renderSteps() {
    var list = $('steps');
    S.clear(list);
    if (!steps) return;
    if (steps.error) { list.appendChild(S.make('li', S.t('sw_unknown'), 'error')); return; }
    list.appendChild(S.make('li', steps.reference + ': ' + S.t('st_' + steps.status)));
    [['aired_at', 'sw_step_aired'], ['forwarded_at', 'sw_step_forwarded'],
      ['answered_at', 'sw_step_answered']].forEach(function (p) {
      if (steps[p[0]]) list.appendChild(S.make('li', S.t(p[1]) + ': ' + day(steps[p[0]])));
    });
  }

  function render() { renderTotals(); renderBoard(); renderSteps(); }

  function lookup(ref) {
    ref = (ref || '').trim().toUpperCase();
    if (!/^[2-9A-Z]{8}$/.test(ref)) { steps = { error: true }; renderSteps(); return; }
    S.getJSON('/api/v1/public/complaints/' + encodeURIComponent(ref))
      .then(function (body) { steps = body; })
      .catch(function () { steps = { error: true }; })
      .then(renderSteps);
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.addEventListener('siaran-lang', render);
    var ref = new URLSearchParams(window.location.search).get('ref');
    var form = $('lookup');
    if (ref) { form.elements.ref.value = ref; lookup(ref); }
    form.addEventListener('submit', function (e) { e.preventDefault(); lookup(form.elements.ref.value); });
    S.getJSON('/api/v1/public/suara-warga').then(function (body) { board = body; render(); })
      .catch(function () { /* the board is retried on reload */ });
  });
})();
