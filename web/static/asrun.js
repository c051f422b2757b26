/* The as-run page: what aired on a day (filtered by kind), each item's
 * recording (play, download), any window of the archive, its CSV export,
 * and the PSA campaign report. */
'use strict';
(function () {
  var S = Siaran, M = Manage, $ = M.$;

  function time(iso) {
    if (!iso) return '';
    var m = /T(\d\d:\d\d:\d\d)/.exec(iso);
    return m ? m[1] : iso;
  }

  function clipUrl(from, to) {
    return '/api/v1/archive/clip?' + new URLSearchParams({ from: from, to: to }).toString();
  }

  /* Plays a clip in the page's one player. */
  function play(url, label) {
    var player = $('clip-player');
    player.hidden = false;
    player.src = url;
    S.text($('clip-playing'), label);
    player.play().catch(function () { /* the user presses play */ });
  }

  /* Minutes east of UTC of an ISO time's offset ("+07:00", "Z"). */
  function offsetOf(iso) {
    var m = /(Z|([+-])(\d\d):(\d\d))$/.exec(iso || '');
    if (!m || m[1] === 'Z') return 0;
    return (m[2] === '-' ? -1 : 1) * (Number(m[3]) * 60 + Number(m[4]));
  }

  /* Station time for the range form ("2026-12-01T06:00:00"), to the second:
   * ms rounded up (up true) or down, so the window stays inside the item;
   * iso gives the station's offset. */
  function local(ms, iso, up) {
    var s = up ? Math.ceil(ms / 1000) : Math.floor(ms / 1000);
    return new Date(s * 1000 + offsetOf(iso) * 60000).toISOString().slice(0, 19);
  }

  /* The item as it aired, cut from the archive (404 when not archived):
   * play it here, download it, or take its times into the range form. */
  function clipCell(r) {
    var td = S.make('td');
    if (r.ended_ms > r.started_ms) {
      var url = clipUrl(new Date(r.started_ms).toISOString(), new Date(r.ended_ms).toISOString());
      var b = S.make('button', M.t('play', 'Putar'), 'secondary clip-play');
      b.type = 'button';
      b.addEventListener('click', function () {
        play(url, time(r.started_at) + ' ' + r.title);
        var f = $('range-form').elements;
        f.from.value = local(r.started_ms, r.started_at, true);
        f.to.value = local(r.ended_ms, r.ended_at, false);
      });
      td.appendChild(b);
      td.appendChild(document.createTextNode(' '));
      var a = S.make('a', M.t('clip', 'Rekaman'));
      a.href = url;
      a.setAttribute('download', 'siaran-' + r.started_at.replace(/[^0-9T]/g, '') + '.opus');
      td.appendChild(a);
    }
    return td;
  }

  /* The range form's window, or null with the reason shown. */
  function range() {
    var f = $('range-form').elements;
    S.text($('range-error'), '');
    var from = f.from.value, to = f.to.value;
    if (from.length === 16) from += ':00';
    if (to.length === 16) to += ':00';
    if (!from || !to || to <= from) {
      S.text($('range-error'), M.t('range_order', '"Sampai" harus sesudah "Dari".'));
      return null;
    }
    return { from: from, to: to };
  }

  /* Fetches the clip first, so a window that is not archived says why
   * instead of saving an error as audio. */
  function download(e) {
    e.preventDefault();
    var w = range();
    if (!w) return;
    fetch(clipUrl(w.from, w.to), { credentials: 'same-origin' }).then(function (res) {
      if (!res.ok) {
        return res.json().catch(function () { return null; })
          .then(function (body) { throw S.refusal(res.status, body); });
      }
      return res.blob();
    }).then(function (blob) {
      var a = $('range-link');
      if (a.href) URL.revokeObjectURL(a.href);
      a.href = URL.createObjectURL(blob);
      a.setAttribute('download', 'siaran-' + w.from.replace(/[^0-9T]/g, '') + '-' +
        w.to.replace(/[^0-9T]/g, '') + '.opus');
      a.click();
    }).catch(function (err) {
      S.text($('range-error'), S.errorText(err));
      $('range-error').title = err.message;
    });
  }

  /* The filters as a query: the day, or a time-of-day span of it, and the
   * kind; the CSV link follows the same filters. */
  function query() {
    var f = $('asrun-form').elements;
    var params = new URLSearchParams();
    if (f.from_time.value || f.to_time.value) {
      params.set('from', f.date.value + ' ' + (f.from_time.value || '00:00'));
      if (f.to_time.value) params.set('to', f.date.value + ' ' + f.to_time.value);
      else params.set('to', f.date.value); /* a date as the end: to its midnight */
    } else {
      params.set('date', f.date.value);
    }
    if (f.kind.value) params.set('kind', f.kind.value);
    return params.toString();
  }
  function load() {
    var f = $('asrun-form').elements;
    if (f.from_time.value && f.to_time.value && f.to_time.value <= f.from_time.value) {
      S.feedback($('asrun-show'), M.t('time_order', 'Jam akhir harus sesudah jam mulai.'), true);
      return;
    }
    var q = query();
    $('csv').href = '/api/v1/asrun.csv?' + q;
    M.get('/api/v1/asrun?' + q).then(function (data) {
      var body = $('rows');
      S.clear(body);
      data.rows.forEach(function (r) {
        var tr = S.make('tr');
        tr.appendChild(S.make('td', time(r.scheduled_at)));
        tr.appendChild(S.make('td', time(r.started_at)));
        tr.appendChild(S.make('td', M.duration(r.duration), 'num'));
        tr.appendChild(S.make('td', S.kind(r.kind)));
        tr.appendChild(S.make('td', r.artist ? r.title + ' – ' + r.artist : r.title));
        var why = S.make('td', S.reason(r.reason));
        why.title = r.reason || '';
        tr.appendChild(why);
        tr.appendChild(clipCell(r));
        body.appendChild(tr);
      });
      if (!data.rows.length) {
        var tr = S.make('tr');
        tr.appendChild(S.make('td', M.t('nothing', 'Tidak ada.')));
        body.appendChild(tr);
      }
    }).catch(M.warn($('asrun-show')));
  }

  function campaigns() {
    M.get('/api/v1/campaigns').then(function (data) {
      var select = $('report-form').elements.campaign;
      S.clear(select);
      data.campaigns.forEach(function (c) {
        select.appendChild(M.option(c.id, c.name + ' (' + c.valid_from + ' – ' + c.valid_to + ')'));
      });
    }).catch(function (e) { M.say(S.errorText(e), true); });
  }

  function report(e) {
    e.preventDefault();
    var f = $('report-form').elements;
    if (!f.campaign.value) return;
    var params = new URLSearchParams();
    if (f.from.value) params.set('from', f.from.value);
    if (f.to.value) params.set('to', f.to.value);
    M.get('/api/v1/campaigns/' + f.campaign.value + '/report?' + params.toString()).then(function (data) {
      S.text($('report-total'), M.t('total', 'Jumlah diputar') + ': ' + data.plays);
      var body = $('report');
      S.clear(body);
      data.items.forEach(function (item) {
        var tr = S.make('tr');
        tr.appendChild(S.make('td', item.position));
        tr.appendChild(S.make('td', item.title));
        tr.appendChild(S.make('td', item.plays, 'num'));
        tr.appendChild(S.make('td', item.airings.map(function (a) {
          return a.started_at.slice(0, 10) + ' ' + time(a.started_at);
        }).join(', ')));
        body.appendChild(tr);
      });
    }).catch(M.warn($('report-submit')));
  }

  /* Today in the station's zone (the browser may be in another): from the
   * offset of a time now playing gives, else the browser's own date. */
  function stationToday() {
    return S.getJSON('/api/v1/nowplaying').then(function (np) {
      var iso = np.now && np.now.started_at;
      if (!iso) return M.isoDate(new Date());
      return new Date(Date.now() + offsetOf(iso) * 60000).toISOString().slice(0, 10);
    }).catch(function () { return M.isoDate(new Date()); });
  }

  M.start(function () {
    $('asrun-form').elements.date.value = M.isoDate(new Date());
    $('asrun-form').addEventListener('submit', function (e) { e.preventDefault(); load(); });
    $('report-form').addEventListener('submit', report);
    $('range-form').addEventListener('submit', download);
    $('range-play').addEventListener('click', function () {
      var w = range();
      if (w) play(clipUrl(w.from, w.to), w.from.replace('T', ' ') + ' – ' + w.to.slice(11));
    });
    M.onlang = load;
    stationToday().then(function (day) {
      $('asrun-form').elements.date.value = day;
      load();
    });
    campaigns();
  });
})();
