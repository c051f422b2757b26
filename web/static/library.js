/* The media library page: search, preview, upload with a progress bar, edit
 * kind and categories, delete (asking again when a show or campaign uses the
 * item). */
'use strict';
(function () {
  var S = Siaran, M = Manage, $ = M.$;
  var PAGE = 50;
  var offset = 0, total = 0, editing = null, writer = false;

  function categories() {
    M.get('/api/v1/media/categories').then(function (data) {
      var list = $('category-list');
      S.clear(list);
      data.categories.forEach(function (c) { list.appendChild(M.option(c.name, c.name + ' (' + c.count + ')')); });
    }).catch(function () { /* the list is a convenience */ });
  }

  function search() {
    var f = $('search-form').elements;
    var params = new URLSearchParams();
    if (f.q.value) params.set('q', f.q.value);
    if (f.kind.value) params.set('kind', f.kind.value);
    if (f.category.value) params.set('category', f.category.value);
    if (!f.spoken.checked) params.set('spoken', '0'); /* intros and announcements: on request */
    params.set('limit', PAGE);
    params.set('offset', offset);
    M.get('/api/v1/media?' + params.toString()).then(function (data) {
      total = data.total;
      var body = $('media');
      S.clear(body);
      data.media.forEach(function (m) { body.appendChild(row(m)); });
      if (!data.media.length) {
        var tr = S.make('tr');
        tr.appendChild(S.make('td', M.t('nothing', 'Tidak ada.')));
        body.appendChild(tr);
      }
      var last = Math.min(total, offset + data.media.length);
      S.text($('page-info'), (total ? offset + 1 : 0) + '–' + last + ' ' + M.t('of', 'dari') + ' ' + total);
      $('prev-page').disabled = offset === 0;
      $('next-page').disabled = offset + PAGE >= total;
    }).catch(M.warn($('search-submit')));
  }

  function row(m) {
    var tr = S.make('tr');
    tr.appendChild(S.make('td', m.title));
    tr.appendChild(S.make('td', m.artist));
    tr.appendChild(S.make('td', S.kind(m.kind)));
    tr.appendChild(S.make('td', M.duration(m.duration), 'num'));
    tr.appendChild(S.make('td', m.categories.join(', ')));
    var actions = S.make('td');
    var play = S.make('button', M.t('play', 'Putar'), 'secondary');
    play.type = 'button';
    play.addEventListener('click', function () {
      var player = $('preview');
      player.src = m.audio;
      player.play().catch(function () { /* the user can press play */ });
    });
    actions.appendChild(play);
    if (writer) {
      var edit = S.make('button', M.t('edit', 'Ubah'), 'secondary');
      edit.type = 'button';
      edit.addEventListener('click', function () { openEdit(m); });
      actions.appendChild(edit);
    }
    tr.appendChild(actions);
    return tr;
  }

  function openEdit(m) {
    editing = m;
    var f = $('edit-form').elements;
    f.title.value = m.title;
    f.artist.value = m.artist;
    f.kind.value = m.kind;
    f.categories.value = m.categories.join(', ');
    f.quiet.checked = m.quiet;
    $('edit-card').hidden = false;
    f.title.focus();
  }

  function saveEdit(e) {
    e.preventDefault();
    var f = $('edit-form').elements;
    M.send('PATCH', '/api/v1/media/' + editing.id, {
      title: f.title.value, artist: f.artist.value, kind: f.kind.value,
      categories: M.splitList(f.categories.value), quiet: f.quiet.checked
    }).then(function () {
      M.tell($('search-submit'), M.t('saved', 'Tersimpan.'));
      $('edit-card').hidden = true;
      search();
      categories();
    }).catch(M.warn($('edit-save')));
  }

  function remove(force) {
    if (!force && !window.confirm(M.t('confirm_delete', 'Hapus ini?'))) return;
    M.send('DELETE', '/api/v1/media/' + editing.id + (force ? '?force=1' : '')).then(function () {
      M.tell($('search-submit'), M.t('deleted', 'Terhapus.'));
      $('edit-card').hidden = true;
      search();
    }).catch(function (err) {
      if (err.code === 'media_in_use' && err.data && err.data.used_by) {
        var names = err.data.used_by.map(function (u) { return u.name; }).join(', ');
        if (window.confirm(M.t('force_delete', 'Dipakai oleh: %s. Tetap turunkan dari siaran?').replace('%s', names))) remove(true);
        return;
      }
      S.showError($('edit-delete'), err);
    });
  }

  /* Several files at once: one request each, in turn, with the same kind
   * and categories (a title only for a single file); a refusal stops the
   * rest and names the file. */
  function upload(e) {
    e.preventDefault();
    var form = $('upload-form');
    var button = $('upload-submit');
    var files = Array.prototype.slice.call(form.elements.audio.files);
    var count = files.length, added = 0, existed = 0;
    var finish = function () {
      form.reset();
      offset = 0;
      search();
      categories();
    };
    var next = function () {
      if (!files.length) {
        if (count === 1) {
          M.tell(button, existed ? M.t('existed', 'Sudah ada di pustaka.') : M.t('uploaded', 'Terunggah.'));
        } else {
          M.tell(button, M.t('uploaded_n', '%d berkas terunggah, %e sudah ada.')
            .replace('%d', added).replace('%e', existed));
        }
        finish();
        return;
      }
      var file = files.shift();
      var data = new FormData(form);
      data.set('audio', file);
      if (count > 1) data.delete('title');
      M.tell(button, M.t('uploading', 'Mengunggah') + ' ' + (count - files.length) + '/' + count + ': ' + file.name);
      M.upload('/api/v1/media', data, $('upload-progress')).then(function (answer) {
        if (answer && answer.existed) existed++; else added++;
        next();
      }).catch(function (err) {
        S.feedback(button, file.name + ': ' + S.errorText(err), true, err.message);
        search();
      });
    };
    if (count) next();
  }

  M.start(function (session) {
    writer = M.canWrite(session);
    var writes = document.querySelectorAll('.write');
    for (var i = 0; i < writes.length; i++) if (writes[i].id !== 'edit-card') writes[i].hidden = !writer;
    $('search-form').addEventListener('submit', function (e) { e.preventDefault(); offset = 0; search(); });
    $('search-form').elements.spoken.addEventListener('change', function () { offset = 0; search(); });
    $('prev-page').addEventListener('click', function () { offset = Math.max(0, offset - PAGE); search(); });
    $('next-page').addEventListener('click', function () { offset += PAGE; search(); });
    $('edit-form').addEventListener('submit', saveEdit);
    $('edit-delete').addEventListener('click', function () { remove(false); });
    $('edit-cancel').addEventListener('click', function () { $('edit-card').hidden = true; });
    $('upload-form').addEventListener('submit', upload);
    M.onlang = search;
    categories();
    search();
  });
})();
