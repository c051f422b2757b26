/* The studio screen.  State comes by server push (GET /api/v1/events, one
 * snapshot of the station per change); the clock and the times left count
 * down here between snapshots.  Every control says what happened next to
 * itself, in Bahasa Indonesia; server errors are put into Indonesian by
 * their status (the server's English reason stays in the tooltip).  Values
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
  var skipTimer = null;
  var SKIP_DELAY = 5;      /* seconds to take a skip back */
  var LONG_PRESS_MS = 600;

  var kinds = {
    music: 'Lagu', programme: 'Program', psa: 'ILM', jingle: 'Jingle', complaint: 'Aduan',
    announcement: 'Pengumuman', fallback: 'Cadangan', live: 'Siaran langsung',
    alert: 'Peringatan darurat', relay: 'Relai'
  };
  var statuses = {
    received: 'Diterima', verified: 'Terverifikasi', queued: 'Dalam antrean',
    aired: 'Sudah disiarkan', forwarded: 'Diteruskan', closed: 'Ditutup', rejected: 'Ditolak'
  };
  var modes = { next: 'berikutnya', now: 'sekarang', at: 'pada jam' };
  /* what the staff may do to a complaint in each state (complaints.c) */
  var actions = {
    received: ['verify', 'reject'],
    verified: ['queue', 'air-next', 'reject'],
    queued: ['air-next', 'reject']
  };
  var actionNames = {
    verify: 'Tandai terverifikasi', reject: 'Tolak', queue: 'Masukkan antrean',
    'air-next': 'Siarkan berikutnya'
  };
  var actionDone = {
    verify: 'Aduan terverifikasi.', reject: 'Aduan ditolak.', queue: 'Masuk antrean siar.',
    'air-next': 'Disiarkan setelah item ini.'
  };

  function $(id) { return document.getElementById(id); }

  /* ---- talking to the server ---- */
  /* A refusal in the panel's words, by the API's error code (common.js);
   * the English reason goes to the tooltip (detail). */
  function refused(status, data) {
    var e = S.refusal(status, data);
    e.detail = e.message;
    e.message = S.errorText(e);
    return e;
  }
  function send(method, url, body, raw) {
    var options = { method: method, credentials: 'same-origin', headers: {} };
    if (csrf) options.headers['X-CSRF-Token'] = csrf;
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).catch(function () {
      throw refused(0, null);
    }).then(function (r) {
      if (r.ok) return raw ? r : r.json();
      return r.json().catch(function () { return null; }).then(function (data) {
        throw refused(r.status, data);
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
    return function (e) { say(el, e.message, true, e.detail); };
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
  var days = ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'];
  var months = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus',
                'September', 'Oktober', 'November', 'Desember'];

  function tick() {
    var now = nowMs();
    var d = stationDate(now);
    if (!state) return; /* the station's zone comes with the first snapshot */
    S.text($('clock'), two(d.getUTCHours()) + ':' + two(d.getUTCMinutes()) + ':' + two(d.getUTCSeconds()));
    S.text($('clock-date'), days[d.getUTCDay()] + ', ' + d.getUTCDate() + ' ' + months[d.getUTCMonth()]);
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
    S.text($('hard-count'), h ? 'dalam ' + span((h.at_ms - now) / 1000) : '');
    S.text($('show-left'), state.show ? span((state.show.end_ms - now) / 1000) : '–');
  }

  /* ---- the snapshot ---- */
  function onState(e) {
    var next;
    try { next = JSON.parse(e.data); } catch (err) { return; }
    state = next;
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
    S.text($('onair-title'), a ? a.title : 'Tidak ada siaran');
    S.text($('onair-kind'), a ? kinds[a.kind] || a.kind : '');
    S.text($('onair-artist'), a ? a.artist : '');
    var urgent = a && (a.kind === 'announcement' || a.kind === 'alert');
    document.querySelector('.onair').classList.toggle('urgent', !!urgent);
  }
  function renderHard() {
    var h = state.next_hard;
    S.text($('hard-label'), h ? h.label + (h.kind === 'psa' ? '' : ' ' + hhmm(h.at_ms) + ' tepat')
                              : 'Tidak ada dalam 24 jam');
  }
  function renderShow() {
    var s = state.show;
    S.text($('show-name'), s ? s.name : 'Di luar jadwal acara');
    S.text($('show-host'), s && s.host ? 'bersama ' + s.host : '');
  }
  function renderOutputs() {
    var ul = $('outputs');
    S.clear(ul);
    (state.outputs || []).forEach(function (o) {
      var li = S.make('li');
      li.appendChild(S.make('span', o.connected ? 'Tersambung' : 'TERPUTUS',
                            'badge ' + (o.connected ? 'ok' : 'no')));
      li.appendChild(S.make('span', o.name + ' · ' + o.listeners + ' pendengar'));
      ul.appendChild(li);
    });
    if (!ul.firstChild) ul.appendChild(S.make('li', 'Tidak ada keluaran.', 'muted'));
  }
  function renderTimeline() {
    var ol = $('timeline');
    var now = nowMs();
    var rows = [];
    var a = state.on_air;
    /* what airs comes from the engine; the plan's own guess for now is dropped
     * (an urgent item or a skip is not in it) */
    if (a) rows.push({ at: a.started_ms, text: a.title, kind: a.kind, now: true });
    /* an urgent item on air is still pending in the database until its
     * status is written: the plan would show it again */
    var oneShot = a && (a.kind === 'announcement' || a.kind === 'alert');
    (state.timeline || []).forEach(function (it) {
      if (it.start_ms <= now) return;
      if (oneShot && it.kind === a.kind && it.title === a.title) return;
      rows.push({ at: it.start_ms, text: it.title, kind: it.kind });
    });
    (state.hard || []).forEach(function (h) {
      rows.push({ at: h.at_ms, text: '⏱ ' + h.label + (h.kind === 'psa' ? '' : ' (tepat)'), hard: true });
    });
    rows.sort(function (x, y) {
      return (y.now ? 1 : 0) - (x.now ? 1 : 0) || x.at - y.at || (y.hard ? 1 : 0) - (x.hard ? 1 : 0);
    });
    S.clear(ol);
    rows.forEach(function (r) {
      var li = S.make('li', undefined, r.hard ? 'hardev' : r.now ? 'now' : '');
      if (!r.hard && (r.kind === 'announcement' || r.kind === 'alert')) li.classList.add('ins');
      li.appendChild(S.make('time', hhmm(r.at)));
      li.appendChild(S.make('span', r.text));
      if (r.kind) li.appendChild(S.make('span', kinds[r.kind] || r.kind, 'tag'));
      ol.appendChild(li);
    });
  }
  function renderInserts() {
    var ul = $('inserts');
    S.clear(ul);
    var list = state.inserts || [];
    $('inserts-none').hidden = list.length > 0;
    list.forEach(function (ins) {
      var li = S.make('li');
      li.appendChild(S.make('span', ins.title + ' · ' + (modes[ins.mode] || ins.mode) +
                            (ins.air_at_ms ? ' ' + hhmm(ins.air_at_ms) : ''), 't'));
      var fb = S.make('span', '', 'fb');
      var b = S.make('button', 'Hapus', 'secondary');
      b.type = 'button';
      b.setAttribute('aria-label', 'Hapus ' + ins.title + ' dari antrean');
      b.addEventListener('click', function () {
        b.disabled = true;
        send('DELETE', '/api/v1/inserts/' + ins.id).then(function () {
          say(fb, 'Dihapus dari antrean.');
        }).catch(function (e) { b.disabled = false; fail(fb)(e); });
      });
      li.appendChild(b);
      li.appendChild(fb);
      ul.appendChild(li);
    });
  }

  function connect() {
    if (source) source.close();
    source = new EventSource('/api/v1/events');
    source.addEventListener('state', onState);
    source.addEventListener('open', function () {
      S.text($('link'), 'Langsung');
      $('link').className = 'link-state';
    });
    source.addEventListener('error', function () {
      S.text($('link'), 'Terputus, menyambung lagi…');
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
      S.text(b, 'Lewati');
      say(fb, 'Batal dilewati.');
      return;
    }
    var left = SKIP_DELAY;
    S.text(b, 'Batalkan (' + left + ')');
    say(fb, 'Dilewati dalam ' + left + ' detik…');
    skipTimer = setInterval(function () {
      left--;
      if (left > 0) {
        S.text(b, 'Batalkan (' + left + ')');
        S.text(fb, 'Dilewati dalam ' + left + ' detik…');
        return;
      }
      clearInterval(skipTimer);
      skipTimer = null;
      S.text(b, 'Lewati');
      send('POST', '/api/v1/playout/skip').then(function () { say(fb, 'Dilewati.'); })
        .catch(fail(fb));
    }, 1000);
  }

  /* ---- the cart wall ---- */
  function cartSend(item, mode, fb) {
    send('POST', '/api/v1/inserts', { media_id: item.id, mode: mode }).then(function () {
      say(fb, mode === 'now' ? 'Mengudara sekarang.' : 'Diantrekan berikutnya.');
    }).catch(fail(fb));
  }
  function cart(item) {
    var box = S.make('div', undefined, 'cart');
    var b = S.make('button', item.title, 'play' + (item.kind === 'psa' ? ' psa' : ''));
    b.type = 'button';
    b.setAttribute('aria-label', item.title + ': ketuk untuk berikutnya, tahan untuk sekarang');
    var fb = S.make('span', '', 'fb');
    fb.setAttribute('role', 'status');
    var confirm = S.make('div', undefined, 'confirm');
    confirm.hidden = true;
    var yes = S.make('button', 'Ya, sekarang', 'danger');
    yes.type = 'button';
    var no = S.make('button', 'Batal', 'secondary');
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
    no.addEventListener('click', function () { confirm.hidden = true; say(fb, 'Batal.'); b.focus(); });
    box.appendChild(b);
    box.appendChild(confirm);
    box.appendChild(fb);
    return box;
  }
  function loadCarts() {
    var wall = $('carts');
    Promise.all(['jingle', 'psa'].map(function (k) {
      return S.getJSON('/api/v1/media?limit=12&kind=' + k).then(function (d) { return d.media; })
        .catch(function () { return []; });
    })).then(function (lists) {
      var items = lists[0].concat(lists[1]).slice(0, 12);
      S.clear(wall);
      items.forEach(function (it) { wall.appendChild(cart(it)); });
      $('carts-none').hidden = items.length > 0;
    });
  }

  /* ---- the complaint queue ---- */
  function complaintRow(c) {
    var li = S.make('li');
    li.appendChild(S.make('strong', c.title));
    var line = S.make('div');
    line.appendChild(S.make('span', statuses[c.status] || c.status, 'badge'));
    var aired = c.consent && !c.confidential;
    line.appendChild(S.make('span', c.consent ? 'Izin siar ✔' : 'Tanpa izin siar', 'badge ' + (c.consent ? 'ok' : 'no')));
    if (c.confidential) line.appendChild(S.make('span', 'Rahasia', 'badge no'));
    if (c.air_next) line.appendChild(S.make('span', 'Berikutnya ★', 'badge'));
    if (c.location) line.appendChild(S.make('span', c.location, 'muted'));
    li.appendChild(line);
    if (c.summary) li.appendChild(S.make('div', c.summary, 'muted'));
    if (c.duration) {
      var audio = document.createElement('audio');
      audio.controls = true;
      audio.preload = 'none';
      audio.src = '/api/v1/complaints/' + c.id + '/audio';
      audio.setAttribute('aria-label', 'Dengarkan aduan ' + c.title);
      li.appendChild(audio);
    }
    var ctl = S.make('div', undefined, 'ctl');
    var fb = S.make('span', '', 'fb');
    fb.setAttribute('role', 'status');
    (actions[c.status] || []).forEach(function (a) {
      var airs = a === 'queue' || a === 'air-next';
      if (a === 'air-next' && c.air_next) return;
      var b = S.make('button', actionNames[a], a === 'reject' ? 'danger' : '');
      b.type = 'button';
      if (airs && !aired) {
        b.disabled = true;
        b.title = c.confidential ? 'Aduan rahasia tidak disiarkan' : 'Penelepon belum setuju disiarkan';
      }
      b.addEventListener('click', function () {
        b.disabled = true;
        send('POST', '/api/v1/complaints/' + c.id + '/' + a).then(function () {
          say(fb, actionDone[a]);
          refreshComplaints();
        }).catch(function (e) { b.disabled = false; fail(fb)(e); });
      });
      ctl.appendChild(b);
    });
    ctl.appendChild(fb);
    li.appendChild(ctl);
    if (!aired && (c.status === 'verified' || c.status === 'queued'))
      li.appendChild(S.make('div', c.confidential ? 'Rahasia: tidak pernah disiarkan.'
                                                  : 'Tanpa izin penelepon: tidak bisa disiarkan.', 'reason'));
    return li;
  }
  function refreshComplaints() {
    if (role !== 'staff' && role !== 'admin') {
      $('aduan-note').hidden = false;
      S.text($('aduan-note'), 'Antrean aduan hanya untuk staf aduan.');
      return;
    }
    Promise.all(['received', 'verified', 'queued'].map(function (st) {
      return S.getJSON('/api/v1/complaints?status=' + st).then(function (d) { return d.complaints; });
    })).then(function (lists) {
      var ul = $('complaints');
      S.clear(ul);
      var all = lists[2].concat(lists[1], lists[0]);
      all.forEach(function (c) { ul.appendChild(complaintRow(c)); });
      $('complaints-none').hidden = all.length > 0;
      $('aduan-note').hidden = true;
    }).catch(function (e) {
      $('aduan-note').hidden = false;
      S.text($('aduan-note'), e.detail ? e.message : S.errorText(e));
    });
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
    if (!text) { say($('sheet-msg'), 'Tulis teksnya dulu.', true); return; }
    say($('sheet-msg'), 'Membuat contoh suara…');
    send('POST', '/api/v1/announcements/preview', { text: text }, true).then(function (r) {
      return r.blob();
    }).then(function (blob) {
      var audio = $('sheet-audio');
      audio.src = URL.createObjectURL(blob);
      audio.hidden = false;
      audio.play().catch(function () { /* the user presses play */ });
      say($('sheet-msg'), 'Contoh siap.');
    }).catch(fail($('sheet-msg')));
  }
  function askFire(e) {
    e.preventDefault();
    if (!$('sheet-text').value.trim()) { say($('sheet-msg'), 'Tulis teksnya dulu.', true); return; }
    $('sheet-step1').hidden = true;
    $('sheet-step2').hidden = false;
    $('sheet-confirm').focus();
  }
  function fire() {
    var text = $('sheet-text').value.trim();
    var b = $('sheet-confirm');
    b.disabled = true;
    say($('sheet-msg'), 'Mengirim…');
    send('POST', '/api/v1/announcements', { text: text, mode: 'now' }).then(function () {
      b.disabled = false;
      $('sheet-form').reset();
      $('sheet-audio').hidden = true;
      closeSheet();
      say($('sheet-fb'), 'Pengumuman darurat mengudara.');
    }).catch(function (err) {
      b.disabled = false;
      $('sheet-step1').hidden = false;
      $('sheet-step2').hidden = true;
      fail($('sheet-msg'))(err);
    });
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
    S.text($('sheet-fb'), staff ? '' : 'Pengumuman darurat hanya untuk staf dan admin.');
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
          say($('login-msg'), err.message, true, err.detail);
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
      say($('sheet-msg'), 'Batal: belum disiarkan.');
    });
    $('sheet').addEventListener('keydown', function (e) { if (e.key === 'Escape') closeSheet(); });
    ['siaran', 'aduan', 'pengumuman'].forEach(function (n) {
      $('t-' + n).addEventListener('click', function () { selectTab(n); });
    });
    S.getJSON('/api/v1/session').then(showStudio).catch(showLogin);
    setInterval(tick, 250);
    tick();
  });
})();
