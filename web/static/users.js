/* The admin's users page: the panel's accounts (GET /api/v1/users), a
 * form to add one (POST /api/v1/users), and per account: disable or enable
 * it, set a new password (PATCH /api/v1/users/{id}), end its sessions
 * (DELETE /api/v1/users/{id}/sessions).  Only an admin sees the content;
 * the server refuses everyone else anyway.  What became of an action shows
 * next to the control that was used. */
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
    return M.get('/api/v1/users').then(function (data) {
      var body = $('users');
      S.clear(body);
      data.users.forEach(function (u) {
        var tr = S.make('tr');
        tr.setAttribute('data-user', u.id);
        tr.appendChild(S.make('td', u.name));
        tr.appendChild(S.make('td', S.role(u.role)));
        tr.appendChild(S.make('td', t(u.disabled ? 'disabled' : 'active')));
        tr.appendChild(S.make('td', (u.created_at || '').replace('T', ' ').slice(0, 16)));
        tr.appendChild(actions(u));
        body.appendChild(tr);
      });
    }).catch(function (e) { M.say(S.errorText(e), true); });
  }

  function button(label, control, action) {
    var b = S.make('button', t(label));
    b.type = 'button';
    b.setAttribute('data-action', label);
    b.setAttribute('data-control', control);
    b.addEventListener('click', action);
    return b;
  }

  /* The account's row is drawn again after a change: the note goes next to
   * the same control in the new row. */
  function tellRow(u, control, message) {
    var b = document.querySelector('#users tr[data-user="' + u.id + '"] button[data-control="' + control + '"]');
    if (b) S.feedback(b, message, false);
  }
  function change(u, body, done, control, b) {
    M.send('PATCH', '/api/v1/users/' + u.id, body)
      .then(function () {
        return load().then(function () { tellRow(u, control, t(done) + u.name); });
      })
      .catch(function (err) { S.showError(b, err); });
  }

  /* Disabling or a new password also ends the account's sessions (server side). */
  function actions(u) {
    var td = S.make('td');
    td.appendChild(button(u.disabled ? 'enable' : 'disable', 'state', function (e) {
      change(u, { disabled: !u.disabled }, 'changed', 'state', e.currentTarget);
    }));
    td.appendChild(button('new_password', 'password', function (e) {
      var b = e.currentTarget;
      var pw = window.prompt(t('ask_password').replace('%s', u.name));
      if (pw) change(u, { password: pw }, 'password_set', 'password', b);
    }));
    td.appendChild(button('end_sessions', 'sessions', function (e) {
      var b = e.currentTarget;
      M.send('DELETE', '/api/v1/users/' + u.id + '/sessions')
        .then(function (r) { S.feedback(b, t('ended') + u.name + ' (' + r.ended + ')', false); })
        .catch(function (err) { S.showError(b, err); });
    }));
    return td;
  }

  function add(e) {
    e.preventDefault();
    var f = e.target.elements;
    var submit = e.target.querySelector('button[type=submit]');
    if (f.password.value !== f.password2.value) {
      S.feedback(f.password2, t('mismatch'), true);
      f.password2.focus();
      return;
    }
    M.send('POST', '/api/v1/users', { name: f.name.value, role: f.role.value, password: f.password.value })
      .then(function (user) {
        S.feedback(submit, t('added') + user.name + ' (' + S.role(user.role) + ')', false);
        e.target.reset();
        load();
      }).catch(function (err) { S.showError(submit, err); });
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
