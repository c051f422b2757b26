/* The schedule page: a week grid (Monday to Sunday) of shows and PSA
 * campaign times, and the forms that create, edit and delete them. */
'use strict';
(function () {
  var S = Siaran, M = Manage, $ = M.$;
  var shows = [], campaigns = [], media = [], writer = false;
  var monday = null, showId = null, campaignId = null;
  var showItems = [], campaignItems = [];

  function addDays(d, n) { var x = new Date(d.getTime()); x.setDate(x.getDate() + n); return x; }
  function mondayOf(d) { var x = new Date(d.getFullYear(), d.getMonth(), d.getDate()); return addDays(x, -((x.getDay() + 6) % 7)); }
  function inRange(date, from, to) { return (!from || date >= from) && (!to || date <= to); }

  function load() {
    return Promise.all([M.get('/api/v1/shows'), M.get('/api/v1/campaigns')]).then(function (r) {
      shows = r[0].shows;
      campaigns = r[1].campaigns;
      grid();
    }).catch(function (e) { M.say(e.message, true); });
  }

  function slot(label, cls, onclick) {
    var b = S.make('button', label, 'slot' + (cls ? ' ' + cls : ''));
    b.type = 'button';
    b.addEventListener('click', onclick);
    return b;
  }

  /* What is on day (a Date): shows by weekday or one-off date inside their
   * validity, and the campaigns' slots. */
  function grid() {
    var box = $('grid');
    S.clear(box);
    var today = M.isoDate(new Date());
    for (var i = 0; i < 7; i++) {
      var day = addDays(monday, i);
      var iso = M.isoDate(day);
      var dow = day.getDay();
      var col = S.make('div', undefined, 'day' + (iso === today ? ' today' : ''));
      col.appendChild(S.make('h3', M.t('d' + dow) + ' ' + iso.slice(5)));
      var entries = [];
      shows.forEach(function (s) {
        var weekly = s.days.indexOf(dow) >= 0 && inRange(iso, s.valid_from, s.valid_to);
        if (weekly || s.dates.indexOf(iso) >= 0)
          entries.push({ at: s.start, label: s.start + '–' + s.end + ' ' + s.name, cls: '', open: openShow.bind(null, s) });
      });
      campaigns.forEach(function (c) {
        if (c.days.indexOf(dow) < 0 || !inRange(iso, c.valid_from, c.valid_to)) return;
        c.times.forEach(function (t) {
          entries.push({ at: t, label: t + ' ILM ' + c.name + ' (' + c.timing + ')', cls: 'psa', open: openCampaign.bind(null, c) });
        });
        if (c.interval_minutes > 0)
          entries.push({ at: '', label: 'ILM ' + c.name + ' · ' + M.t('every', 'tiap %s menit').replace('%s', c.interval_minutes),
                         cls: 'psa', open: openCampaign.bind(null, c) });
      });
      entries.sort(function (a, b) { return a.at < b.at ? -1 : a.at > b.at ? 1 : 0; });
      entries.forEach(function (e) { col.appendChild(slot(e.label, e.cls, e.open)); });
      box.appendChild(col);
    }
  }

  function loadMedia() {
    return M.get('/api/v1/media?limit=500').then(function (data) {
      media = data.media;
      fillPick($('show-pick'), function () { return true; });
      fillPick($('campaign-pick'), function (m) { return m.kind === 'psa'; });
    }).catch(function (e) { M.say(e.message, true); });
  }
  function fillPick(select, keep) {
    S.clear(select);
    media.filter(keep).forEach(function (m) {
      select.appendChild(M.option(m.id, m.title + (m.artist ? ' – ' + m.artist : '') + ' (' + M.duration(m.duration) + ')'));
    });
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

  function setDays(form, days) {
    var boxes = form.querySelectorAll('input[name=day]');
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = days.indexOf(Number(boxes[i].value)) >= 0;
  }
  function getDays(form) {
    var out = [];
    var boxes = form.querySelectorAll('input[name=day]');
    for (var i = 0; i < boxes.length; i++) if (boxes[i].checked) out.push(Number(boxes[i].value));
    return out;
  }

  /* ---- shows ---- */
  function openShow(s) {
    var f = $('show-form').elements;
    showId = s ? s.id : null;
    f.name.value = s ? s.name : '';
    f.host.value = s ? s.host : '';
    setDays($('show-form'), s ? s.days : [1, 2, 3, 4, 5]);
    f.start.value = s ? s.start.slice(0, 5) : '06:00';
    f.duration.value = s ? Math.round(s.duration) : 60;
    f.valid_from.value = s && s.valid_from ? s.valid_from : '';
    f.valid_to.value = s && s.valid_to ? s.valid_to : '';
    f.dates.value = s ? s.dates.join(', ') : '';
    f.content.value = s ? s.content : 'playlist';
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
    $('show-card').hidden = false;
    f.name.focus();
  }
  function contentChanged() {
    $('show-items-box').hidden = $('show-form').elements.content.value !== 'playlist';
    $('show-url-box').hidden = $('show-form').elements.content.value !== 'relay';
    $('show-podcast-box').hidden = !$('show-form').elements.podcast.checked;
  }
  function saveShow(e) {
    e.preventDefault();
    var form = $('show-form'), f = form.elements;
    var playlist = f.content.value === 'playlist';
    var body = {
      name: f.name.value, host: f.host.value, days: getDays(form), start: f.start.value.slice(0, 5),
      duration: Number(f.duration.value), valid_from: f.valid_from.value || null, valid_to: f.valid_to.value || null,
      dates: M.splitList(f.dates.value), content: f.content.value, items: playlist ? showItems : [],
      categories: M.splitList(f.categories.value),
      url: f.content.value === 'relay' ? f.url.value : '',
      track_separation_hours: Number(f.track_separation_hours.value),
      artist_separation_minutes: Number(f.artist_separation_minutes.value),
      hard_start: f.hard_start.checked, hard_end: f.hard_end.checked,
      podcast: f.podcast.checked, podcast_description: f.podcast_description.value,
      podcast_image: f.podcast_image.value, podcast_category: f.podcast_category.value
    };
    M.send(showId ? 'PUT' : 'POST', '/api/v1/shows' + (showId ? '/' + showId : ''), body).then(function () {
      M.say(M.t('saved', 'Tersimpan.'));
      $('show-card').hidden = true;
      load();
    }).catch(function (err) { M.say(err.message, true); });
  }

  /* ---- campaigns ---- */
  function openCampaign(c) {
    var f = $('campaign-form').elements;
    campaignId = c ? c.id : null;
    f.name.value = c ? c.name : '';
    f.valid_from.value = c ? c.valid_from : M.isoDate(new Date());
    f.valid_to.value = c ? c.valid_to : M.isoDate(addDays(new Date(), 30));
    setDays($('campaign-form'), c ? c.days : [0, 1, 2, 3, 4, 5, 6]);
    f.timing.value = c ? c.timing : 'hard';
    f.times.value = c ? c.times.join(', ') : '';
    f.interval_minutes.value = c ? c.interval_minutes : 0;
    f.window_minutes.value = c ? c.window_minutes : 5;
    f.fade_seconds.value = c ? c.fade_seconds : 2;
    campaignItems = c ? c.items.slice() : [];
    renderItems($('campaign-items'), campaignItems);
    $('campaign-delete').hidden = !c;
    $('campaign-card').hidden = false;
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
    }).catch(function (err) { M.say(err.message, true); });
  }

  function remove(kind, id, card) {
    if (!id || !window.confirm(M.t('confirm_delete', 'Hapus ini?'))) return;
    M.send('DELETE', '/api/v1/' + kind + '/' + id).then(function () {
      M.say(M.t('deleted', 'Terhapus.'));
      $(card).hidden = true;
      load();
    }).catch(function (err) { M.say(err.message, true); });
  }

  function setWeek(d) {
    monday = mondayOf(d);
    $('week').value = M.isoDate(monday);
    grid();
  }

  M.start(function (session) {
    writer = M.canWrite(session);
    var writes = document.querySelectorAll('.write');
    for (var i = 0; i < writes.length; i++) writes[i].hidden = !writer;
    monday = mondayOf(new Date());
    $('week').value = M.isoDate(monday);
    $('week').addEventListener('change', function () {
      if ($('week').value) setWeek(new Date($('week').value + 'T12:00:00'));
    });
    $('week-prev').addEventListener('click', function () { setWeek(addDays(monday, -7)); });
    $('week-next').addEventListener('click', function () { setWeek(addDays(monday, 7)); });
    $('new-show').addEventListener('click', function () { openShow(null); });
    $('new-campaign').addEventListener('click', function () { openCampaign(null); });
    $('show-form').addEventListener('submit', saveShow);
    $('campaign-form').addEventListener('submit', saveCampaign);
    $('show-form').elements.content.addEventListener('change', contentChanged);
    $('show-form').elements.podcast.addEventListener('change', contentChanged);
    $('show-add').addEventListener('click', function () {
      var v = Number($('show-pick').value);
      if (v) { showItems.push(v); renderItems($('show-items'), showItems); }
    });
    $('campaign-add').addEventListener('click', function () {
      var v = Number($('campaign-pick').value);
      if (v) { campaignItems.push(v); renderItems($('campaign-items'), campaignItems); }
    });
    $('show-delete').addEventListener('click', function () { remove('shows', showId, 'show-card'); });
    $('campaign-delete').addEventListener('click', function () { remove('campaigns', campaignId, 'campaign-card'); });
    $('show-cancel').addEventListener('click', function () { $('show-card').hidden = true; });
    $('campaign-cancel').addEventListener('click', function () { $('campaign-card').hidden = true; });
    M.onlang = grid;
    loadMedia().then(load);
  });
})();
