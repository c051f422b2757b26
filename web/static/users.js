/* The admin's users page: the panel's accounts (GET /api/v1/users) and a
 * form to add one (POST /api/v1/users).  Only an admin sees the content;
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
    added: 'User added: '
  };
  var id = {
    active: 'aktif', disabled: 'nonaktif', mismatch: 'Kedua kata sandi berbeda.',
    added: 'Pengguna ditambahkan: '
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
        tr.appendChild(S.make('td', u.role));
        tr.appendChild(S.make('td', t(u.disabled ? 'disabled' : 'active')));
        tr.appendChild(S.make('td', (u.created_at || '').replace('T', ' ').slice(0, 16)));
        body.appendChild(tr);
      });
    }).catch(function (e) { M.say(e.message, true); });
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
        M.say(t('added') + user.name + ' (' + user.role + ')');
        e.target.reset();
        load();
      }).catch(function (err) { M.say(err.message, true); });
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
