/* The schedule page: a week (or day) time grid of shows and PSA campaign
 * slots in station time, and the forms that create, edit and delete them.
 * Blocks are placed at PX_PER_MINUTE; overlapping shows sit side by side and
 * the one that holds the air is marked by the planner's rule
 * (docs/scheduling.md): a one-off date beats a weekly slot, then the later
 * start wins, equal starts the lower id.  Dragging a block moves it (also to
 * another day), dragging its lower edge resizes it; both save through
 * PUT /api/v1/shows/{id}.  A weekly show's move or resize asks whether it is
 * for all weeks or only this date: only this date is one request
 * (POST /api/v1/shows/{id}/dates/{date}/move) that makes a one-off show at
 * the new time and excepts the date from the weekly show, atomically.
 * The grid is never redrawn under a pointer or an open question; #grid
 * carries data-busy while a save or a reload is under way or a redraw waits. */
'use strict';
(function () {
  var S = Siaran, M = Manage, $ = M.$;
  var PX_PER_MINUTE = 0.75, SNAP = 15, DAY = 1440;
  var shows = [], campaigns = [], media = [], categories = [], writer = false;
  var view = 'week', anchor = null, showId = null, campaignId = null, zone = null;
  var showItems = [], campaignItems = [];
  var refusal = null; /* {id, date, text}: shown next to a block put back */
  var gesture = false; /* a pointer is down on a block: the grid is not redrawn under it */
  var asking = false; /* the "all weeks / only this date" question is open */
  var redrawLater = false, busyCount = 0;
  var showExcepts = [], showDate = null, openedShow = null; /* the open form: excepted dates; the date clicked */

  /* The page's own words (Indonesian first, English when switched). */
  function L(id, en) { return document.documentElement.lang === 'en' ? en : id; }

  /* This page's own labels (data-s): English here, Indonesian in the HTML. */
  var EN = {
    excepts: 'Excepted dates (this weekly show does not air)',
    view_week: 'Week', view_day: 'Day', go_date: 'Date', cat_typed: 'Categories', copy: 'Copy to other days',
    copying: 'Copy: choose the days (or dates) of this copy, then Save. The original show stays.',
    grid_hint: 'Click an empty slot to create a show at that time; drag a show to move it (also to another day), ' +
      'drag its lower edge to change its length (a weekly show: for all weeks or only this date); ' +
      'click a show (or Enter) to open its form. When shows overlap: ' +
      'a one-off date beats the weekly slot, then the later start airs (equal starts: the lower show number).'
  };
  var ID = {};
  function words() {
    var nodes = document.querySelectorAll('[data-s]');
    for (var i = 0; i < nodes.length; i++) {
      var k = nodes[i].getAttribute('data-s');
      if (!(k in ID)) ID[k] = nodes[i].textContent;
      nodes[i].textContent = L(ID[k], EN[k] || ID[k]);
    }
  }

  /* ---- dates as YYYY-MM-DD strings, station time ---- */
  function isoAdd(iso, n) {
    var d = new Date(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10) + n));
    return d.toISOString().slice(0, 10);
  }
  function dow(iso) { return new Date(iso + 'T00:00:00Z').getUTCDay(); }
  function mondayOf(iso) { return isoAdd(iso, -((dow(iso) + 6) % 7)); }
  function inRange(iso, from, to) { return (!from || iso >= from) && (!to || iso <= to); }
  /* Station date and minute of the day now, by the station's time zone. */
  function stationNow() {
    var d = new Date();
    if (zone) {
      try {
        var p = {};
        new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
          hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(d)
          .forEach(function (x) { p[x.type] = x.value; });
        return { date: p.year + '-' + p.month + '-' + p.day, minute: +p.hour * 60 + +p.minute };
      } catch (e) { /* unknown zone: the browser's own */ }
    }
    return { date: M.isoDate(d), minute: d.getHours() * 60 + d.getMinutes() };
  }
  function minutes(clock) {
    var p = String(clock).split(':');
    return +p[0] * 60 + +(p[1] || 0) + +(p[2] || 0) / 60;
  }
  function clock(min) {
    min = Math.round(min);
    return ('0' + Math.floor(min / 60)).slice(-2) + ':' + ('0' + (min % 60)).slice(-2);
  }

  /* data-busy on the grid while it may still change by itself */
  function mark() {
    if (busyCount > 0 || redrawLater) $('grid').setAttribute('data-busy', '1');
    else $('grid').removeAttribute('data-busy');
  }
  function busy(promise) {
    busyCount++;
    mark();
    function done() { busyCount--; mark(); }
    return promise.then(function (v) { done(); return v; }, function (e) { done(); throw e; });
  }
  /* the redraw put off by a gesture or a question, once both are over */
  function settle() {
    if (redrawLater && !gesture && !asking) grid();
  }

  function load() {
    return busy(Promise.all([M.get('/api/v1/shows'), M.get('/api/v1/campaigns')]).then(function (r) {
      shows = r[0].shows;
      campaigns = r[1].campaigns;
      grid();
    }).catch(function (e) { M.say(S.errorText(e), true); }));
  }

  /* ---- what is on a day ---- */

  /* The show's airings that touch day iso, in minutes from its midnight
   * (a show from the day before that runs past midnight starts below 0). */
  function airingsOn(iso) {
    var out = [];
    [isoAdd(iso, -1), iso].forEach(function (day, k) {
      var base = k === 0 ? -DAY : 0;
      shows.forEach(function (s) {
        var oneoff = s.dates.indexOf(day) >= 0;
        var weekly = s.days.indexOf(dow(day)) >= 0 && inRange(day, s.valid_from, s.valid_to) &&
          (s.except_dates || []).indexOf(day) < 0;
        if (!oneoff && !weekly) return;
        var start = base + minutes(s.start), end = start + s.duration;
        if (end <= 0) return;
        out.push({ show: s, day: day, start: start, end: end, oneoff: oneoff, cont: k === 0 });
      });
    });
    return out;
  }
  /* Does a beat b at a moment both are on?  The planner's order. */
  function beats(a, b) {
    if (a.oneoff !== b.oneoff) return a.oneoff;
    if (a.start !== b.start) return a.start > b.start;
    return a.show.id < b.show.id;
  }
  /* Marks each airing with the stretches of its own time that another show
   * holds (beaten) and whether it holds the air at all (wins). */
  function resolve(list) {
    var cuts = [];
    list.forEach(function (a) { cuts.push(a.start, a.end); });
    cuts.sort(function (x, y) { return x - y; });
    list.forEach(function (a) { a.beaten = []; a.airs = 0; a.overlaps = false; });
    for (var i = 0; i + 1 < cuts.length; i++) {
      var t0 = cuts[i], t1 = cuts[i + 1];
      if (t1 <= t0) continue;
      var on = list.filter(function (a) { return a.start <= t0 && a.end >= t1; });
      if (!on.length) continue;
      var top = on[0];
      on.forEach(function (a) { if (beats(a, top)) top = a; });
      on.forEach(function (a) {
        if (on.length > 1) a.overlaps = true;
        if (a === top) a.airs += t1 - t0; else a.beaten.push([t0, t1, top.show.name]);
      });
    }
  }
  /* Side-by-side lanes for overlapping blocks: lane index and lane count
   * of the cluster each block belongs to. */
  function lanes(list) {
    list.sort(function (a, b) { return a.start - b.start || a.end - b.end; });
    var cluster = [], laneEnds = [], clusterEnd = -Infinity;
    function close() { cluster.forEach(function (a) { a.lanes = laneEnds.length; }); cluster = []; laneEnds = []; }
    list.forEach(function (a) {
      if (a.start >= clusterEnd) { close(); clusterEnd = -Infinity; }
      var lane = 0;
      while (lane < laneEnds.length && laneEnds[lane] > a.start) lane++;
      laneEnds[lane] = a.end;
      a.lane = lane;
      cluster.push(a);
      clusterEnd = Math.max(clusterEnd, a.end);
    });
    close();
  }
  /* The PSA slots of a day: {campaign, minute}. */
  function slotsOn(iso) {
    var out = [];
    campaigns.forEach(function (c) {
      if (c.days.indexOf(dow(iso)) < 0 || !inRange(iso, c.valid_from, c.valid_to)) return;
      var seen = {};
      c.times.forEach(function (t) { seen[Math.round(minutes(t) * 60)] = true; });
      if (c.interval_minutes > 0)
        for (var m = 0; m < DAY; m += c.interval_minutes) seen[m * 60] = true;
      Object.keys(seen).forEach(function (sec) { out.push({ campaign: c, minute: sec / 60 }); });
    });
    return out;
  }

  /* ---- drawing ---- */
  var CONTENT = {
    rotation: ['Musik (rotasi)', 'Music (rotation)'],
    playlist: ['Acara (daftar putar)', 'Programme (playlist)'],
    complaints: ['Suara Warga', 'Citizen voices'],
    relay: ['Relai siaran lain', 'Relay']
  };
  function legend() {
    var box = $('legend');
    S.clear(box);
    Object.keys(CONTENT).forEach(function (k) {
      box.appendChild(S.make('span', L(CONTENT[k][0], CONTENT[k][1]), 'key c-' + k));
    });
    box.appendChild(S.make('span', L('ILM tepat', 'Hard PSA'), 'key psa-hard'));
    box.appendChild(S.make('span', L('ILM longgar (jendela)', 'Soft PSA (window)'), 'key psa-soft'));
    box.appendChild(S.make('span', L('Sekarang', 'Now'), 'key now'));
    box.appendChild(S.make('span', L('★ yang mengudara saat bertumpuk; arsiran: tertimpa acara lain',
      '★ holds the air when shows overlap; hatched: another show airs'), 'key rule'));
  }

  function days() {
    if (view === 'day') return [anchor];
    var first = mondayOf(anchor), out = [];
    for (var i = 0; i < 7; i++) out.push(isoAdd(first, i));
    return out;
  }

  function grid() {
    var box = $('grid');
    if (gesture || asking) { redrawLater = true; mark(); return; }
    redrawLater = false;
    mark();
    S.clear(box);
    box.className = 'cal v-' + view;
    box.setAttribute('data-px-per-minute', PX_PER_MINUTE);
    var now = stationNow();
    var list = days();
    S.text($('range'), list.length === 1 ? list[0] : list[0] + ' – ' + list[6]);
    var head = S.make('div', undefined, 'cal-head');
    head.appendChild(S.make('div', '', 'cal-corner'));
    var body = S.make('div', undefined, 'cal-body');
    body.style.height = DAY * PX_PER_MINUTE + 'px';
    var hours = S.make('div', undefined, 'cal-hours');
    for (var h = 0; h < 24; h++) {
      var lab = S.make('span', ('0' + h).slice(-2) + ':00');
      lab.style.top = h * 60 * PX_PER_MINUTE + 'px';
      hours.appendChild(lab);
    }
    body.appendChild(hours);
    list.forEach(function (iso) {
      head.appendChild(S.make('div', M.t('d' + dow(iso)) + ' ' + iso.slice(8) + '/' + iso.slice(5, 7),
        'cal-dayhead' + (iso === now.date ? ' today' : '')));
      body.appendChild(column(iso, now));
    });
    box.appendChild(head);
    box.appendChild(body);
  }

  function column(iso, now) {
    var col = S.make('div', undefined, 'cal-col' + (iso === now.date ? ' today' : ''));
    col.setAttribute('data-date', iso);
    col.setAttribute('aria-label', M.t('d' + dow(iso)) + ' ' + iso);
    var list = airingsOn(iso);
    resolve(list);
    list = list.filter(function (a) { return a.end > 0 && a.start < DAY; });
    lanes(list);
    list.forEach(function (a) { col.appendChild(block(a, iso)); });
    slotsOn(iso).forEach(function (p) { col.appendChild(psa(p)); });
    if (iso === now.date) {
      var line = S.make('div', undefined, 'now-line');
      line.style.top = now.minute * PX_PER_MINUTE + 'px';
      line.title = L('Sekarang ', 'Now ') + clock(now.minute);
      col.appendChild(line);
    }
    col.addEventListener('click', function (e) {
      if (e.target !== col || !writer) return;
      var rect = col.getBoundingClientRect();
      var at = Math.floor((e.clientY - rect.top) / PX_PER_MINUTE / 30) * 30;
      openShow(null, { date: iso, start: Math.max(0, Math.min(DAY - 30, at)) });
    });
    return col;
  }

  function block(a, iso) {
    var s = a.show;
    var top = Math.max(0, a.start), bottom = Math.min(DAY, a.end);
    /* wins: holds the air through every overlap; partly beaten blocks are
     * hatched where another show airs */
    var wins = a.overlaps && a.beaten.length === 0;
    var b = S.make('button', undefined, 'block c-' + s.content + (a.overlaps ? ' overlap' : '') +
      (wins ? ' wins' : '') + (a.airs === 0 ? ' beaten' : '') + (a.cont ? ' cont' : ''));
    b.type = 'button';
    b.setAttribute('data-show', s.id);
    b.style.top = top * PX_PER_MINUTE + 'px';
    b.style.height = (bottom - top) * PX_PER_MINUTE + 'px';
    b.style.left = 'calc(' + (100 * a.lane / a.lanes) + '% + 2px)';
    b.style.width = 'calc(' + (100 / a.lanes) + '% - 12px)';
    var st = minutes(s.start), en = st + s.duration;
    /* an all-day show is 00:00–24:00 */
    var range = clock(st) + '–' + (en % DAY === 0 ? '24:00' : clock(en % DAY));
    b.appendChild(S.make('strong', (wins ? '★ ' : '') + s.name, 'b-name'));
    b.appendChild(S.make('span', range + (a.oneoff ? ' · ' + L('tanggal khusus', 'one-off') : ''), 'b-time'));
    if (s.host) b.appendChild(S.make('span', s.host, 'b-host'));
    var why = L(CONTENT[s.content] ? CONTENT[s.content][0] : s.content, CONTENT[s.content] ? CONTENT[s.content][1] : s.content);
    if (a.overlaps) why += a.airs === 0 ? L(' · tidak mengudara: tertimpa ', ' · does not air: beaten by ') + a.beaten[0][2]
      : a.beaten.length ? L(' · sebagian tertimpa ', ' · partly beaten by ') + a.beaten[0][2] : L(' · mengudara', ' · holds the air');
    b.title = s.name + ' ' + range + ' · ' + why;
    b.setAttribute('aria-label', b.title);
    a.beaten.forEach(function (x) {
      var lo = Math.max(x[0], top), hi = Math.min(x[1], bottom);
      if (hi <= lo) return;
      var hatch = S.make('span', undefined, 'hatch');
      hatch.style.top = (lo - top) * PX_PER_MINUTE + 'px';
      hatch.style.height = (hi - lo) * PX_PER_MINUTE + 'px';
      b.appendChild(hatch);
    });
    if (refusal && refusal.id === s.id && refusal.date === iso) {
      var msg = S.make('span', refusal.text, 'refusal');
      msg.setAttribute('role', 'alert');
      b.appendChild(msg);
    }
    if (writer && !a.cont) {
      var grip = S.make('span', undefined, 'grip');
      grip.setAttribute('aria-hidden', 'true');
      b.appendChild(grip);
      drag(b, a, iso, grip);
    }
    b.addEventListener('click', function () {
      if (b.getAttribute('data-dragged')) { b.removeAttribute('data-dragged'); return; }
      openShow(s, null, { date: iso, oneoff: a.oneoff });
    });
    return b;
  }

  function psa(p) {
    var c = p.campaign;
    var hard = c.timing === 'hard';
    var mark = S.make('button', undefined, 'psa ' + (hard ? 'hard' : 'soft'));
    mark.type = 'button';
    mark.style.top = p.minute * PX_PER_MINUTE + 'px';
    if (!hard) mark.style.height = Math.max(3, c.window_minutes * PX_PER_MINUTE) + 'px';
    mark.title = clock(p.minute) + ' ILM ' + c.name + ' · ' + (hard ? L('tepat', 'hard') : L('longgar, jendela ', 'soft, window ') + c.window_minutes + L(' menit', ' min'));
    mark.setAttribute('aria-label', mark.title);
    mark.setAttribute('data-campaign', c.id);
    mark.addEventListener('click', function () { openCampaign(c); });
    return mark;
  }

  /* ---- drag to move and resize ---- */
  function drag(b, a, iso, grip) {
    var s = a.show;
    b.addEventListener('pointerdown', function (e) {
      if (e.button !== 0) return;
      var resize = e.target === grip;
      var x0 = e.clientX, y0 = e.clientY, moved = false, dm = 0, target = iso;
      var top0 = parseFloat(b.style.top), h0 = parseFloat(b.style.height);
      /* a finger scrolls the grid over a block; it drags by the show's name
       * (and resizes by the grip), where touch-action is none */
      if (e.pointerType === 'touch' && !resize && !(e.target.closest && e.target.closest('.b-name'))) return;
      b.setPointerCapture(e.pointerId);
      gesture = true;
      function move(ev) {
        if (!moved && Math.abs(ev.clientY - y0) < 4 && Math.abs(ev.clientX - x0) < 4) return;
        moved = true;
        b.classList.add('dragging');
        dm = Math.round((ev.clientY - y0) / PX_PER_MINUTE / SNAP) * SNAP;
        if (resize) {
          dm = Math.max(SNAP - s.duration, Math.min(DAY - s.duration, dm));
          b.style.height = h0 + dm * PX_PER_MINUTE + 'px';
        } else {
          dm = Math.max(-a.start, Math.min(DAY - SNAP - a.start, dm));
          b.style.top = top0 + dm * PX_PER_MINUTE + 'px';
          var under = document.elementsFromPoint(ev.clientX, ev.clientY).filter(function (el) {
            return el.classList && el.classList.contains('cal-col');
          })[0];
          target = under ? under.getAttribute('data-date') : iso;
          var cols = document.querySelectorAll('.cal-col');
          for (var i = 0; i < cols.length; i++) cols[i].classList.toggle('drop', cols[i].getAttribute('data-date') === target && target !== iso);
        }
        S.text(b.querySelector('.b-time'), clock(a.start + (resize ? 0 : dm)) + '–' + clock(a.end + dm));
      }
      function up(ev) {
        if (ev.type === 'pointerup') move(ev); /* where it was let go */
        gesture = false;
        b.removeEventListener('pointermove', move);
        b.removeEventListener('pointerup', up);
        b.removeEventListener('pointercancel', up);
        var cols = document.querySelectorAll('.cal-col.drop');
        for (var i = 0; i < cols.length; i++) cols[i].classList.remove('drop');
        if (!moved) { settle(); return; }
        b.setAttribute('data-dragged', '1');
        if (dm === 0 && target === iso) { grid(); return; }
        var change = resize ? { duration: s.duration + dm } : { start: a.start + dm, to: target };
        if (a.oneoff) save(s, a, iso, change);
        else ask(b, function (only) {
          if (only === null) grid();
          else if (only) saveOnly(s, iso, change);
          else save(s, a, iso, change);
        });
      }
      b.addEventListener('pointermove', move);
      b.addEventListener('pointerup', up);
      b.addEventListener('pointercancel', up);
    });
  }

  /* Asks under the moved block whether the change is for every week or
   * only this date; answer(false | true | null for cancel). */
  function ask(b, answer) {
    asking = true;
    var box = S.make('div', undefined, 'scope');
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', L('Ubah jadwal', 'Change the schedule'));
    box.style.top = parseFloat(b.style.top) + parseFloat(b.style.height) + 'px';
    box.appendChild(S.make('strong', L('Perubahan ini untuk:', 'This change is for:')));
    var all = S.make('button', L('Semua minggu', 'All weeks'));
    var only = S.make('button', L('Hanya tanggal ini', 'Only this date'));
    var cancel = S.make('button', L('Batal', 'Cancel'), 'secondary');
    all.setAttribute('data-scope', 'all');
    only.setAttribute('data-scope', 'only');
    cancel.setAttribute('data-scope', 'cancel');
    function close(value) {
      document.removeEventListener('keydown', key);
      if (box.parentNode) box.parentNode.removeChild(box);
      asking = false;
      answer(value);
    }
    function key(e) { if (e.key === 'Escape') close(null); }
    [all, only, cancel].forEach(function (x, k) {
      x.type = 'button';
      x.addEventListener('click', function (e) { e.stopPropagation(); close(k === 0 ? false : k === 1 ? true : null); });
      box.appendChild(x);
    });
    document.addEventListener('keydown', key);
    b.parentNode.appendChild(box);
    only.focus();
  }

  function blockSelector(id, iso) { return '.cal-col[data-date="' + iso + '"] .block[data-show="' + id + '"]'; }
  /* The path of one date of a show (POST .../move, DELETE, POST .../restore). */
  function datePath(s, date) { return '/api/v1/shows/' + s.id + '/dates/' + date; }

  /* Only this date: one request, one transaction on the server: a one-off
   * copy at the new time (on the day it was dropped on) and the date excepted
   * from the weekly show, or nothing at all. */
  function saveOnly(s, iso, change) {
    var body = {
      start: change.start !== undefined ? clock(change.start) : s.start,
      duration: change.duration || s.duration
    };
    if (change.to && change.to !== iso) body.date = change.to;
    busy(M.send('POST', datePath(s, iso) + '/move', body).then(function () {
      refusal = null;
      M.say(L('Tersimpan hanya untuk ', 'Saved for ') + iso + L(': ', ' only: ') + s.name + ' ' + body.start +
        ' (' + Math.round(body.duration) + L(' menit)', ' min)'));
      return load();
    }).catch(function (err) {
      var text = reason(err, s);
      refusal = { id: s.id, date: iso, text: text };
      /* the block goes back, as the station has it now; when it is no
       * longer there (taken off meanwhile) the reason goes to the page */
      return load().then(function () {
        if (!document.querySelector(blockSelector(s.id, iso) + ' .refusal')) M.say(text, true);
      });
    }));
  }

  /* Takes one date off a show: a weekly airing becomes an exception, a
   * one-off date is dropped from its dates (the server decides, in one step). */
  function removeDate(s, at, anchor) {
    busy(M.send('DELETE', datePath(s, at.date)).then(function () {
      $('show-card').hidden = true;
      M.say(L('Dihapus hanya untuk ', 'Removed for ') + at.date + L(': ', ' only: ') + s.name);
      return load();
    }).catch(function (err) { M.tell(anchor, reason(err, s)); }));
  }

  /* Puts an excepted date back: the weekly show airs on it again. */
  function restoreDate(s, date, anchor) {
    busy(M.send('POST', datePath(s, date) + '/restore').then(function (r) {
      openedShow = r;
      showExcepts = r.except_dates.slice();
      renderExcepts(r);
      M.say(L('Dipulihkan: ', 'Restored: ') + s.name + ' ' + date);
      return load();
    }).catch(function (err) { M.tell(anchor, reason(err, s)); }));
  }

  function skipLabel() {
    if (showDate) S.text($('show-skip-date'), L('Hapus hanya tanggal ini', 'Remove only this date') + ' (' +
      M.t('d' + dow(showDate.date)) + ' ' + showDate.date.slice(8) + '/' + showDate.date.slice(5, 7) + ')');
  }

  /* The form's list of excepted dates, each with its restore button. */
  function renderExcepts(s) {
    var list = $('show-excepts');
    S.clear(list);
    showExcepts.forEach(function (d) {
      var li = S.make('li', M.t('d' + dow(d)) + ' ' + d + ' ');
      if (writer && s) {
        var b = S.make('button', L('Pulihkan', 'Restore'), 'secondary');
        b.type = 'button';
        b.setAttribute('data-date', d);
        b.addEventListener('click', function () { restoreDate(s, d, b); });
        li.appendChild(b);
      }
      list.appendChild(li);
    });
    $('show-except-box').hidden = showExcepts.length === 0;
  }

  /* The show's answer with the change, sent back whole. */
  function save(s, a, iso, change) {
    var body = JSON.parse(JSON.stringify(s));
    if (change.duration) body.duration = change.duration;
    if (change.start !== undefined) body.start = clock(change.start);
    if (change.to && change.to !== iso) {
      if (a.oneoff) {
        body.dates = body.dates.filter(function (d) { return d !== iso; });
        if (body.dates.indexOf(change.to) < 0) body.dates.push(change.to);
      } else {
        body.days = body.days.filter(function (d) { return d !== dow(iso); });
        if (body.days.indexOf(dow(change.to)) < 0) body.days.push(dow(change.to));
      }
    }
    busy(M.send('PUT', '/api/v1/shows/' + s.id, body).then(function () {
      refusal = null;
      M.say(L('Tersimpan: ', 'Saved: ') + s.name + ' ' + body.start + ' (' + Math.round(body.duration) + L(' menit)', ' min)'));
      return load();
    }).catch(function (err) {
      refusal = { id: s.id, date: iso, text: reason(err, s) };
      grid(); /* the block goes back where it was */
    }));
  }

  /* A refusal in the page's language, by the API's error code. */
  function reason(err, s) {
    if (err.code === 'role_forbidden') return L('Ditolak: peran Anda tidak boleh mengubah jadwal.', 'Refused: your role may not change the schedule.');
    if (err.code === 'rotation_empty')
      return L('Ditolak: rotasi kosong, kategori \'' + s.categories.join(', ') + '\' tidak punya lagu.',
        'Refused: empty rotation, category \'' + s.categories.join(', ') + '\' has no tracks.');
    if (err.code === 'not_found') return L('Ditolak: acara ini sudah dihapus.', 'Refused: this show was deleted.');
    return S.errorText(err);
  }

  /* ---- the library: items and categories ---- */
  function loadMedia() {
    return Promise.all([M.get('/api/v1/media?limit=500'), M.get('/api/v1/media/categories')]).then(function (r) {
      media = r[0].media;
      categories = r[1].categories;
      fillPick($('show-pick'), function () { return true; });
      fillPick($('campaign-pick'), function (m) { return m.kind === 'psa'; });
      fillCategories();
    }).catch(function (e) { M.say(S.errorText(e), true); });
  }
  function fillPick(select, keep) {
    S.clear(select);
    media.filter(keep).forEach(function (m) {
      select.appendChild(M.option(m.id, m.title + (m.artist ? ' – ' + m.artist : '') + ' (' + M.duration(m.duration) + ')'));
    });
  }
  function trackCount(name) {
    for (var i = 0; i < categories.length; i++) if (categories[i].name === name.toLowerCase()) return categories[i].count;
    return 0;
  }
  /* The picker: one checkbox per library category with its count, kept in
   * step with the text field (which also takes a category not in use yet). */
  function fillCategories() {
    var box = $('cat-pick');
    S.clear(box);
    var chosen = M.splitList($('show-form').elements.categories.value.toLowerCase());
    categories.forEach(function (c) {
      var label = S.make('label', undefined, 'check');
      var input = document.createElement('input');
      input.type = 'checkbox';
      input.value = c.name;
      input.checked = chosen.indexOf(c.name) >= 0;
      input.addEventListener('change', function () {
        var list = M.splitList($('show-form').elements.categories.value.toLowerCase());
        list = list.filter(function (x) { return x !== c.name; });
        if (input.checked) list.push(c.name);
        $('show-form').elements.categories.value = list.join(', ');
        warn();
      });
      label.appendChild(input);
      label.appendChild(S.make('span', ' ' + c.name + ' · ' + c.count + L(' lagu', ' tracks')));
      box.appendChild(label);
    });
    if (!categories.length) box.appendChild(S.make('span', L('Pustaka belum punya kategori.', 'The library has no categories yet.'), 'muted'));
  }
  /* Warns when a rotation (or a relay's filler) would draw from nothing. */
  function warn() {
    var f = $('show-form').elements;
    var draws = f.content.value === 'rotation' || f.content.value === 'relay' || f.content.value === 'complaints';
    var chosen = M.splitList(f.categories.value.toLowerCase());
    var empty = chosen.filter(function (c) { return trackCount(c) === 0; });
    var box = $('rotation-warning');
    var text = '';
    if (draws && chosen.length && empty.length === chosen.length)
      text = L('Rotasi ini kosong: kategori \'' + empty.join("', '") + '\' tidak punya lagu; yang mengudara adalah playlist cadangan',
        'This rotation is empty: category \'' + empty.join("', '") + '\' has no tracks; the fallback playlist would air');
    else if (draws && empty.length)
      text = L('Kategori \'' + empty.join("', '") + '\' tidak punya lagu.', 'Category \'' + empty.join("', '") + '\' has no tracks.');
    else if (f.content.value === 'rotation' && !chosen.length)
      text = L('Pilih minimal satu kategori untuk rotasi.', 'Choose at least one category for the rotation.');
    S.text(box, text);
    box.hidden = !text;
    var boxes = $('cat-pick').querySelectorAll('input');
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = chosen.indexOf(boxes[i].value) >= 0;
  }

  function titleOf(id) {
    for (var i = 0; i < media.length; i++) if (media[i].id === id) return media[i].title;
    return '#' + id;
  }
  function renderItems(list, items) {
    S.clear(list);
    items.forEach(function (id, i) {
      var li = S.make('li', titleOf(id) + ' ');
      if (writer) {
        var b = S.make('button', M.t('remove', 'Buang'), 'link');
        b.type = 'button';
        b.addEventListener('click', function () { items.splice(i, 1); renderItems(list, items); });
        li.appendChild(b);
      }
      list.appendChild(li);
    });
  }

  function setDays(form, list) {
    var boxes = form.querySelectorAll('input[name=day]');
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = list.indexOf(Number(boxes[i].value)) >= 0;
  }
  function getDays(form) {
    var out = [];
    var boxes = form.querySelectorAll('input[name=day]');
    for (var i = 0; i < boxes.length; i++) if (boxes[i].checked) out.push(Number(boxes[i].value));
    return out;
  }

  /* ---- shows ---- */
  /* s: the show to edit, or null for a new one (at: {date, start} from a
   * click on an empty slot; airing: {date, oneoff} of the block clicked). */
  function openShow(s, at, airing) {
    var f = $('show-form').elements;
    showId = s ? s.id : null;
    showDate = s && airing ? airing : null;
    showExcepts = s && s.except_dates ? s.except_dates.slice() : [];
    renderExcepts(s);
    /* one date off: a weekly airing, or one of several dates */
    var skip = $('show-skip-date');
    skip.hidden = !showDate || (showDate.oneoff && s.days.length === 0 && s.dates.length < 2);
    openedShow = s;
    skipLabel();
    skip.onclick = function () { removeDate(openedShow, showDate, skip); };
    f.name.value = s ? s.name : '';
    f.host.value = s ? s.host : '';
    setDays($('show-form'), s ? s.days : at ? [dow(at.date)] : [1, 2, 3, 4, 5]);
    f.start.value = s ? s.start.slice(0, 5) : at ? clock(at.start) : '06:00';
    f.duration.value = s ? Math.round(s.duration) : 60;
    f.valid_from.value = s && s.valid_from ? s.valid_from : '';
    f.valid_to.value = s && s.valid_to ? s.valid_to : '';
    f.dates.value = s ? s.dates.join(', ') : '';
    f.content.value = s ? s.content : 'rotation';
    f.categories.value = s ? s.categories.join(', ') : '';
    f.url.value = s && s.url ? s.url : '';
    f.track_separation_hours.value = s ? s.track_separation_hours : 3;
    f.artist_separation_minutes.value = s ? s.artist_separation_minutes : 30;
    f.hard_start.checked = s ? s.hard_start : false;
    f.hard_end.checked = s ? s.hard_end : false;
    f.podcast.checked = s ? !!s.podcast : false;
    f.podcast_description.value = s && s.podcast_description ? s.podcast_description : '';
    f.podcast_image.value = s && s.podcast_image ? s.podcast_image : '';
    f.podcast_category.value = s && s.podcast_category ? s.podcast_category : 'News';
    var feed = $('show-feed');
    feed.hidden = !(s && s.feed);
    if (s && s.feed) { feed.href = s.feed; S.text(feed, location.origin + s.feed); }
    showItems = s ? s.items.slice() : [];
    renderItems($('show-items'), showItems);
    contentChanged();
    $('show-delete').hidden = !s;
    $('show-copy').hidden = !s;
    $('show-copying').hidden = true;
    $('show-error').hidden = true;
    $('show-card').hidden = false;
    $('show-card').scrollIntoView({ block: 'nearest' });
    f.name.focus();
  }
  function contentChanged() {
    var c = $('show-form').elements.content.value;
    $('show-items-box').hidden = c !== 'playlist';
    $('show-url-box').hidden = c !== 'relay';
    $('show-cats-box').hidden = c === 'playlist';
    $('show-podcast-box').hidden = !$('show-form').elements.podcast.checked;
    warn();
  }
  function saveShow(e) {
    e.preventDefault();
    var form = $('show-form'), f = form.elements;
    var playlist = f.content.value === 'playlist';
    var body = {
      name: f.name.value, host: f.host.value, days: getDays(form), start: f.start.value.slice(0, 5),
      duration: Number(f.duration.value), valid_from: f.valid_from.value || null, valid_to: f.valid_to.value || null,
      dates: M.splitList(f.dates.value), except_dates: showId ? showExcepts : [], content: f.content.value, items: playlist ? showItems : [],
      categories: playlist ? [] : M.splitList(f.categories.value),
      url: f.content.value === 'relay' ? f.url.value : '',
      track_separation_hours: Number(f.track_separation_hours.value),
      artist_separation_minutes: Number(f.artist_separation_minutes.value),
      hard_start: f.hard_start.checked, hard_end: f.hard_end.checked,
      podcast: f.podcast.checked, podcast_description: f.podcast_description.value,
      podcast_image: f.podcast_image.value, podcast_category: f.podcast_category.value
    };
    busy(M.send(showId ? 'PUT' : 'POST', '/api/v1/shows' + (showId ? '/' + showId : ''), body).then(function () {
      M.say(M.t('saved', 'Tersimpan.'));
      $('show-card').hidden = true;
      return load();
    })).catch(function (err) {
      var box = $('show-error');
      S.text(box, reason(err, { categories: body.categories }));
      box.hidden = false;
    });
  }

  /* ---- campaigns ---- */
  function openCampaign(c) {
    var f = $('campaign-form').elements;
    var today = stationNow().date;
    campaignId = c ? c.id : null;
    f.name.value = c ? c.name : '';
    f.valid_from.value = c ? c.valid_from : today;
    f.valid_to.value = c ? c.valid_to : isoAdd(today, 30);
    setDays($('campaign-form'), c ? c.days : [0, 1, 2, 3, 4, 5, 6]);
    f.timing.value = c ? c.timing : 'soft';
    f.times.value = c ? c.times.join(', ') : '';
    f.interval_minutes.value = c ? c.interval_minutes : 0;
    f.window_minutes.value = c ? c.window_minutes : 5;
    f.fade_seconds.value = c ? c.fade_seconds : 2;
    campaignItems = c ? c.items.slice() : [];
    renderItems($('campaign-items'), campaignItems);
    $('campaign-delete').hidden = !c;
    $('campaign-card').hidden = false;
    $('campaign-card').scrollIntoView({ block: 'nearest' });
    f.name.focus();
  }
  function saveCampaign(e) {
    e.preventDefault();
    var form = $('campaign-form'), f = form.elements;
    var body = {
      name: f.name.value, valid_from: f.valid_from.value, valid_to: f.valid_to.value, days: getDays(form),
      timing: f.timing.value, times: M.splitList(f.times.value), interval_minutes: Number(f.interval_minutes.value),
      window_minutes: Number(f.window_minutes.value), fade_seconds: Number(f.fade_seconds.value), items: campaignItems
    };
    M.send(campaignId ? 'PUT' : 'POST', '/api/v1/campaigns' + (campaignId ? '/' + campaignId : ''), body).then(function () {
      M.say(M.t('saved', 'Tersimpan.'));
      $('campaign-card').hidden = true;
      load();
    }).catch(function (err) { M.say(S.errorText(err), true); });
  }

  function remove(kind, id, card) {
    if (!id || !window.confirm(M.t('confirm_delete', 'Hapus ini?'))) return;
    M.send('DELETE', '/api/v1/' + kind + '/' + id).then(function () {
      M.say(M.t('deleted', 'Terhapus.'));
      $(card).hidden = true;
      load();
    }).catch(function (err) { M.say(S.errorText(err), true); });
  }

  function setView(v) {
    view = v;
    $('view-week').setAttribute('aria-pressed', v === 'week');
    $('view-day').setAttribute('aria-pressed', v === 'day');
    grid();
  }
  function step(n) {
    anchor = isoAdd(anchor, view === 'week' ? 7 * n : n);
    $('week').value = anchor;
    grid();
  }

  M.start(function (session) {
    writer = M.canWrite(session);
    var writes = document.querySelectorAll('.write');
    for (var i = 0; i < writes.length; i++) writes[i].hidden = !writer;
    anchor = stationNow().date;
    $('week').value = anchor;
    $('week').addEventListener('change', function () { if ($('week').value) { anchor = $('week').value; grid(); } });
    $('week-prev').addEventListener('click', function () { step(-1); });
    $('week-next').addEventListener('click', function () { step(1); });
    $('view-week').addEventListener('click', function () { setView('week'); });
    $('view-day').addEventListener('click', function () { setView('day'); });
    $('new-show').addEventListener('click', function () { openShow(null); });
    $('new-campaign').addEventListener('click', function () { openCampaign(null); });
    $('show-form').addEventListener('submit', saveShow);
    $('campaign-form').addEventListener('submit', saveCampaign);
    $('show-form').elements.content.addEventListener('change', contentChanged);
    $('show-form').elements.categories.addEventListener('input', warn);
    $('show-form').elements.podcast.addEventListener('change', contentChanged);
    $('show-add').addEventListener('click', function () {
      var v = Number($('show-pick').value);
      if (v) { showItems.push(v); renderItems($('show-items'), showItems); }
    });
    $('campaign-add').addEventListener('click', function () {
      var v = Number($('campaign-pick').value);
      if (v) { campaignItems.push(v); renderItems($('campaign-items'), campaignItems); }
    });
    /* a copy: the same show as a new one, on the days chosen next */
    $('show-copy').addEventListener('click', function () {
      showId = null;
      setDays($('show-form'), []);
      $('show-form').elements.dates.value = '';
      showExcepts = [];
      renderExcepts(null);
      $('show-skip-date').hidden = true;
      $('show-copy').hidden = true;
      $('show-delete').hidden = true;
      $('show-copying').hidden = false;
      var first = $('show-form').querySelector('input[name=day]');
      if (first) first.focus();
    });
    $('show-delete').addEventListener('click', function () { remove('shows', showId, 'show-card'); });
    $('campaign-delete').addEventListener('click', function () { remove('campaigns', campaignId, 'campaign-card'); });
    $('show-cancel').addEventListener('click', function () { $('show-card').hidden = true; });
    $('campaign-cancel').addEventListener('click', function () { $('campaign-card').hidden = true; });
    ['show-form', 'campaign-form'].forEach(function (id) {
      $(id).addEventListener('input', function () { if ($('show-error')) $('show-error').hidden = true; });
    });
    M.onlang = function () { words(); legend(); grid(); fillCategories(); warn(); skipLabel(); renderExcepts(openedShow); };
    words();
    legend();
    if (window.matchMedia && window.matchMedia('(max-width: 700px)').matches) view = 'day';
    setView(view);
    /* the station's clock, then the now line every minute */
    S.getJSON('/api/v1/nowplaying').then(function (np) {
      zone = np.station && np.station.timezone;
      anchor = stationNow().date;
      $('week').value = anchor;
    }).catch(function () { /* the browser's own zone */ }).then(function () {
      return loadMedia();
    }).then(load).then(function () {
      $('grid').setAttribute('data-ready', '1');
    });
    setInterval(grid, 60000); /* put off while a pointer or a question is on the grid */
  });
})();
