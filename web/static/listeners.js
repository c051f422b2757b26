/* The dashboard's listener charts: the last 24 hours (5-minute buckets) and
 * the last 7 days (hourly), the most listeners per mount in each bucket, from
 * GET /api/v1/listeners.  Drawn as SVG with DOM calls only: the page's CSP
 * allows no inline code, and no data passes through innerHTML.  The card is
 * filled in here so the page only holds an empty container. */
'use strict';
(function () {
  var NS = 'http://www.w3.org/2000/svg';
  var W = 640, H = 170, LEFT = 34, RIGHT = 8, TOP = 10, BOTTOM = 22;
  var COLORS = ['#0b6e4f', '#a4161a', '#1f5fa8', '#9a6700', '#7b3fa0', '#5c5c5c'];
  var REFRESH_MS = 60000;
  var words = {
    id: { title: 'Pendengar', day: '24 jam terakhir', week: '7 hari terakhir',
          peak: 'puncak', none: 'Belum ada data pendengar.', chart: 'Grafik pendengar per mount' },
    en: { title: 'Listeners', day: 'Last 24 hours', week: 'Last 7 days',
          peak: 'peak', none: 'No listener data yet.', chart: 'Listeners per mount chart' }
  };
  var card, timezone, last = {};

  function w(key) {
    var lang = document.documentElement.lang === 'en' ? 'en' : 'id';
    return words[lang][key];
  }
  function html(tag, text, parent) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function svg(tag, attrs, parent) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    if (parent) parent.appendChild(e);
    return e;
  }
  function format(ms, options) {
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || 'id',
        Object.assign({ timeZone: timezone }, options)).format(new Date(ms));
    } catch (e) {
      return new Date(ms).toLocaleString();
    }
  }
  /* A round top for the y axis: 1, 2, 5, 10, 20, 50… at or above peak. */
  function axisTop(peak) {
    var top = 1;
    while (top < peak) {
      var d = String(top).charAt(0);
      top = d === '1' ? top * 2 : d === '2' ? top * 5 / 2 : top * 2;
    }
    return top;
  }

  function draw(box, data, range) {
    while (box.firstChild) box.removeChild(box.firstChild);
    html('h3', w(range), box);
    var from = Date.parse(data.from), to = Date.parse(data.to);
    var bucket = data.bucket_seconds * 1000;
    var series = data.series || [];
    var peak = 0, points = 0;
    series.forEach(function (s) { peak = Math.max(peak, s.peak); points += s.points.length; });
    var top = axisTop(peak);
    var plotW = W - LEFT - RIGHT, plotH = H - TOP - BOTTOM;
    function x(ms) { return LEFT + (ms - from) / (to - from) * plotW; }
    function y(n) { return TOP + plotH - n / top * plotH; }

    var root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, width: '100%', role: 'img',
      'font-size': 11, 'font-family': 'system-ui, sans-serif' }, box);
    svg('title', {}, root).textContent = w('chart') + ' (' + w(range) + ')';
    [0, top / 2, top].forEach(function (n) {
      svg('line', { x1: LEFT, x2: W - RIGHT, y1: y(n), y2: y(n), stroke: '#ddd' }, root);
      var label = svg('text', { x: LEFT - 4, y: y(n) + 4, 'text-anchor': 'end', fill: '#5c5c5c' }, root);
      label.textContent = String(n);
    });
    /* x labels: every 6 hours for a day, every midnight for a week, in the
     * station's time (its UTC offset is in the ISO times of the answer) */
    var zone = /([+-])(\d\d):?(\d\d)$/.exec(data.to);
    var offset = zone ? (zone[1] === '-' ? -1 : 1) * (zone[2] * 3600000 + zone[3] * 60000) : 0;
    var step = range === 'day' ? 6 * 3600000 : 24 * 3600000;
    for (var t = Math.ceil((from + offset) / step) * step - offset; t <= to; t += step) {
      svg('line', { x1: x(t), x2: x(t), y1: TOP, y2: TOP + plotH, stroke: '#eee' }, root);
      var tick = svg('text', { x: x(t), y: H - 6, 'text-anchor': 'middle', fill: '#5c5c5c' }, root);
      tick.textContent = range === 'day'
        ? format(t, { hour: '2-digit', minute: '2-digit' })
        : format(t, { weekday: 'short', day: 'numeric' });
    }
    series.forEach(function (s, i) {
      var color = COLORS[i % COLORS.length];
      /* a bucket without a sample breaks the line (station or server down) */
      var run = [];
      function flush() {
        if (run.length === 1) {
          svg('circle', { cx: run[0][0], cy: run[0][1], r: 2, fill: color }, root);
        } else if (run.length > 1) {
          svg('polyline', { points: run.map(function (p) { return p.join(','); }).join(' '),
            fill: 'none', stroke: color, 'stroke-width': 1.5 }, root);
        }
        run = [];
      }
      var prev = null;
      s.points.forEach(function (p) {
        var at = Date.parse(p.at);
        if (prev !== null && at - prev > bucket) flush();
        run.push([x(at + bucket / 2).toFixed(1), y(p.listeners).toFixed(1)]);
        prev = at;
      });
      flush();
    });
    var legend = html('p', undefined, box);
    legend.className = 'muted';
    if (!points) legend.textContent = w('none');
    series.forEach(function (s, i) {
      if (!points) return;
      var item = html('span', undefined, legend);
      var swatch = svg('svg', { width: 12, height: 12, 'aria-hidden': 'true' }, item);
      svg('rect', { width: 12, height: 12, fill: COLORS[i % COLORS.length] }, swatch);
      item.appendChild(document.createTextNode(' ' + s.mount + ' (' + w('peak') + ' ' +
        s.peak + ')  '));
    });
  }

  function load(range, box) {
    return fetch('/api/v1/listeners?range=' + range, { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        last[range] = data;
        draw(box, data, range);
      })
      .catch(function () { /* the next refresh tries again */ });
  }

  function refresh() {
    var dashboard = document.getElementById('dashboard');
    if (!card || (dashboard && dashboard.hidden)) return;
    card.hidden = false;
    load('day', card.querySelector('[data-range=day]'));
    load('week', card.querySelector('[data-range=week]'));
  }

  function start() {
    card = document.getElementById('listener-history');
    if (!card) return;
    html('h2', w('title'), card);
    html('div', undefined, card).setAttribute('data-range', 'day');
    html('div', undefined, card).setAttribute('data-range', 'week');
    fetch('/api/v1/nowplaying').then(function (r) { return r.json(); })
      .then(function (np) { timezone = np.station && np.station.timezone; })
      .catch(function () { /* the browser's own zone then */ })
      .then(refresh);
    var dashboard = document.getElementById('dashboard');
    if (dashboard && window.MutationObserver) {
      new MutationObserver(refresh).observe(dashboard, { attributes: true, attributeFilter: ['hidden'] });
    }
    setInterval(refresh, REFRESH_MS);
    document.addEventListener('siaran-lang', function () {
      card.querySelector('h2').textContent = w('title');
      ['day', 'week'].forEach(function (range) {
        if (last[range]) draw(card.querySelector('[data-range=' + range + ']'), last[range], range);
      });
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
