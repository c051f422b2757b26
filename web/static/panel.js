/* The staff panel: login, now playing and outputs, the complaint queue and
 * its workflow, uploads with a progress bar, announcements with a spoken
 * preview.  Every state-changing request carries the X-CSRF-Token header. */
'use strict';
(function () {
  var S = Siaran;
  var csrf = null;
  var role = null;
  var last = null;
  var actions = {
    received: ['verify', 'reject'],
    verified: ['queue', 'air-next', 'forward', 'reject'],
    queued: ['air-next', 'reject'],
    aired: ['forward', 'close'],
    forwarded: ['answer', 'close'],
    answered: ['close'],
    closed: [], rejected: []
  };
  var openHistory = {}; /* complaint ids whose history is shown */
  var answering = null; /* the forwarded complaint the answer form is open for */
  var answerNotes = {}; /* complaint id -> what became of its answer, shown in its view */
  var notes = {}; /* complaint id -> {text, error, until}: its last action's outcome */
  var editing = null; /* the complaint whose edit form is open (the list waits) */

  function $(id) { return document.getElementById(id); }

  function say(message, isError) {
    var el = $('message');
    S.text(el, message);
    el.className = isError ? 'error' : '';
  }
  /* what became of an action, next to its control */
  function tell(anchor, message) { S.feedback(anchor, message, false); }
  function warn(anchor) { return function (err) { S.showError(anchor, err); }; }

  function send(method, url, body) {
    var options = { method: method, credentials: 'same-origin', headers: {} };
    if (csrf) options.headers['X-CSRF-Token'] = csrf;
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (r) {
      var type = r.headers.get('Content-Type') || '';
      if (type.indexOf('application/json') !== 0) {
        if (!r.ok) throw S.failure('HTTP ' + r.status, r.status);
        return r;
      }
      return r.json().then(function (data) {
        if (!r.ok) throw S.refusal(r.status, data);
        return data;
      });
    });
  }

  function showLoggedIn(data) {
    csrf = data.csrf_token;
    role = data.role;
    S.text($('who'), data.user + ' (' + S.role(data.role) + ')');
    $('login').hidden = true;
    $('dashboard').hidden = false;
    $('logout').hidden = false;
    $('nav-users').hidden = role !== 'admin';
    var staff = role === 'staff' || role === 'admin';
    var cards = document.querySelectorAll('.staff');
    for (var i = 0; i < cards.length; i++) cards[i].hidden = !staff;
    refreshNow();
    if (staff) { refreshComplaints(); refreshAnnouncements(); }
    startPush();
  }

  function showLogin() {
    stopPush();
    stopPolling();
    csrf = null;
    $('login').hidden = false;
    $('dashboard').hidden = true;
    $('logout').hidden = true;
    S.text($('who'), '');
  }

  /* ---- now playing ---- */
  function progress() {
    if (!last || !last.now) { $('now-progress').value = 0; S.text($('now-time'), ''); return; }
    var d = last.now.duration || 0;
    /* counted on from the last answer; never past the item's length while
     * the next answer (the next item) is on its way */
    var elapsed = last.now.elapsed + (Date.now() - last.fetched) / 1000;
    if (d) elapsed = Math.min(elapsed, d);
    $('now-progress').value = d ? Math.min(1, elapsed / d) : 0;
    S.text($('now-time'), fmt(elapsed) + ' / ' + fmt(d));
  }
  function fmt(s) {
    s = Math.max(0, Math.floor(s));
    var m = Math.floor(s / 60);
    return m + ':' + ('0' + (s % 60)).slice(-2);
  }
  /* pushed: what the stream says is on air (its start, ms), or null.  The
   * nowplaying answer is a cache the status thread refreshes on its own
   * cadence, so it can trail the push by a moment: an answer that does not
   * have the pushed item yet is asked again shortly. */
  var pushedStart = null;
  var retryTimer = null, retries = 0;
  function stale(data) {
    if (pushedStart === null || !data.now) return false;
    var started = data.now.started_at_ms || Date.parse(data.now.started_at);
    return Math.abs(started - pushedStart) > 1000;
  }
  function refreshNow() {
    S.getJSON('/api/v1/nowplaying').then(function (data) {
      clearTimeout(retryTimer);
      if (stale(data) && retries < 12) { /* 3 s at most */
        retries++;
        retryTimer = setTimeout(refreshNow, 250);
      } else {
        retries = 0;
      }
      data.fetched = Date.now();
      last = data;
      S.text($('station'), data.station.name);
      S.text($('now-title'), data.now ? data.now.title : S.t('nothing'));
      S.text($('now-kind'), data.now ? S.kind(data.now.kind) : '');
      S.text($('alert-headline'), data.alert ? data.alert.headline : '');
      $('alert-box').hidden = !data.alert;
      $('alert-end').hidden = role === 'staff';
      S.renderNext($('next'), data.next);
      var body = $('outputs');
      S.clear(body);
      data.outputs.forEach(function (o) {
        var tr = S.make('tr');
        tr.appendChild(S.make('td', o.name));
        tr.appendChild(S.make('td', o.mount));
        tr.appendChild(S.make('td', o.connected ? '✔' : '✘'));
        tr.appendChild(S.make('td', o.listeners));
        body.appendChild(tr);
      });
      if (data.archive) { /* the disk guard's alarm */
        var row = S.make('tr');
        row.appendChild(S.make('td', S.t('archive')));
        row.appendChild(S.make('td', data.archive.paused ? S.t('archive_paused') : ''));
        row.appendChild(S.make('td', data.archive.recording ? '✔' : '✘'));
        row.appendChild(S.make('td', ''));
        body.appendChild(row);
      }
      progress();
    }).catch(function () { /* next round */ });
    refreshLive();
  }
  function refreshLive() {
    S.getJSON('/api/v1/live').then(function (live) {
      $('live-box').hidden = !live.connected;
      if (!live.connected) return;
      S.text($('live-user'), live.user);
      S.text($('live-format'), live.format || '');
      $('live-meter').value = Math.max(-60, live.level_db);
      S.text($('live-level'), Math.round(live.level_db) + ' dBFS');
    }).catch(function () { /* next round */ });
  }

  /* ---- server push ---- */
  /* The dashboard follows the studio's stream (GET /api/v1/events): a
   * snapshot comes within a fraction of a second of each change, and the
   * parts it shows are fetched then, not every few seconds.  Only while the
   * stream is down does it poll. */
  var source = null;
  var polling = null;
  var seen = { now: null, queue: null };
  function isStaff() { return role === 'staff' || role === 'admin'; }
  function onState(e) {
    var st;
    try { st = JSON.parse(e.data); } catch (err) { return; }
    stopPolling();
    var next = (st.timeline || []).slice(0, 6).map(function (i) { return i.title; });
    pushedStart = st.on_air ? st.on_air.started_ms : null;
    var now = JSON.stringify([st.on_air, next, st.outputs, (st.inserts || []).length]);
    if (now !== seen.now) refreshNow();
    seen.now = now;
    /* not while an answer is recorded: the rows would be rebuilt under the
     * staff member's hands (the edit form holds the list itself) */
    if (seen.queue !== null && st.queue_version !== seen.queue && isStaff() && answering === null) {
      refreshComplaints();
      refreshAnnouncements();
    }
    seen.queue = st.queue_version;
  }
  function startPush() {
    stopPush();
    if (!window.EventSource) { startPolling(); return; }
    seen = { now: null, queue: null };
    source = new EventSource('/api/v1/events');
    source.addEventListener('state', onState);
    source.addEventListener('error', function () {
      /* reconnecting (or refused): poll until a snapshot comes again */
      pushedStart = null;
      startPolling();
      if (source && source.readyState === EventSource.CLOSED) {
        source = null;
        setTimeout(function () { if (csrf && !source) startPush(); }, 15000);
      }
    });
  }
  function stopPush() {
    if (source) source.close();
    source = null;
  }
  function poll() {
    if (!csrf) return;
    refreshNow();
    /* a pending announcement's state changes when it airs */
    if (annPending && isStaff()) refreshAnnouncements();
    if (++polling.rounds % 3 === 0 && isStaff() && answering === null) refreshComplaints();
  }
  function startPolling() {
    if (polling) return;
    polling = { timer: setInterval(poll, 5000), rounds: 0 };
  }
  function stopPolling() {
    if (!polling) return;
    clearInterval(polling.timer);
    polling = null;
  }

  /* ---- complaints ---- */
  function act(id, action) {
    var body;
    if (action === 'forward') {
      var tracking = window.prompt(S.t('tracking_prompt'));
      if (!tracking) return;
      body = { tracking_id: tracking };
    }
    send('POST', '/api/v1/complaints/' + id + '/' + action, body).then(function () {
      notes[id] = { text: S.t('done_' + action), error: false, until: Date.now() + 8000 };
      refreshComplaints();
      refreshNow();
    }).catch(function (e) {
      notes[id] = { text: S.errorText(e), detail: e.message, error: true, until: Date.now() + 20000 };
      refreshComplaints();
    });
  }
  /* the action's outcome, shown in the complaint's row (rebuilt on refresh) */
  function showNote(id, cell) {
    var note = notes[id];
    if (!note) return;
    var left = note.until - Date.now();
    if (left <= 0) { delete notes[id]; return; }
    var el = S.feedback(cell.lastChild, note.text, note.error, note.detail, note.shown);
    note.shown = true; /* scrolled to once, not on every refresh */
    if (!el) return;
    clearTimeout(el.siaranTimer);
    el.siaranTimer = setTimeout(function () { el.hidden = true; delete notes[id]; }, left);
  }
  /* why an airing action is not offered */
  function airBlocked(c) {
    if (c.confidential) return S.t('confidential_why');
    if (!c.consent) return S.t('no_consent_why');
    return '';
  }
  function showLapor(id) {
    S.getJSON('/api/v1/complaints/' + id + '/lapor').then(function (record) {
      var blob = new Blob([JSON.stringify(record, null, 2)], { type: 'application/json' });
      var a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = 'lapor-' + id + '.json';
      document.body.appendChild(a);
      a.click();
      a.remove();
    }).catch(function (e) { say(S.errorText(e), true); });
  }
  /* The complaint's whole history: each step with its time, user and note
   * (the as-run time of airing, the LAPOR! number, the agency). */
  function showHistory(id, row) {
    S.getJSON('/api/v1/complaints/' + id).then(function (c) {
      var cell = row.querySelector('.history-body');
      if (!cell) return; /* closed meanwhile */
      S.clear(cell);
      var list = S.make('ol', undefined, 'plain history');
      c.events.forEach(function (e) {
        var li = S.make('li');
        li.appendChild(S.make('time', (e.at || '').replace('T', ' ').slice(0, 16)));
        var what = S.t('st_' + e.to);
        if (e.note === 'answer on air') what = S.t('answer_aired');
        else if (e.note === 'on air') what += ' (' + S.t('on_air') + ')';
        else if (e.note) what += ': ' + e.note;
        li.appendChild(S.make('span', what + (e.user ? ' · ' + e.user : '')));
        list.appendChild(li);
      });
      cell.appendChild(list);
      if (c.answer_agency) {
        cell.appendChild(S.make('p', S.t('sw_answer') + c.answer_agency + ': ' + (c.answer_text || '')));
      }
      if (answerNotes[id]) cell.appendChild(S.make('p', answerNotes[id], 'answer-note'));
    }).catch(function (e) { say(S.errorText(e), true); });
  }
  function historyRow(tr) {
    var next = tr.nextSibling;
    return next && next.className === 'history-row' ? next : null;
  }
  /* The edit form in a row under the complaint; the list is not rebuilt
   * while it is open, so what is typed stays. */
  function openEdit(c, tr) {
    if (editing !== null) closeEdit();
    editing = c.id;
    var row = S.make('tr', undefined, 'edit-row');
    var cell = S.make('td');
    cell.colSpan = 6;
    var save = function (body) { return send('PATCH', '/api/v1/complaints/' + c.id, body); };
    cell.appendChild(S.complaintEditor(c, save, function () {
      notes[c.id] = { text: S.t('edit_saved'), error: false, until: Date.now() + 8000 };
      closeEdit();
    }, closeEdit));
    row.appendChild(cell);
    tr.parentNode.insertBefore(row, tr.nextSibling);
    row.querySelector('input[name=title]').focus();
  }
  function closeEdit() {
    var open = document.querySelector('#complaints .edit-row');
    if (open) open.remove();
    editing = null;
    refreshComplaints();
  }
  function toggleHistory(id, tr) {
    var open = historyRow(tr);
    if (open) {
      if (answering === id) closeAnswer();
      open.remove();
      delete openHistory[id];
      return null;
    }
    openHistory[id] = true;
    var row = S.make('tr', undefined, 'history-row');
    var cell = S.make('td');
    cell.colSpan = 6;
    cell.appendChild(S.make('div', undefined, 'history-body'));
    row.appendChild(cell);
    tr.parentNode.insertBefore(row, tr.nextSibling);
    showHistory(id, row);
    return row;
  }

  /* ---- the agency's answer, recorded in the complaint's view ---- */
  /* The form is one element, moved into the view of the complaint it is for
   * and back; moving keeps what was typed, chosen or recorded. */
  function answerForm() { return $('answer-form'); }
  function answerStatus(message, isError) {
    var el = $('answer-status');
    S.text(el, message);
    el.className = isError ? 'error' : 'muted';
  }
  function openAnswer(c, tr, byHand) {
    var form = answerForm();
    if (answering !== c.id) {
      form.reset();
      answerStatus('');
    }
    answering = c.id;
    S.text($('answer-heading'), S.t('a_answer') + ' · #' + c.id + ' ' + c.title);
    var row = historyRow(tr) || toggleHistory(c.id, tr);
    row.firstChild.appendChild(form);
    form.hidden = false;
    if (byHand) form.elements.agency.focus();
  }
  function closeAnswer() {
    var form = answerForm();
    answering = null;
    form.hidden = true;
    form.reset();
    answerStatus('');
    $('answer-home').appendChild(form);
  }
  /* The server's refusals of an answer, said in the panel's language by the
   * API's error code (an answer's own wording where it has one, else the
   * code's); the API's own message (English) follows in English or when
   * there is no better one. */
  var answerErrors = {
    field_required: 'ae_400', field_invalid: 'ae_400', text_length: 'ae_400',
    answer_missing: 'ae_empty', not_logged_in: 'ae_401', role_forbidden: 'ae_403',
    not_found: 'ae_404', complaint_state: 'ae_409', recording_duplicate: 'ae_409_library',
    body_too_large: 'ae_413', not_audio: 'ae_422', rate_limited: 'ae_busy',
    db_busy: 'ae_busy', server_busy: 'ae_busy'
  };
  function answerError(err) {
    var key = err.status === 0 ? 'ae_network' : answerErrors[err.code];
    var text = key ? S.t(key) : err.code ? S.errorText(err) : S.t('ae_other');
    var english = document.documentElement.lang === 'en';
    if (err.status && err.message && (english || !key)) text += ' (' + err.message + ')';
    return text;
  }
  function answerSubmit(e) {
    e.preventDefault();
    var f = answerForm();
    var id = answering;
    var agency = f.elements.agency.value.trim();
    var text = f.elements.text.value.trim();
    var file = f.elements.audio.files[0];
    if (!agency) {
      answerStatus(S.t('ae_agency'), true);
      f.elements.agency.focus();
      return;
    }
    if (!file && !text) { answerStatus(S.t('ae_empty'), true); return; }
    var form = new FormData();
    form.append('agency', agency);
    if (text) form.append('text', text);
    if (file) form.append('audio', file);
    $('answer-submit').disabled = true;
    answerStatus(S.t(file ? 'answer_uploading' : 'answer_saving'));
    upload('/api/v1/complaints/' + id + '/answer', form, $('answer-progress')).then(function () {
      answerNotes[id] = S.t('answer_saved');
      closeAnswer();
      refreshComplaints();
    }).catch(function (err) {
      answerStatus(answerError(err), true);
    }).then(function () { $('answer-submit').disabled = false; });
  }
  function refreshComplaints() {
    if (editing !== null) return;
    var filter = $('filter').value;
    var url = '/api/v1/complaints' + (filter ? '?status=' + encodeURIComponent(filter) : '');
    S.getJSON(url).then(function (data) {
      var counts = [];
      Object.keys(data.counts).forEach(function (k) {
        counts.push(S.t('st_' + k) + ': ' + data.counts[k]);
      });
      if (data.overdue > 0) counts.push(S.t('sw_overdue') + ': ' + data.overdue);
      S.text($('counts'), counts.join(' · '));
      var body = $('complaints');
      var form = answerForm();
      if (body.contains(form)) $('answer-home').appendChild(form); /* kept while the rows go */
      S.clear(body);
      var stillOpen = false;
      data.complaints.forEach(function (c) {
        var tr = S.make('tr');
        tr.appendChild(S.make('td', c.id));
        var title = S.make('td');
        title.appendChild(S.make('strong', c.title));
        if (c.summary) title.appendChild(S.make('div', c.summary, 'muted'));
        if (c.duration) title.appendChild(S.make('div', fmt(c.duration), 'muted duration'));
        var player = S.make('audio', undefined, 'complaint-audio');
        player.controls = true;
        player.preload = 'none';
        player.src = '/api/v1/complaints/' + c.id + '/audio';
        player.setAttribute('aria-label', S.t('listen_rec') + ' #' + c.id);
        title.appendChild(player);
        var flags = [];
        if (c.confidential) flags.push(S.t('confidential'));
        if (!c.consent) flags.push('¬ ' + S.t('consent'));
        if (c.source === 'public') flags.push(S.t('from_public') + ' ' + (c.reference || ''));
        if (c.overdue) flags.push(S.t('sw_overdue') + ' (' + c.answer_due + ')');
        else if (c.answer_due) flags.push(S.t('answer_due') + ' ' + c.answer_due);
        if (flags.length) title.appendChild(S.make('div', flags.join(' · '), 'muted'));
        tr.appendChild(title);
        tr.appendChild(S.make('td', c.location));
        var caller = [c.caller_name, c.caller_phone].filter(Boolean).join(' ');
        tr.appendChild(S.make('td', (caller || '–') + (c.anonymous ? ' ' + S.t('anon_caller') : '')));
        var status = S.t('st_' + c.status) + (c.air_next ? ' ★' : '') +
          (c.queue_position ? ' #' + c.queue_position : '');
        tr.appendChild(S.make('td', status));
        var cell = S.make('td');
        var blocked = airBlocked(c);
        var whyId = 'why-not-' + c.id;
        (actions[c.status] || []).forEach(function (a) {
          var b = S.make('button', S.t('a_' + a), a === 'reject' ? 'danger' : '');
          b.type = 'button';
          /* offered but disabled, with the reason next to it */
          if ((a === 'air-next' || a === 'queue') && blocked) {
            b.disabled = true;
            b.setAttribute('aria-describedby', whyId);
          }
          b.addEventListener('click', function () {
            if (a === 'answer') openAnswer(c, tr, true);
            else act(c.id, a);
          });
          cell.appendChild(b);
        });
        if (S.complaintEditable(c)) {
          var edit = S.make('button', S.t('a_edit'), 'secondary edit');
          edit.type = 'button';
          edit.addEventListener('click', function () { openEdit(c, tr); });
          cell.appendChild(edit);
        }
        var lapor = S.make('button', S.t('a_lapor'), 'secondary');
        lapor.type = 'button';
        lapor.addEventListener('click', function () { showLapor(c.id); });
        cell.appendChild(lapor);
        var history = S.make('button', S.t('a_history'), 'secondary');
        history.type = 'button';
        history.addEventListener('click', function () { toggleHistory(c.id, tr); });
        cell.appendChild(history);
        if (blocked && (actions[c.status] || []).indexOf('air-next') >= 0) {
          var why = S.make('p', blocked, 'muted why-not');
          why.id = whyId;
          cell.appendChild(why);
        }
        showNote(c.id, cell);
        tr.appendChild(cell);
        body.appendChild(tr);
        if (openHistory[c.id]) toggleHistory(c.id, tr);
        if (answering === c.id && c.status === 'forwarded') {
          stillOpen = true;
          openAnswer(c, tr);
        }
      });
      /* answered elsewhere, closed, or filtered out of the list */
      if (answering !== null && !stillOpen) closeAnswer();
    }).catch(function (e) { say(S.errorText(e), true); });
  }

  /* ---- the monthly report: counts, medians and a bar per category ---- */
  function refreshReport() {
    var month = $('report-month').value;
    var url = '/api/v1/complaints/report' + (month ? '?month=' + encodeURIComponent(month) : '');
    S.getJSON(url).then(function (r) {
      if (!$('report-month').value) $('report-month').value = r.month;
      $('report-csv').href = '/api/v1/complaints/report?format=csv&month=' + encodeURIComponent(r.month);
      var keys = ['received', 'aired', 'forwarded', 'answered', 'overdue'];
      S.text($('report-totals'), keys.map(function (k) { return S.t('r_' + k) + ': ' + r[k]; }).join(' · '));
      var medians = [];
      if (r.median_days_received_to_aired !== null) {
        medians.push(S.t('r_median_air') + ': ' + r.median_days_received_to_aired.toFixed(1));
      }
      if (r.median_workdays_forwarded_to_answered !== null) {
        medians.push(S.t('r_median_answer') + ': ' + r.median_workdays_forwarded_to_answered.toFixed(1));
      }
      S.text($('report-medians'), medians.join(' · '));
      var body = $('report-rows');
      S.clear(body);
      var rows = r.by_category.map(function (c) { return [S.t('category'), c.category, c]; })
        .concat(r.by_location.map(function (l) { return [S.t('location'), l.location, l]; }));
      var most = 1;
      rows.forEach(function (row) { most = Math.max(most, row[2].received); });
      rows.forEach(function (row) {
        var tr = S.make('tr');
        tr.appendChild(S.make('td', row[0]));
        tr.appendChild(S.make('td', row[1]));
        var bar = S.make('td');
        var p = S.make('progress');
        p.max = most;
        p.value = row[2].received;
        bar.appendChild(p);
        tr.appendChild(bar);
        keys.forEach(function (k) { tr.appendChild(S.make('td', row[2][k])); });
        body.appendChild(tr);
      });
    }).catch(function (e) { say(S.errorText(e), true); });
  }

  /* A multipart upload with a progress bar (fetch cannot report upload
   * progress, XMLHttpRequest can). */
  function upload(url, form, bar) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open('POST', url);
      xhr.setRequestHeader('X-CSRF-Token', csrf);
      bar.hidden = false;
      bar.value = 0;
      xhr.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable) bar.value = e.loaded / e.total;
      });
      xhr.addEventListener('load', function () {
        bar.hidden = true;
        var data = {};
        try { data = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        if (xhr.status >= 200 && xhr.status < 300) resolve(data);
        else reject(S.refusal(xhr.status, data));
      });
      xhr.addEventListener('error', function () { bar.hidden = true; reject(S.failure('network', 0)); });
      xhr.send(form);
    });
  }

  function complaintSubmit(e) {
    e.preventDefault();
    var f = e.target;
    var form = new FormData(f);
    ['anonymous', 'confidential', 'consent'].forEach(function (k) {
      form.set(k, f.elements[k].checked ? '1' : '0');
    });
    var button = f.querySelector('button[type=submit]');
    upload('/api/v1/complaints', form, $('upload-progress')).then(function () {
      tell(button, S.t('uploaded'));
      f.reset();
      refreshComplaints();
    }).catch(warn(button));
  }

  /* ---- announcements ---- */
  /* Each with its real state; a pending one can be cancelled (the inserts
   * route cancels pending announcements). */
  var annPending = false;
  function annWhen(a) {
    if (a.mode === 'at') return S.t('ann_at') + S.clock(a.air_at);
    return S.t('ann_' + a.mode);
  }
  function refreshAnnouncements() {
    S.getJSON('/api/v1/announcements').then(function (data) {
      var list = $('announcements');
      S.clear(list);
      annPending = false;
      data.announcements.slice(0, 10).forEach(function (a) {
        var li = S.make('li', undefined, 'ann ann-' + a.status + (a.mode === 'now' ? ' ann-urgent' : ''));
        li.setAttribute('data-id', a.id);
        li.appendChild(S.make('time', S.clock(a.created_at)));
        li.appendChild(S.make('span', a.title + ' '));
        li.appendChild(S.make('span', annWhen(a) + ' · ' + S.t('ann_' + a.status), 'tag ann-state'));
        if (a.status === 'pending') {
          annPending = true;
          var cancel = S.make('button', S.t('ann_cancel'), 'secondary ann-cancel');
          cancel.type = 'button';
          cancel.addEventListener('click', function () { cancelAnnouncement(a, cancel); });
          li.appendChild(cancel);
        }
        list.appendChild(li);
      });
    }).catch(warn($('announcements')));
  }
  function cancelAnnouncement(a, button) {
    if (!window.confirm(S.t('confirm_cancel_ann'))) return;
    send('DELETE', '/api/v1/inserts/' + a.id).then(function () {
      tell($('announcements'), S.t('ann_cancelled_msg'));
      refreshAnnouncements();
    }).catch(function (err) { S.showError($('announcements'), err); refreshAnnouncements(); });
  }
  function preview() {
    var button = $('preview');
    var text = $('announcement-form').elements.text.value;
    if (!text) return;
    send('POST', '/api/v1/announcements/preview', { text: text }).then(function (r) {
      return r.blob();
    }).then(function (blob) {
      var player = $('preview-player');
      player.src = URL.createObjectURL(blob);
      player.hidden = false;
      player.play();
    }).catch(warn(button));
  }
  /* "now" cuts what airs: it looks urgent and asks first */
  function modeChanged() {
    var f = $('announcement-form');
    var mode = f.elements.mode.value;
    f.elements.mode.classList.toggle('urgent', mode === 'now');
    $('ann-submit').classList.toggle('danger', mode === 'now');
    $('at-field').hidden = mode !== 'at';
  }
  function announcementSubmit(e) {
    e.preventDefault();
    var f = e.target;
    var button = $('ann-submit');
    var at = f.elements.at.value;
    var mode = f.elements.mode.value;
    if (mode === 'now' && !window.confirm(S.t('confirm_now'))) return;
    var done = function () {
      tell(button, S.t('sent'));
      f.reset();
      modeChanged();
      refreshAnnouncements();
      refreshNow();
    };
    if (f.elements.audio.files.length) {
      var form = new FormData(f);
      upload('/api/v1/announcements', form, $('upload-progress')).then(done).catch(warn(button));
    } else {
      var body = { text: f.elements.text.value, mode: mode };
      if (mode === 'at') body.at = at;
      send('POST', '/api/v1/announcements', body).then(done).catch(warn(button));
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('login-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var f = e.target;
      send('POST', '/api/v1/session', { username: f.elements.username.value,
                                        password: f.elements.password.value })
        .then(function (data) { f.reset(); say(''); showLoggedIn(data); })
        .catch(function (err) { say(S.errorText(err), true); $('message').title = err.message; });
    });
    $('logout').addEventListener('click', function () {
      send('DELETE', '/api/v1/session').then(function () { say(S.t('logged_out')); showLogin(); })
        .catch(function () { showLogin(); });
    });
    $('alert-end').addEventListener('click', function () {
      if (!last || !last.alert) return;
      send('POST', '/api/v1/alerts/' + last.alert.id + '/end').then(function () {
        tell($('alert-box'), S.t('alert_ended'));
        setTimeout(refreshNow, 800);
      }).catch(warn($('alert-end')));
    });
    $('skip').addEventListener('click', function () {
      if (!window.confirm(S.t('confirm_skip'))) return;
      send('POST', '/api/v1/playout/skip').then(function () {
        tell($('skip'), S.t('skipped'));
        setTimeout(refreshNow, 800);
      }).catch(warn($('skip')));
    });
    $('filter').addEventListener('change', refreshComplaints);
    $('report-show').addEventListener('click', refreshReport);
    $('complaint-form').addEventListener('submit', complaintSubmit);
    $('announcement-form').addEventListener('submit', announcementSubmit);
    $('announcement-form').elements.mode.addEventListener('change', modeChanged);
    $('preview').addEventListener('click', preview);
    $('answer-form').addEventListener('submit', answerSubmit);
    /* a refusal stays until the staff member changes something */
    var fresh = function () { if ($('answer-status').className === 'error') answerStatus(''); };
    $('answer-form').addEventListener('input', fresh);
    $('answer-form').addEventListener('change', fresh);
    $('ans-rec-start').addEventListener('click', fresh);
    $('answer-cancel').addEventListener('click', closeAnswer);
    document.addEventListener('siaran-lang', function () {
      if (!csrf) return;
      S.text($('who'), $('who').textContent.replace(/\(.*\)$/, '(' + S.role(role) + ')'));
      refreshNow();
      if (role === 'staff' || role === 'admin') { refreshComplaints(); refreshAnnouncements(); }
    });
    S.getJSON('/api/v1/session').then(showLoggedIn).catch(showLogin);
    /* the live input's level meter moves on its own: read while it shows */
    setInterval(function () {
      if (csrf && !$('live-box').hidden) refreshLive();
    }, 2000);
    setInterval(progress, 1000);
  });
})();
