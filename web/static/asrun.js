/* The as-run page: what aired on a day (filtered by kind), its CSV export,
 * and the PSA campaign report. */
'use strict';
(function () {
  var S = Siaran, M = Manage, $ = M.$;

  function time(iso) {
    if (!iso) return '';
    var m = /T(\d\d:\d\d:\d\d)/.exec(iso);
    return m ? m[1] : iso;
  }

  /* The item as it aired, cut from the archive (404 when not archived). */
  function clipCell(r) {
    var td = S.make('td');
    if (r.ended_at > r.started_at) {
      var a = S.make('a', M.t('clip', 'Rekaman'));
      a.href = '/api/v1/archive/clip?' +
        new URLSearchParams({ from: r.started_at, to: r.ended_at }).toString();
      a.setAttribute('download', 'siaran-' + r.started_at.replace(/[^0-9T]/g, '') + '.opus');
      td.appendChild(a);
    }
    return td;
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

  M.start(function () {
    $('asrun-form').elements.date.value = M.isoDate(new Date());
    $('asrun-form').addEventListener('submit', function (e) { e.preventDefault(); load(); });
    $('report-form').addEventListener('submit', report);
    M.onlang = load;
    load();
    campaigns();
  });
})();
