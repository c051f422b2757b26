/* The public listener page: the player and now playing, refreshed every 5 s. */
'use strict';
(function () {
  var S = Siaran;
  var streamSet = false;
  var last = null;

  function progress() {
    var bar = document.getElementById('now-progress');
    if (!last || !last.now || !last.now.duration) { bar.value = 0; return; }
    var elapsed = last.now.elapsed + (Date.now() - last.fetched) / 1000;
    bar.value = Math.min(1, elapsed / last.now.duration);
  }

  function show(data) {
    data.fetched = Date.now();
    last = data;
    S.text(document.getElementById('station'), data.station.name);
    document.title = data.station.name;
    if (!streamSet && data.stream_url) {
      document.getElementById('player').src = data.stream_url;
      streamSet = true;
    }
    S.text(document.getElementById('now-title'), data.now ? data.now.title : S.t('nothing'));
    S.text(document.getElementById('now-artist'), data.now ? data.now.artist : '');
    S.renderNext(document.getElementById('next'), data.next);
    var banner = document.getElementById('alert-banner');
    S.text(banner, data.alert ? data.alert.headline : '');
    banner.hidden = !data.alert;
    progress();
  }

  function refresh() {
    S.getJSON('/api/v1/nowplaying').then(show).catch(function () { /* next round */ });
  }

  function today() {
    S.getJSON('/api/v1/rundown').then(function (data) {
      var now = Date.now();
      var items = (data.items || []).filter(function (item) {
        return Date.parse(item.starts_at) >= now - 3600 * 1000;
      }).slice(0, 40);
      S.renderNext(document.getElementById('today'), items);
    }).catch(function () { /* the programme is optional */ });
  }

  /* The podcast feeds, each a link a podcast app can subscribe to. */
  function podcasts() {
    S.getJSON('/api/v1/public/podcasts').then(function (data) {
      var list = document.getElementById('podcast-list');
      list.textContent = '';
      (data.podcasts || []).forEach(function (p) {
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.href = p.feed;
        a.type = 'application/rss+xml';
        a.className = 'podcast-feed';
        S.text(a, p.name);
        li.appendChild(a);
        li.appendChild(document.createTextNode(' (RSS, ' + p.episodes + ' ' + S.t('episodes') + ')'));
        list.appendChild(li);
      });
      document.getElementById('podcasts').hidden = !(data.podcasts || []).length;
    }).catch(function () { /* the podcasts are optional */ });
  }

  document.addEventListener('DOMContentLoaded', function () {
    refresh();
    today();
    podcasts();
    setInterval(refresh, 5000);
    setInterval(progress, 1000);
    setInterval(today, 300000);
  });
})();
