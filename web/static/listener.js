/* The public listener page: the live player (play and pause only: a live
 * stream has nothing to seek), now playing refreshed every 5 s, and today's
 * programmes from the schedule. */
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

  function L(id, en) { return document.documentElement.lang === 'en' ? en : id; }

  /* Today's shows (station time): start–end, name, host; the one on now marked. */
  function today() {
    S.getJSON('/api/v1/public/programmes').then(function (data) {
      var list = document.getElementById('today');
      var now = Date.now();
      S.clear(list);
      data.programmes.forEach(function (p) {
        var on = Date.parse(p.starts_at) <= now && now < Date.parse(p.ends_at);
        var li = S.make('li', undefined, on ? 'on-air' : '');
        li.appendChild(S.make('time', p.start + '–' + p.end));
        li.appendChild(S.make('strong', p.name));
        if (p.host) li.appendChild(S.make('span', ' · ' + L('bersama ', 'with ') + p.host));
        if (on) li.appendChild(S.make('span', ' · ' + L('sedang mengudara', 'on air now'), 'badge'));
        list.appendChild(li);
      });
      if (!data.programmes.length)
        list.appendChild(S.make('li', L('Hari ini tidak ada acara terjadwal; musik pilihan radio mengudara.',
          'No programmes scheduled today; the station plays its music.'), 'muted'));
    }).catch(function () { /* the programme is optional */ });
  }

  /* Play and pause the live stream; playing again rejoins it live. */
  function player() {
    var audio = document.getElementById('player'), button = document.getElementById('play');
    var state = document.getElementById('play-state');
    function label() {
      var playing = !audio.paused;
      S.text(button, playing ? L('❚❚ Jeda', '❚❚ Pause') : L('▶ Putar siaran langsung', '▶ Play live'));
      button.setAttribute('aria-pressed', playing ? 'true' : 'false');
    }
    button.addEventListener('click', function () {
      if (!audio.paused) { audio.pause(); return; }
      if (!audio.src && last && last.stream_url) audio.src = last.stream_url;
      if (audio.src) audio.load(); /* back to the live point */
      S.text(state, L('Menyambung…', 'Connecting…'));
      audio.play().catch(function () { S.text(state, L('Siaran belum bisa diputar.', 'The stream cannot play yet.')); });
    });
    audio.addEventListener('playing', function () { S.text(state, L('Langsung', 'Live')); label(); });
    audio.addEventListener('pause', function () { S.text(state, ''); label(); });
    document.addEventListener('siaran-lang', label);
    label();
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
    player();
    refresh();
    today();
    podcasts();
    setInterval(refresh, 5000);
    setInterval(progress, 1000);
    setInterval(today, 300000);
  });
})();
