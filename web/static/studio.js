/* The studio screen.  State comes by server push (GET /api/v1/events, one
 * snapshot of the station per change); the clock and the times left count
 * down here between snapshots.  Every control says what happened next to
 * itself, in Bahasa Indonesia or, by the switch in the header, in English
 * (the words are common.js's sd_* keys; the page is drawn again when the
 * language changes); server errors are put into the panel's language by
 * common.js (the server's English reason stays in the tooltip).  Values
 * from the server only ever go into the page as text. */
'use strict';
(function () {
  var S = Siaran;
  var csrf = null;
  var role = null;
  var state = null;        /* the latest snapshot */
  var offsetMin = 0;       /* the station zone's offset from UTC */
  var source = null;       /* the EventSource */
  var queueVersion = -1;   /* complaints are fetched again when it moves */
  var editing = null;      /* the complaint whose edit form is open (the list waits) */
  var skipTimer = null;
  var skipLeft = 0;
  var SKIP_DELAY = 5;      /* seconds to take a skip back */
  var LONG_PRESS_MS = 600;

  var t = S.t;
  /* what the staff may do to a complaint in each state (complaints.c) */
  var actions = {
    received: ['verify', 'reject'],
    verified: ['queue', 'air-next', 'reject'],
    queued: ['air-next', 'reject']
  };
  var complaintLists = null; /* the latest complaint lists, drawn again in another language */
  var cartItems = null;      /* the cart wall's library items, likewise */
  var insertFeedback = {};   /* insert id -> {text, error, detail, until}: survives a redraw */
  var insertFocus = null;    /* {id, dir}: the move button to focus after the redraw */

  function $(id) { return document.getElementById(id); }
  function mode(m) { return m === 'next' || m === 'now' || m === 'at' ? t('sd_mode_' + m) : m; }

  /* ---- talking to the server ---- */
  /* err.message is the server's English reason (the tooltip), err.code the
   * API's error code; what is said is common.js's text for the code in the
   * panel's language, chosen when it is said (the language may switch) */
  function send(method, url, body, raw) {
    var options = { method: method, credentials: 'same-origin', headers: {} };
    if (csrf) options.headers['X-CSRF-Token'] = csrf;
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).catch(function () {
      throw S.failure('network', 0);
    }).then(function (r) {
      if (r.ok) return raw ? r : r.json();
      return r.json().catch(function () { return null; }).then(function (data) {
        throw S.refusal(r.status, data);
      });
    });
  }
  /* feedback next to the control: el is the element that shows it */
  function say(el, message, isError) {
    S.text(el, message);
    el.className = 'fb' + (isError ? ' error' : '');
    if (isError && arguments[3]) el.title = arguments[3]; else el.removeAttribute('title');
    clearTimeout(el.sayTimer);
    el.sayTimer = setTimeout(function () { S.text(el, ''); }, isError ? 12000 : 6000);
  }
  function fail(el) {
    return function (e) { say(el, S.errorText(e), true, e.message); };
  }

  /* ---- time ---- */
  function two(n) { return ('0' + n).slice(-2); }
  function stationDate(ms) { return new Date(ms + offsetMin * 60000); }
  function hhmm(ms) { var d = stationDate(ms); return two(d.getUTCHours()) + ':' + two(d.getUTCMinutes()); }
  function span(seconds) {
    var s = Math.max(0, Math.round(seconds));
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    return (h ? h + ':' + two(m) : m) + ':' + two(s % 60);
  }
  function nowMs() { return Date.now(); }

  function tick() {
    var now = nowMs();
    var d = stationDate(now);
    if (!state) return; /* the station's zone comes with the first snapshot */
    S.text($('clock'), two(d.getUTCHours()) + ':' + two(d.getUTCMinutes()) + ':' + two(d.getUTCSeconds()));
    S.text($('clock-date'), t('sd_days').split(',')[d.getUTCDay()] + ', ' + d.getUTCDate() + ' ' +
                            t('sd_months').split(',')[d.getUTCMonth()]);
    var a = state.on_air;
    if (a && a.duration > 0) {
      var elapsed = (now - a.started_ms) / 1000;
      S.text($('onair-left'), span(a.duration - elapsed));
      $('onair-bar').style.width = Math.min(100, Math.max(0, 100 * elapsed / a.duration)) + '%';
    } else {
      S.text($('onair-left'), '–');
      $('onair-bar').style.width = '0';
    }
    var h = state.next_hard;
    S.text($('hard-count'), h ? t('sd_in') + span((h.at_ms - now) / 1000) : '');
    S.text($('show-left'), state.show ? span((state.show.end_ms - now) / 1000) : '–');
  }

  /* ---- the snapshot ---- */
  function onState(e) {
    var next;
    try { next = JSON.parse(e.data); } catch (err) { return; }
    state = next;
    render();
  }
  function render() {
    if (!state) return;
    var m = /([+-])(\d\d):(\d\d)$/.exec(state.zone_now || '');
    offsetMin = m ? (m[1] === '-' ? -1 : 1) * (parseInt(m[2], 10) * 60 + parseInt(m[3], 10)) : 0;
    S.text($('station'), state.station);
    renderOnAir();
    renderHard();
    renderShow();
    renderOutputs();
    renderTimeline();
    renderInserts();
    if (state.queue_version !== queueVersion) {
      queueVersion = state.queue_version;
      refreshComplaints();
    }
    tick();
  }
  function renderOnAir() {
    var a = state.on_air;
    S.text($('onair-title'), a ? a.title : t('nothing'));
    S.text($('onair-kind'), a ? S.kind(a.kind) : '');
    S.text($('onair-artist'), a ? a.artist : '');
    var urgent = a && (a.kind === 'announcement' || a.kind === 'alert');
    $('onair-kind').className = 'tag kind-' + (a ? a.kind : '');
    document.querySelector('.onair').classList.toggle('urgent', !!urgent);
  }
  /* "ILM DBD 09:30 tepat": the name, the station time, the word */
  function hardLabel(h) {
    return (h.name !== undefined ? h.name : h.label) + ' ' + hhmm(h.at_ms) + ' ' + t('sd_sharp');
  }
  function renderHard() {
    var h = state.next_hard;
    S.text($('hard-label'), h ? hardLabel(h) : t('sd_none24'));
  }
  function renderShow() {
    var s = state.show;
    S.text($('show-name'), s ? s.name : t('sd_no_show'));
    S.text($('show-host'), s && s.host ? t('sd_with') + s.host : '');
  }
  function renderOutputs() {
    var ul = $('outputs');
    S.clear(ul);
    (state.outputs || []).forEach(function (o) {
      var li = S.make('li');
      li.appendChild(S.make('span', o.connected ? t('sd_connected') : t('sd_disconnected'),
                            'badge ' + (o.connected ? 'ok' : 'no')));
      li.appendChild(S.make('span', o.name + ' · ' + o.listeners + t('sd_listeners')));
      ul.appendChild(li);
    });
    if (!ul.firstChild) ul.appendChild(S.make('li', t('sd_no_outputs'), 'muted'));
  }
  function renderTimeline() {
    var ol = $('timeline');
    var now = nowMs();
    var rows = [];
    var a = state.on_air;
    /* what airs comes from the engine; the plan's own guess for now is dropped
     * (an urgent item or a skip is not in it) */
    if (a) rows.push({ at: a.started_ms, text: a.title, kind: a.kind, now: true, ins: !!a.insert_id });
    /* an insert or an urgent item on air is still pending in the database
     * until its status is written: the plan would show it again */
    var oneShot = a && (a.kind === 'announcement' || a.kind === 'alert' || a.insert_id);
    /* the queued inserts' titles, to mark them in the plan */
    var queued = {};
    (state.inserts || []).forEach(function (ins) { queued[ins.title] = true; });
    (state.timeline || []).forEach(function (it) {
      if (it.start_ms <= now) return;
      if (oneShot && it.kind === a.kind && it.title === a.title) return;
      rows.push({ at: it.start_ms, text: it.title, kind: it.kind, ins: !!queued[it.title] });
    });
    (state.hard || []).forEach(function (h) {
      rows.push({ at: h.at_ms, text: '⏱ ' + hardLabel(h), hard: true });
    });
    rows.sort(function (x, y) {
      return (y.now ? 1 : 0) - (x.now ? 1 : 0) || x.at - y.at || (y.hard ? 1 : 0) - (x.hard ? 1 : 0);
    });
    S.clear(ol);
    rows.forEach(function (r) {
      var li = S.make('li', undefined, r.hard ? 'hardev' : r.now ? 'now' : '');
      if (!r.hard && (r.ins || r.kind === 'announcement' || r.kind === 'alert')) li.classList.add('ins');
      li.appendChild(S.make('time', hhmm(r.at)));
      li.appendChild(S.make('span', r.text));
      if (r.kind) li.appendChild(S.make('span', S.kind(r.kind), 'tag'));
      ol.appendChild(li);
    });
  }
  /* feedback of an insert's controls, kept by its id: the list is drawn
   * again by the next snapshot, which the action itself causes */
  function insertSay(id, message, isError, detail) {
    insertFeedback[id] = { text: message, error: !!isError, detail: detail,
                           until: Date.now() + (isError ? 12000 : 6000) };
    if (state) renderInserts();
  }
  /* a queued insert one place up (-1) or down (+1) among the queued ones */
  function moveInsert(ins, position, dir) {
    insertFocus = { id: ins.id, dir: dir };
    insertSay(ins.id, t('sd_moving'));
    send('POST', '/api/v1/inserts/' + ins.id + '/move', { position: position }).then(function (r) {
      insertSay(ins.id, t('sd_moved') + (r.position + 1) + '.');
    }).catch(function (e) { insertSay(ins.id, S.errorText(e), true, e.message); });
  }
  function renderInserts() {
    var ul = $('inserts');
    var list = state.inserts || [];
    var queued = list.filter(function (ins) { return ins.mode === 'next'; });
    var focused = document.activeElement && ul.contains(document.activeElement) ? document.activeElement : null;
    var refocus = insertFocus;
    if (!refocus && focused && focused.getAttribute('data-id'))
      refocus = { id: Number(focused.getAttribute('data-id')), dir: focused.getAttribute('data-dir') };
    S.clear(ul);
    $('inserts-none').hidden = list.length > 0;
    var now = Date.now();
    list.forEach(function (ins) {
      var li = S.make('li');
      li.setAttribute('data-insert', ins.id);
      var place = queued.indexOf(ins);
      var label = (place >= 0 ? (place + 1) + '. ' : '') + ins.title + ' · ' + mode(ins.mode) +
                  (ins.air_at_ms ? ' ' + hhmm(ins.air_at_ms) : '');
      li.appendChild(S.make('span', label, 't'));
      var ctl = S.make('span', undefined, 'ictl');
      var buttons = [];
      if (place >= 0) {
        [['up', -1], ['down', 1]].forEach(function (d) {
          var b = S.make('button', t('sd_' + d[0]), 'secondary move');
          b.type = 'button';
          b.setAttribute('data-id', ins.id);
          b.setAttribute('data-dir', d[0]);
          b.setAttribute('aria-label', t('sd_' + d[0] + '_label') + ins.title);
          var to = place + d[1];
          b.disabled = to < 0 || to >= queued.length;
          b.addEventListener('click', function () { moveInsert(ins, to, d[0]); });
          ctl.appendChild(b);
          buttons.push(b);
        });
      }
      var rm = S.make('button', t('sd_remove'), 'secondary remove');
      rm.type = 'button';
      rm.setAttribute('data-id', ins.id);
      rm.setAttribute('data-dir', 'remove');
      rm.setAttribute('aria-label', t('sd_remove_label') + ins.title);
      rm.addEventListener('click', function () {
        rm.disabled = true;
        send('DELETE', '/api/v1/inserts/' + ins.id).then(function () {
          say($('inserts-fb'), t('sd_removed'));
        }).catch(function (e) { rm.disabled = false; insertSay(ins.id, S.errorText(e), true, e.message); });
      });
      ctl.appendChild(rm);
      buttons.push(rm);
      li.appendChild(ctl);
      var fb = S.make('span', '', 'fb');
      fb.setAttribute('role', 'status');
      var said = insertFeedback[ins.id];
      if (said && said.until > now) {
        S.text(fb, said.text);
        if (said.error) { fb.className = 'fb error'; fb.title = said.detail || ''; }
      }
      li.appendChild(fb);
      ul.appendChild(li);
      /* the keyboard stays on the control that was used, or the one beside it */
      if (refocus && refocus.id === ins.id) {
        var target = buttons.filter(function (b) { return b.getAttribute('data-dir') === refocus.dir && !b.disabled; })[0] ||
                     buttons.filter(function (b) { return !b.disabled; })[0];
        if (target && (focused || insertFocus)) target.focus();
      }
    });
    if (insertFocus && list.some(function (ins) { return ins.id === insertFocus.id; })) insertFocus = null;
  }

  function connect() {
    if (source) source.close();
    source = new EventSource('/api/v1/events');
    source.addEventListener('state', onState);
    source.addEventListener('open', function () {
      S.text($('link'), t('sd_link_ok'));
      $('link').className = 'link-state';
    });
    source.addEventListener('error', function () {
      S.text($('link'), t('sd_link_bad'));
      $('link').className = 'link-state bad';
      /* a 401 closes the stream for good: the session has ended */
      if (source.readyState === EventSource.CLOSED) {
        S.getJSON('/api/v1/session').then(function () { setTimeout(connect, 2000); })
          .catch(showLogin);
      }
    });
  }

  /* ---- skip with a short undo ---- */
  function skipClick() {
    var b = $('skip'), fb = $('skip-fb');
    if (skipTimer) { /* the second press takes it back */
      clearInterval(skipTimer);
      skipTimer = null;
      skipLeft = 0;
      S.text(b, t('sd_skip'));
      say(fb, t('sd_skip_back'));
      return;
    }
    skipLeft = SKIP_DELAY;
    S.text(b, t('sd_skip_undo') + ' (' + skipLeft + ')');
    say(fb, t('sd_skip_in') + skipLeft + t('sd_seconds'));
    skipTimer = setInterval(function () {
      skipLeft--;
      if (skipLeft > 0) {
        S.text(b, t('sd_skip_undo') + ' (' + skipLeft + ')');
        S.text(fb, t('sd_skip_in') + skipLeft + t('sd_seconds'));
        return;
      }
      clearInterval(skipTimer);
      skipTimer = null;
      S.text(b, t('sd_skip'));
      send('POST', '/api/v1/playout/skip').then(function () { say(fb, t('sd_skipped')); })
        .catch(fail(fb));
    }, 1000);
  }

  /* ---- the cart wall ---- */
  function cartSend(item, mode, fb) {
    send('POST', '/api/v1/inserts', { media_id: item.id, mode: mode }).then(function () {
      say(fb, mode === 'now' ? t('sd_cart_now') : t('sd_cart_next'));
    }).catch(fail(fb));
  }
  function cart(item) {
    var box = S.make('div', undefined, 'cart');
    var b = S.make('button', item.title, 'play' + (item.kind === 'psa' ? ' psa' : ''));
    b.type = 'button';
    b.setAttribute('aria-label', item.title + t('sd_cart_label'));
    var fb = S.make('span', '', 'fb');
    fb.setAttribute('role', 'status');
    var confirm = S.make('div', undefined, 'confirm');
    confirm.hidden = true;
    var yes = S.make('button', t('sd_yes_now'), 'danger');
    yes.type = 'button';
    var no = S.make('button', t('sd_cancel'), 'secondary');
    no.type = 'button';
    confirm.appendChild(yes);
    confirm.appendChild(no);
    var timer = null, longPressed = false;
    b.addEventListener('pointerdown', function () {
      longPressed = false;
      timer = setTimeout(function () { longPressed = true; confirm.hidden = false; yes.focus(); },
                         LONG_PRESS_MS);
    });
    ['pointerup', 'pointerleave', 'pointercancel'].forEach(function (ev) {
      b.addEventListener(ev, function () { clearTimeout(timer); });
    });
    b.addEventListener('contextmenu', function (e) { e.preventDefault(); });
    b.addEventListener('click', function () {
      if (longPressed) { longPressed = false; return; }
      cartSend(item, 'next', fb);
    });
    /* the keyboard's long press: Shift+Enter asks for "now" */
    b.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && e.shiftKey) { e.preventDefault(); confirm.hidden = false; yes.focus(); }
    });
    yes.addEventListener('click', function () { confirm.hidden = true; cartSend(item, 'now', fb); b.focus(); });
    no.addEventListener('click', function () { confirm.hidden = true; say(fb, t('sd_cancelled')); b.focus(); });
    box.appendChild(b);
    box.appendChild(confirm);
    box.appendChild(fb);
    return box;
  }
  function loadCarts() {
    Promise.all(['jingle', 'psa'].map(function (k) {
      return S.getJSON('/api/v1/media?limit=12&kind=' + k).then(function (d) { return d.media; })
        .catch(function () { return []; });
    })).then(function (lists) {
      cartItems = lists[0].concat(lists[1]).slice(0, 12);
      renderCarts();
    });
  }
  function renderCarts() {
    var wall = $('carts');
    if (!cartItems) return;
    S.clear(wall);
    cartItems.forEach(function (it) { wall.appendChild(cart(it)); });
    $('carts-none').hidden = cartItems.length > 0;
  }

  /* ---- the complaint queue ---- */
  function complaintRow(c) {
    var li = S.make('li');
    li.setAttribute('data-id', c.id);
    li.appendChild(S.make('strong', c.title));
    var line = S.make('div');
    line.appendChild(S.make('span', t('st_' + c.status), 'badge'));
    var aired = c.consent && !c.confidential;
    line.appendChild(S.make('span', c.consent ? t('sd_consent_ok') : t('sd_consent_no'), 'badge ' + (c.consent ? 'ok' : 'no')));
    if (c.confidential) line.appendChild(S.make('span', t('sd_confidential'), 'badge no'));
    if (c.air_next) line.appendChild(S.make('span', t('sd_next_star'), 'badge'));
    if (c.location) line.appendChild(S.make('span', c.location, 'muted'));
    li.appendChild(line);
    if (c.summary) li.appendChild(S.make('div', c.summary, 'muted'));
    if (c.duration) {
      var audio = document.createElement('audio');
      audio.controls = true;
      audio.preload = 'none';
      audio.src = '/api/v1/complaints/' + c.id + '/audio';
      audio.setAttribute('aria-label', t('sd_listen_c') + c.title);
      li.appendChild(audio);
    }
    var ctl = S.make('div', undefined, 'ctl');
    var fb = S.make('span', '', 'fb');
    fb.setAttribute('role', 'status');
    (actions[c.status] || []).forEach(function (a) {
      var airs = a === 'queue' || a === 'air-next';
      if (a === 'air-next' && c.air_next) return;
      var b = S.make('button', t('a_' + a), a === 'reject' ? 'danger' : '');
      b.type = 'button';
      if (airs && !aired) {
        b.disabled = true;
        b.title = c.confidential ? t('sd_why_conf') : t('sd_why_consent');
      }
      b.addEventListener('click', function () {
        b.disabled = true;
        send('POST', '/api/v1/complaints/' + c.id + '/' + a).then(function () {
          say(fb, t('done_' + a));
          refreshComplaints();
        }).catch(function (e) { b.disabled = false; fail(fb)(e); });
      });
      ctl.appendChild(b);
    });
    if (S.complaintEditable(c)) {
      var edit = S.make('button', S.t('a_edit'), 'secondary edit');
      edit.type = 'button';
      edit.setAttribute('aria-label', S.t('a_edit') + ' ' + c.title);
      edit.addEventListener('click', function () { openEdit(c, li, edit); });
      ctl.appendChild(edit);
    }
    ctl.appendChild(fb);
    li.appendChild(ctl);
    if (!aired && (c.status === 'verified' || c.status === 'queued'))
      li.appendChild(S.make('div', c.confidential ? t('sd_reason_conf') : t('sd_reason_consent'), 'reason'));
    return li;
  }
  /* The edit form under the complaint; the queue is not rebuilt while it is
   * open, so what is typed stays. */
  function openEdit(c, li, button) {
    if (editing !== null) return;
    editing = c.id;
    button.disabled = true;
    /* a refusal is said next to the form's button by common.js, by its code */
    var save = function (body) { return send('PATCH', '/api/v1/complaints/' + c.id, body); };
    var form = S.complaintEditor(c, save, function () {
      closeEdit().then(function () {
        var fb = document.querySelector('#complaints li[data-id="' + c.id + '"] .fb');
        if (fb) say(fb, S.t('edit_saved'));
      });
    }, closeEdit);
    li.appendChild(form);
    form.elements.title.focus();
  }
  function closeEdit() {
    editing = null;
    return refreshComplaints();
  }
  function refreshComplaints() {
    if (editing !== null) return Promise.resolve();
    if (role !== 'staff' && role !== 'admin') {
      $('aduan-note').hidden = false;
      S.text($('aduan-note'), t('sd_cq_staff'));
      return Promise.resolve();
    }
    return Promise.all(['received', 'verified', 'queued'].map(function (st) {
      return S.getJSON('/api/v1/complaints?status=' + st).then(function (d) { return d.complaints; });
    })).then(function (lists) {
      complaintLists = lists;
      renderComplaints();
      $('aduan-note').hidden = true;
    }).catch(function (e) {
      $('aduan-note').hidden = false;
      S.text($('aduan-note'), S.errorText(e));
      $('aduan-note').title = e.message;
    });
  }
  function renderComplaints() {
    if (!complaintLists || editing !== null) return; /* an open edit form keeps what is typed */
    var ul = $('complaints');
    S.clear(ul);
    var all = complaintLists[2].concat(complaintLists[1], complaintLists[0]);
    all.forEach(function (c) { ul.appendChild(complaintRow(c)); });
    $('complaints-none').hidden = all.length > 0;
  }

  /* ---- the emergency sheet ---- */
  function openSheet() {
    $('sheet').hidden = false;
    $('sheet-step1').hidden = false;
    $('sheet-step2').hidden = true;
    S.text($('sheet-msg'), '');
    $('sheet-text').focus();
  }
  function closeSheet() {
    $('sheet').hidden = true;
    $('sheet-open').focus();
  }
  function preview() {
    var text = $('sheet-text').value.trim();
    if (!text) { say($('sheet-msg'), t('sd_need_text'), true); return; }
    say($('sheet-msg'), t('sd_preview_making'));
    send('POST', '/api/v1/announcements/preview', { text: text }, true).then(function (r) {
      return r.blob();
    }).then(function (blob) {
      var audio = $('sheet-audio');
      audio.src = URL.createObjectURL(blob);
      audio.hidden = false;
      audio.play().catch(function () { /* the user presses play */ });
      say($('sheet-msg'), t('sd_preview_ready'));
    }).catch(fail($('sheet-msg')));
  }
  function askFire(e) {
    e.preventDefault();
    if (!$('sheet-text').value.trim()) { say($('sheet-msg'), t('sd_need_text'), true); return; }
    $('sheet-step1').hidden = true;
    $('sheet-step2').hidden = false;
    $('sheet-confirm').focus();
  }
  function fire() {
    var text = $('sheet-text').value.trim();
    var b = $('sheet-confirm');
    b.disabled = true;
    say($('sheet-msg'), t('sd_sending'));
    send('POST', '/api/v1/announcements', { text: text, mode: 'now' }).then(function () {
      b.disabled = false;
      $('sheet-form').reset();
      $('sheet-audio').hidden = true;
      closeSheet();
      say($('sheet-fb'), t('sd_emerg_on'));
    }).catch(function (err) {
      b.disabled = false;
      $('sheet-step1').hidden = false;
      $('sheet-step2').hidden = true;
      fail($('sheet-msg'))(err);
    });
  }

  /* ---- the language switch: common.js has put the page's fixed words
   * into the new language; what this script wrote is drawn again ---- */
  function relabel() {
    $('clock-box').setAttribute('aria-label', t('sd_clock'));
    if (!skipTimer) S.text($('skip'), t('sd_skip'));
    else S.text($('skip'), t('sd_skip_undo') + ' (' + skipLeft + ')');
    var link = $('link');
    if (link.textContent) S.text(link, link.classList.contains('bad') ? t('sd_link_bad') : t('sd_link_ok'));
  }
  function languageChanged() {
    relabel();
    render();
    renderCarts();
    renderComplaints();
    if (role && role !== 'staff' && role !== 'admin') S.text($('aduan-note'), t('sd_cq_staff'));
    var staff = role === 'staff' || role === 'admin';
    if (role && !staff) S.text($('sheet-fb'), t('sd_emerg_staff'));
    tick();
  }

  /* ---- tabs (a phone) ---- */
  function selectTab(name) {
    document.querySelector('.grid').setAttribute('data-tab', name);
    ['siaran', 'aduan', 'pengumuman'].forEach(function (n) {
      $('t-' + n).setAttribute('aria-selected', n === name ? 'true' : 'false');
    });
  }

  /* ---- login ---- */
  function showStudio(data) {
    csrf = data.csrf_token;
    role = data.role;
    S.text($('who'), data.user);
    $('login').hidden = true;
    $('studio').hidden = false;
    $('logout').hidden = false;
    /* announcements are the staff's (the API refuses operators): say so */
    var staff = role === 'staff' || role === 'admin';
    $('sheet-open').disabled = !staff;
    S.text($('sheet-fb'), staff ? '' : t('sd_emerg_staff'));
    queueVersion = -1;
    connect();
    loadCarts();
  }
  function showLogin() {
    csrf = null;
    if (source) { source.close(); source = null; }
    $('login').hidden = false;
    $('studio').hidden = true;
    $('logout').hidden = true;
    S.text($('who'), '');
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('login-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var f = e.target;
      send('POST', '/api/v1/session', { username: f.elements.username.value,
                                        password: f.elements.password.value })
        .then(function (data) { f.reset(); showStudio(data); })
        .catch(function (err) {
          say($('login-msg'), S.errorText(err), true, err.message);
        });
    });
    $('logout').addEventListener('click', function () {
      send('DELETE', '/api/v1/session').then(showLogin).catch(showLogin);
    });
    $('skip').addEventListener('click', skipClick);
    $('sheet-open').addEventListener('click', openSheet);
    $('sheet-close').addEventListener('click', closeSheet);
    $('sheet-preview').addEventListener('click', preview);
    $('sheet-form').addEventListener('submit', askFire);
    $('sheet-confirm').addEventListener('click', fire);
    $('sheet-cancel').addEventListener('click', function () {
      $('sheet-step1').hidden = false;
      $('sheet-step2').hidden = true;
      say($('sheet-msg'), t('sd_emerg_cancel'));
    });
    $('sheet').addEventListener('keydown', function (e) { if (e.key === 'Escape') closeSheet(); });
    ['siaran', 'aduan', 'pengumuman'].forEach(function (n) {
      $('t-' + n).addEventListener('click', function () { selectTab(n); });
    });
    document.addEventListener('siaran-lang', languageChanged);
    relabel();
    S.getJSON('/api/v1/session').then(showStudio).catch(showLogin);
    setInterval(tick, 250);
    tick();
  });
})();
