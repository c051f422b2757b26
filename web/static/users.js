/* The admin's users page: the panel's accounts (GET /api/v1/users), a
 * form to add one (POST /api/v1/users), and per account: disable or enable
 * it, set a new password (PATCH /api/v1/users/{id}), end its sessions
 * (DELETE /api/v1/users/{id}/sessions).  Only an admin sees the content;
 * the server refuses everyone else anyway. */
'use strict';
(function () {
  var S = Siaran, M = Manage, $ = M.$;
  var en = {
    users: 'Users', admin_only: 'This page is for admins only.', accounts: 'Panel accounts',
    name: 'User name', role: 'Role', state: 'State', created: 'Created',
    roles_hint: 'admin: users and everything · operator: library, schedule, PSA campaigns · staff: complaints and announcements.',
    add_user: 'Add a user', password: 'Password (at least 8 characters)', password2: 'Repeat the password',
    add: 'Add', active: 'active', disabled: 'disabled', mismatch: 'The two passwords differ.',
    added: 'User added: ', actions: 'Actions', disable: 'Disable', enable: 'Enable',
    new_password: 'New password', end_sessions: 'Log out everywhere',
    ask_password: 'New password for %s (at least 8 characters):', changed: 'Saved: ',
    ended: 'Sessions ended: ', password_set: 'New password set, sessions ended: '
  };
  var id = {
    active: 'aktif', disabled: 'nonaktif', mismatch: 'Kedua kata sandi berbeda.',
    added: 'Pengguna ditambahkan: ', disable: 'Nonaktifkan', enable: 'Aktifkan',
    new_password: 'Kata sandi baru', end_sessions: 'Keluarkan dari semua sesi',
    ask_password: 'Kata sandi baru untuk %s (paling sedikit 8 karakter):', changed: 'Tersimpan: ',
    ended: 'Sesi diakhiri: ', password_set: 'Kata sandi baru tersimpan, sesi diakhiri: '
  };
  var original = {};

  function english() { return document.documentElement.lang === 'en'; }
  function t(key) {
    if (english() && en[key]) return en[key];
    return original[key] || id[key] || en[key] || key;
  }
  function translate() {
    var nodes = document.querySelectorAll('[data-u]');
    for (var i = 0; i < nodes.length; i++) {
      var key = nodes[i].getAttribute('data-u');
      if (!(key in original)) original[key] = nodes[i].textContent;
      nodes[i].textContent = t(key);
    }
  }

  function load() {
    M.get('/api/v1/users').then(function (data) {
      var body = $('users');
      S.clear(body);
      data.users.forEach(function (u) {
        var tr = S.make('tr');
        tr.appendChild(S.make('td', u.name));
        tr.appendChild(S.make('td', S.role(u.role)));
        tr.appendChild(S.make('td', t(u.disabled ? 'disabled' : 'active')));
        tr.appendChild(S.make('td', (u.created_at || '').replace('T', ' ').slice(0, 16)));
        tr.appendChild(actions(u));
        body.appendChild(tr);
      });
    }).catch(function (e) { M.say(S.errorText(e), true); });
  }

  function button(label, action) {
    var b = S.make('button', t(label));
    b.type = 'button';
    b.setAttribute('data-action', label);
    b.addEventListener('click', action);
    return b;
  }

  function change(u, body, done) {
    M.send('PATCH', '/api/v1/users/' + u.id, body)
      .then(function () { M.say(t(done) + u.name); load(); })
      .catch(function (err) { M.say(S.errorText(err), true); });
  }

  /* Disabling or a new password also ends the account's sessions (server side). */
  function actions(u) {
    var td = S.make('td');
    td.appendChild(button(u.disabled ? 'enable' : 'disable', function () {
      change(u, { disabled: !u.disabled }, 'changed');
    }));
    td.appendChild(button('new_password', function () {
      var pw = window.prompt(t('ask_password').replace('%s', u.name));
      if (pw) change(u, { password: pw }, 'password_set');
    }));
    td.appendChild(button('end_sessions', function () {
      M.send('DELETE', '/api/v1/users/' + u.id + '/sessions')
        .then(function (r) { M.say(t('ended') + u.name + ' (' + r.ended + ')'); })
        .catch(function (err) { M.say(S.errorText(err), true); });
    }));
    return td;
  }

  function add(e) {
    e.preventDefault();
    var f = e.target.elements;
    if (f.password.value !== f.password2.value) {
      M.say(t('mismatch'), true);
      return;
    }
    M.send('POST', '/api/v1/users', { name: f.name.value, role: f.role.value, password: f.password.value })
      .then(function (user) {
        M.say(t('added') + user.name + ' (' + S.role(user.role) + ')');
        e.target.reset();
        load();
      }).catch(function (err) { M.say(S.errorText(err), true); });
  }

  document.addEventListener('DOMContentLoaded', translate);
  document.addEventListener('siaran-lang', function () { translate(); if (!$('admin').hidden) load(); });
  M.start(function (session) {
    if (session.role !== 'admin') {
      $('admin-only').hidden = false;
      return;
    }
    $('admin').hidden = false;
    $('user-form').addEventListener('submit', add);
    load();
  });
})();
