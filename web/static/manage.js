/* Shared by the operator's pages (schedule, library, as-run): the session
 * and its CSRF token, JSON requests, uploads with progress, and the pages'
 * own words in English (Bahasa Indonesia is in the HTML).  Values from the
 * server only ever reach the page as text. */
'use strict';
var Manage = (function () {
  var S = Siaran;
  var en = {
    nav_dashboard: 'Dashboard', nav_studio: 'Studio', nav_schedule: 'Schedule', nav_library: 'Library', nav_asrun: 'As-run log', nav_users: 'Users',
    need_login: 'Please log in on the panel first.', go_login: 'Log in',
    week: 'Week of', prev: 'Previous week', next_week: 'Next week', grid: 'Programme grid',
    shows: 'Shows', campaigns: 'PSA campaigns', new_show: 'New show', new_campaign: 'New campaign',
    name: 'Name', host: 'Host', days: 'Days', start: 'Start', duration: 'Duration (minutes)',
    valid_from: 'Valid from', valid_to: 'Valid to', dates: 'One-off dates (YYYY-MM-DD, comma-separated)',
    content: 'Content', c_playlist: 'Playlist', c_rotation: 'Rotation (categories)', c_complaints: 'Citizen voices (complaints)',
    c_live: 'Live (a presenter)',
    c_relay: 'Relay of another station (URL)', url: 'URL of the relayed stream (http/https)',
    items: 'Items', add: 'Add', remove: 'Remove', categories: 'Categories (comma-separated)',
    track_sep: 'No repeat of a track within (hours)', artist_sep: 'No same artist within (minutes)',
    hard_start: 'Hard start (fade what airs)', hard_end: 'Hard end (cut at the end)',
    podcast: 'Podcast: every airing becomes an episode (public feed)',
    podcast_description: 'Podcast description', podcast_image: 'Podcast image (https:// address, square JPEG/PNG)',
    podcast_category: 'Podcast category',
    save: 'Save', delete: 'Delete', cancel: 'Cancel', timing: 'Timing', t_hard: 'Hard (on the second)',
    t_soft: 'Soft (at the next item boundary)', times: 'Times (HH:MM, comma-separated)',
    interval: 'Every N minutes (0 = none)', window: 'May be delayed by up to (minutes after the slot)', fade: 'Fade-out of the item before (seconds)',
    d0: 'Sun', d1: 'Mon', d2: 'Tue', d3: 'Wed', d4: 'Thu', d5: 'Fri', d6: 'Sat',
    saved: 'Saved.', deleted: 'Deleted.', confirm_delete: 'Delete this?',
    search: 'Search', q: 'Title or artist', kind: 'Kind', all: 'All', category: 'Category',
    k_music: 'Music', k_programme: 'Programme', k_psa: 'PSA', k_jingle: 'Jingle', k_announcement: 'Announcement',
    k_complaint: 'Complaint', k_fallback: 'Fallback music', k_live: 'Live',
    title: 'Title', artist: 'Artist', length: 'Length', actions: 'Actions', play: 'Play', edit: 'Edit',
    upload: 'Upload', audio: 'Audio files (several at once if you like)', uploaded: 'Uploaded.', existed: 'Already in the library.',
    quiet: 'Quiet on purpose (no silence alarm)', preview: 'Preview', edit_item: 'Edit item',
    prev_page: 'Previous', next_page: 'Next', of: 'of', force_delete: 'It is used by: %s. Take it off the air anyway?',
    day: 'Day', filter: 'Show', csv: 'Export CSV', scheduled: 'Scheduled', started: 'Started',
    ended: 'Ended', reason: 'Reason', clip: 'Recording', report: 'PSA campaign report', campaign: 'Campaign',
    from: 'From', to: 'To', plays: 'Plays', position: '#', airings: 'Aired at', nothing: 'Nothing.',
    every: 'every %s min', total: 'Total plays',
    range: 'Download a recording of the air', download: 'Download',
    range_hint: 'Station time, up to 3 hours: for example the airing of a complaint, to send to the agency or the Ombudsman.',
    range_order: '"To" must be after "From".',
    every: 'every %s min', total: 'Total plays', time_from: 'From (time)', time_to: 'To (time)',
    k_alert: 'Alert bulletin', show_spoken: 'Also show complaint intros and spoken announcements',
    time_order: 'The end time must be after the start time.',
    uploaded_n: '%d files uploaded, %e already in the library.', uploading: 'Uploading'
  };
  var original = {};
  var csrf = null;

  function lang() { return document.documentElement.lang === 'en' ? 'en' : 'id'; }
  /* The text of key: English from the table, else the page's own
   * Indonesian words (fallback given by the caller for JS-made text). */
  function t(key, fallback) {
    if (lang() === 'en' && en[key]) return en[key];
    if (key in original) return original[key];
    return fallback !== undefined ? fallback : S.t(key);
  }
  function apply() {
    var nodes = document.querySelectorAll('[data-m]');
    for (var i = 0; i < nodes.length; i++) {
      var key = nodes[i].getAttribute('data-m');
      if (!(key in original)) original[key] = nodes[i].textContent;
      nodes[i].textContent = lang() === 'en' && en[key] ? en[key] : original[key];
    }
    var ph = document.querySelectorAll('[data-m-placeholder]');
    for (var j = 0; j < ph.length; j++) {
      var k = ph[j].getAttribute('data-m-placeholder');
      if (!(('ph:' + k) in original)) original['ph:' + k] = ph[j].placeholder;
      ph[j].placeholder = lang() === 'en' && en[k] ? en[k] : original['ph:' + k];
    }
  }
  function $(id) { return document.getElementById(id); }
  function say(message, isError) {
    var el = $('message');
    S.text(el, message);
    el.className = isError ? 'error' : '';
  }
  /* what became of an action, next to its control; a refusal in the
   * panel's language with the API's English reason as its tooltip */
  function tell(anchor, message) { return S.feedback(anchor, message, false); }
  function warn(anchor) { return function (err) { S.showError(anchor, err); }; }
  function parse(r) {
    var type = r.headers.get('Content-Type') || '';
    if (type.indexOf('application/json') !== 0) {
      if (!r.ok) throw S.failure('HTTP ' + r.status, r.status);
      return r;
    }
    return r.json().then(function (data) {
      if (!r.ok) throw S.refusal(r.status, data);
      return data;
    });
  }
  function send(method, url, body) {
    var options = { method: method, credentials: 'same-origin', headers: {} };
    if (csrf) options.headers['X-CSRF-Token'] = csrf;
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(parse);
  }
  function get(url) {
    return fetch(url, { credentials: 'same-origin', cache: 'no-store' }).then(parse);
  }
  /* A multipart upload with a progress bar (XMLHttpRequest reports upload
   * progress, fetch does not). */
  function upload(url, form, bar) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open('POST', url);
      if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
      bar.hidden = false;
      bar.value = 0;
      xhr.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable) bar.value = e.loaded / e.total;
      });
      xhr.addEventListener('load', function () {
        bar.hidden = true;
        var data = null;
        try { data = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        if (xhr.status >= 200 && xhr.status < 300) resolve(data);
        else reject(S.refusal(xhr.status, data));
      });
      xhr.addEventListener('error', function () { bar.hidden = true; reject(S.failure('network', 0)); });
      xhr.send(form);
    });
  }
  /* Every page has a logout in its header (added where the page has none):
   * the session ends and the login is on the dashboard. */
  function logoutButton() {
    var button = $('logout');
    if (!button) {
      button = document.createElement('button');
      button.id = 'logout';
      button.type = 'button';
      button.className = 'link';
      button.setAttribute('data-i18n', 'logout');
      S.text(button, 'Keluar');
      var bar = document.querySelector('header.bar');
      bar.insertBefore(button, $('lang'));
    }
    button.hidden = false;
    button.addEventListener('click', function () {
      send('DELETE', '/api/v1/session').catch(function () { /* ended anyway */ })
        .then(function () { window.location.href = '/panel/'; });
    });
  }
  /* Starts a page: translations, the session (the page's content is shown
   * only when logged in), then ready(session). */
  function start(ready) {
    document.addEventListener('DOMContentLoaded', function () {
      apply();
      document.addEventListener('siaran-lang', function () { apply(); if (Manage.onlang) Manage.onlang(); });
      get('/api/v1/session').then(function (session) {
        csrf = session.csrf_token;
        S.text($('who'), session.user + ' (' + S.role(session.role) + ')');
        logoutButton();
        S.apply();
        if ($('nav-users')) $('nav-users').hidden = session.role !== 'admin';
        $('content').hidden = false;
        ready(session);
      }).catch(function () {
        $('login-needed').hidden = false;
      });
    });
  }
  function canWrite(session) { return session.role === 'operator' || session.role === 'admin'; }
  function duration(seconds) {
    var s = Math.max(0, Math.round(seconds || 0));
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    var mmss = ('0' + m).slice(-2) + ':' + ('0' + (s % 60)).slice(-2);
    return h ? h + ':' + mmss : m + ':' + ('0' + (s % 60)).slice(-2);
  }
  function option(value, label) {
    var o = document.createElement('option');
    o.value = value;
    S.text(o, label);
    return o;
  }
  /* The local calendar date of d as YYYY-MM-DD. */
  function isoDate(d) {
    return d.getFullYear() + '-' + ('0' + (d.getMonth() + 1)).slice(-2) + '-' + ('0' + d.getDate()).slice(-2);
  }
  function splitList(text) {
    return text.split(',').map(function (s) { return s.trim(); }).filter(function (s) { return s; });
  }
  return { t: t, apply: apply, $: $, say: say, tell: tell, warn: warn, send: send, get: get, upload: upload, start: start,
           canWrite: canWrite, duration: duration, option: option, isoDate: isoDate,
           splitList: splitList, onlang: null };
})();
