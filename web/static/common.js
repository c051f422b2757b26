/* Shared by the pages: translations (Bahasa Indonesia first, English by a
 * switch kept in localStorage), time formatting and a JSON fetch helper.
 * Values from the server are only ever put into the page as text. */
'use strict';
var Siaran = (function () {
  var en = {
    listen: 'Listen', listen_hint: 'Press play to listen to the live stream.',
    now: 'On air now', next: 'Up next', today: "Today's programme",
    staff_login: 'Staff login', panel: 'Panel', logout: 'Log out', login: 'Log in',
    username: 'User name', password: 'Password', skip: 'Skip', outputs: 'Stream outputs',
    output: 'Output', mount: 'Mount', connected: 'Connected', listeners: 'Listeners',
    complaints: 'Citizen voices (complaints)', filter: 'Filter', all: 'All',
    st_received: 'Received', st_verified: 'Verified', st_queued: 'Queued',
    st_aired: 'Aired', st_forwarded: 'Forwarded', st_closed: 'Closed', st_rejected: 'Rejected',
    title: 'Title', location: 'Location (village / district)', caller: 'Caller',
    status: 'Status', actions: 'Actions', new_complaint: 'New complaint',
    audio: 'Recording (audio file)', summary: 'Summary', category: 'Category',
    incident_date: 'Incident date', caller_name: 'Caller name', caller_phone: 'Caller phone',
    anonymous: 'Anonymous', confidential: 'Confidential (never aired)',
    consent: 'Caller agreed to airing', upload: 'Upload', announcement: 'Announcement',
    ann_text: 'Announcement text (read by the computer voice)', ann_audio: 'or an audio file', mode: 'When',
    mode_next: 'After the item on air', mode_now: 'NOW (urgent, cuts what airs)', mode_at: 'At a time',
    at: 'Date and time to air', preview: 'Preview', send: 'Send',
    a_verify: 'Verify', a_reject: 'Reject', a_queue: 'Add to the queue', 'a_air-next': 'Air next',
    a_forward: 'Forward to LAPOR!', a_close: 'Close', a_lapor: 'LAPOR! record',
    tracking_prompt: 'LAPOR! tracking number:', done: 'Done.', uploaded: 'Complaint saved.',
    sent: 'Announcement saved.', nothing: 'Nothing on air', live_on: 'Presenter on the live input',
    archive: 'archive', archive_paused: 'paused: disk almost full', logged_out: 'Logged out.',
    lang: 'Bahasa Indonesia', anon_caller: '(anonymous)',
    st_answered: 'Answered',
    sw_send: 'Send a Suara Warga', sw_intro: 'Tell the station about a problem in your village. Staff listen first; nothing airs before they check it.',
    sw_file: 'Or choose a recording (voice memo, voice note)', sw_title: 'What is it about',
    sw_category: 'Category', sw_location: 'District / village', sw_name: 'Your name (optional)',
    sw_phone: 'Your phone (optional, never aired or shown)', sw_anon: 'Anonymous: do not pass my name on',
    sw_consent: 'I agree that the station airs my recording', sw_submit: 'Send',
    sw_sent: 'Thank you. Your reference: ', sw_follow: 'Follow it on the Suara Warga board',
    sw_need_audio: 'Record or choose a recording first.', sw_board: 'Suara Warga board',
    sw_board_intro: 'Complaints the station aired, and what the agencies answered.',
    sw_lookup: 'Follow your reference', sw_ref: 'Reference', sw_check: 'Check',
    sw_month: 'This month', sw_received: 'received', sw_aired: 'aired', sw_answered_n: 'answered',
    sw_aired_on: 'Aired ', sw_days: ' working days to the answer', sw_waiting: ' working days waiting',
    sw_answer: 'Answer from ', sw_overdue: 'Overdue', sw_none: 'Nothing aired yet.',
    sw_step_aired: 'Aired', sw_step_forwarded: 'Forwarded to LAPOR!', sw_step_answered: 'Answered',
    sw_unknown: 'No Suara Warga with this reference.', back: 'Back to the radio',
    a_answer: "Agency's answer", a_history: 'History',
    answer_aired: 'Answer aired', on_air: 'on air', from_public: 'From the public page',
    answer_due: 'Answer due', report: 'Suara Warga monthly report', month: 'Month',
    show: 'Show', csv: 'Download CSV', r_received: 'Received', r_aired: 'Aired',
    r_forwarded: 'Forwarded', r_answered: 'Answered', r_overdue: 'Overdue',
    r_median_air: 'Median days received to aired', r_median_answer: 'Median working days forwarded to answered',
    agency: 'Agency that answered', answer_file: "Or choose a recording of the answer",
    answer_text: 'Text of the answer (read out by the computer when there is no recording)',
    answer_save: 'Save answer', cancel: 'Cancel', answer_uploading: 'Uploading the answer…',
    answer_saving: 'Saving the answer…',
    answer_saved: 'Answer saved: it airs in the next Suara Warga segment.',
    ae_agency: 'Fill in the agency that answered.',
    ae_empty: 'Record or choose a recording of the answer, or write its text.',
    ae_network: 'The connection failed: the answer is not saved. Try again.',
    ae_400: 'The answer was refused: check the agency (one line, at most 200 characters) and the text (at most 4000).',
    ae_401: 'The session ended: log in again, then record the answer.',
    ae_403: 'Only staff and admins may record an answer.', ae_404: 'This complaint no longer exists.',
    ae_409: 'This complaint no longer waits for an answer (answered or closed meanwhile).',
    ae_409_library: 'This recording is already in the library; an answer needs a recording of its own.',
    ae_413: 'The recording is too large to upload.',
    ae_422: 'The file is not audio the station can read.',
    ae_busy: 'The server is busy: try again in a moment.',
    ae_other: 'The answer could not be saved.',
    podcasts: 'Podcasts', podcasts_hint: 'Listen again to shows that aired: add a feed address to your podcast app.',
    episodes: 'episodes',
    dashboard: 'Dashboard', level: 'Sound level', stream_mount: 'Stream address',
    k_music: 'Music', k_programme: 'Programme', k_psa: 'PSA', k_jingle: 'Jingle',
    k_announcement: 'Announcement', k_complaint: 'Complaint', k_fallback: 'Fallback music',
    k_live: 'Live', k_alert: 'Alert bulletin', k_relay: 'Relay',
    r_completed: 'played to the end', r_faded_hard: 'faded for a fixed-time item',
    r_skipped_unreadable: 'skipped: file unreadable', r_cut_show_end: 'cut at the end of the show',
    r_skipped_operator: 'skipped from the panel or cut by an urgent announcement',
    r_skipped_silence: 'skipped: silence', r_stopped: 'station stopped',
    role_admin: 'admin', role_operator: 'operator', role_staff: 'staff',
    ann_pending: 'waiting to air', ann_aired: 'aired', ann_cancelled: 'cancelled',
    ann_now: 'urgent', ann_next: 'after the current item', ann_at: 'at ',
    ann_cancel: 'Cancel', ann_cancelled_msg: 'Announcement cancelled.',
    confirm_now: 'Air this announcement NOW? The item on air is cut off.',
    confirm_skip: 'Skip the item on air now?', skipped: 'Skipped.',
    confirm_cancel_ann: 'Cancel this announcement? It will not air.',
    done_verify: 'Complaint verified.', done_reject: 'Complaint rejected.',
    done_queue: 'Complaint added to the queue.', 'done_air-next': 'Complaint airs after the current item.',
    done_forward: 'Complaint forwarded to LAPOR!.', done_close: 'Complaint closed.',
    no_consent_why: 'Cannot air: the caller did not agree to airing.',
    confidential_why: 'Cannot air: the complaint is confidential.',
    listen_rec: 'Listen to the recording', alert_ended: 'Alert ended.',
    /* the API's error codes (docs/api.md, "Errors"), one a line */
    e_alert_test_failed: 'The test bulletin did not air.',
    e_alerts_down: 'Emergency alerts are not running at this station.',
    e_answer_missing: 'Write the answer or record it.',
    e_archive_disabled: 'This station keeps no recording of its broadcast.',
    e_archive_gap: 'The broadcast was not recorded at that time.',
    e_at_required: 'Fill in the date and time to air it.',
    e_audio_required: 'Choose a recording (audio file).',
    e_bad_json: 'The request could not be read. Reload the page and try again.',
    e_body_too_large: 'Too large: choose a smaller file or a shorter text.',
    e_complaint_confidential: 'A confidential complaint never airs.',
    e_complaint_queue_only: 'A complaint airs only from the complaint queue.',
    e_complaint_state: 'This complaint has changed meanwhile: reload the list.',
    e_consent_missing: 'The caller did not agree to airing: this complaint cannot air.',
    e_consent_required: 'Tick that you agree to your message being aired.',
    e_content_type: 'The request was sent in the wrong form. Reload the page and try again.',
    e_csrf_missing: 'The page is out of date: reload it and try again.',
    e_date_invalid: 'The date is not valid.',
    e_db_busy: 'The station is busy: try again in a moment.',
    e_db_error: 'The station could not save or read this. Try again.',
    e_disk_full: 'The disk is full: nothing was saved.',
    e_engine_down: 'The playout engine is not running.',
    e_field_invalid: 'Refused: check what you filled in.',
    e_field_required: 'A required field is empty.',
    e_file_missing: 'The audio file is missing on the station\'s disk.',
    e_form_invalid: 'The form could not be read: fill it in again.',
    e_insert_gone: 'It has already aired or was cancelled.',
    e_internal_error: 'Server error: the change was not made.',
    e_kind_unknown: 'Unknown kind.',
    e_login_failed: 'Wrong user name or password.',
    e_media_in_use: 'A show or campaign still uses this item.',
    e_media_unusable: 'An item in the list is not in the library or is the wrong kind.',
    e_method_not_allowed: 'This action is not possible here.',
    e_not_audio: 'The file is not audio the station can read.',
    e_not_found: 'Not found (it may have been removed).',
    e_not_logged_in: 'The session ended: log in again.',
    e_own_account: 'You cannot disable your own account.',
    e_password_short: 'The password must have at least 8 characters.',
    e_queue_full: 'Many messages are waiting: please try again later.',
    e_range_invalid: 'The date or time range is not valid.',
    e_range_unsatisfiable: 'That part of the file does not exist.',
    e_rate_limited: 'Too many tries: wait a while, then try again.',
    e_recording_duplicate: 'This recording is already stored: choose another one.',
    e_recording_too_long: 'The recording is too long.',
    e_role_forbidden: 'Your role may not do this.',
    e_rotation_empty: 'No song is in these categories: the show would have nothing to play.',
    e_server_busy: 'The station is busy: try again in a moment.',
    e_submissions_closed: 'This station does not take messages from the web.',
    e_text_length: 'The text is empty or too long.',
    e_time_passed: 'That time has passed: choose a later time.',
    e_title_empty: 'The title must not be empty.',
    e_tts_failed: 'The computer voice could not read the text.',
    e_user_exists: 'A user with this name already exists.',
    /* refusals without a code: no connection, or not the API */
    err_network: 'The connection failed. Try again.',
    err_client: 'Refused by the station',
    err_server: 'Server error: the change was not made'
  };
  var id = {
    a_verify: 'Verifikasi', a_reject: 'Tolak', a_queue: 'Antrekan', 'a_air-next': 'Siarkan berikutnya',
    a_forward: 'Teruskan ke LAPOR!', a_close: 'Tutup', a_lapor: 'Data LAPOR!',
    tracking_prompt: 'Nomor pelacakan LAPOR!:', done: 'Selesai.', uploaded: 'Aduan tersimpan.',
    sent: 'Pengumuman tersimpan.', nothing: 'Tidak ada siaran', live_on: 'Penyiar di input langsung',
    archive: 'arsip', archive_paused: 'berhenti: disk hampir penuh', logged_out: 'Sudah keluar.',
    lang: 'English', anon_caller: '(anonim)',
    st_received: 'Diterima', st_verified: 'Diverifikasi', st_queued: 'Antre',
    st_aired: 'Sudah disiarkan', st_forwarded: 'Diteruskan', st_closed: 'Selesai',
    st_rejected: 'Ditolak', st_answered: 'Ditanggapi',
    sw_sent: 'Terima kasih. Nomor rujukan Anda: ', sw_need_audio: 'Rekam atau pilih rekaman dulu.',
    sw_month: 'Bulan ini', sw_received: 'diterima', sw_aired: 'disiarkan', sw_answered_n: 'ditanggapi',
    sw_aired_on: 'Disiarkan ', sw_days: ' hari kerja sampai ditanggapi', sw_waiting: ' hari kerja menunggu',
    sw_answer: 'Tanggapan ', sw_overdue: 'Terlambat', sw_none: 'Belum ada yang disiarkan.',
    sw_step_aired: 'Disiarkan', sw_step_forwarded: 'Diteruskan ke LAPOR!', sw_step_answered: 'Ditanggapi',
    sw_unknown: 'Tidak ada Suara Warga dengan nomor ini.',
    a_answer: 'Tanggapan instansi', a_history: 'Riwayat',
    answer_aired: 'Tanggapan disiarkan', on_air: 'mengudara', from_public: 'Dari halaman publik',
    answer_due: 'Batas tanggapan', r_received: 'Diterima', r_aired: 'Disiarkan',
    r_forwarded: 'Diteruskan', r_answered: 'Ditanggapi', r_overdue: 'Terlambat',
    r_median_air: 'Median hari dari diterima sampai disiarkan',
    r_median_answer: 'Median hari kerja dari diteruskan sampai ditanggapi',
    answer_uploading: 'Mengunggah tanggapan…', answer_saving: 'Menyimpan tanggapan…',
    answer_saved: 'Tanggapan tersimpan: disiarkan di segmen Suara Warga berikutnya.',
    ae_agency: 'Isi nama instansi yang menanggapi.',
    ae_empty: 'Rekam atau pilih rekaman tanggapan, atau tulis teksnya.',
    ae_network: 'Sambungan terputus: tanggapan belum tersimpan. Coba lagi.',
    ae_400: 'Tanggapan ditolak: periksa instansi (satu baris, paling banyak 200 karakter) dan teks (paling banyak 4000).',
    ae_401: 'Sesi berakhir: masuk lagi, lalu rekam tanggapannya.',
    ae_403: 'Hanya staf dan admin yang boleh mencatat tanggapan.', ae_404: 'Aduan ini sudah tidak ada.',
    ae_409: 'Aduan ini tidak lagi menunggu tanggapan (sudah ditanggapi atau ditutup).',
    ae_409_library: 'Rekaman ini sudah ada di pustaka; tanggapan perlu rekaman sendiri.',
    ae_413: 'Rekaman terlalu besar untuk diunggah.',
    ae_422: 'Berkas ini bukan audio yang bisa dibaca stasiun.',
    ae_busy: 'Server sedang sibuk: coba lagi sebentar lagi.',
    ae_other: 'Tanggapan tidak bisa disimpan.',
    episodes: 'episode',
    a_queue: 'Masukkan ke antrean',
    k_music: 'Musik', k_programme: 'Program', k_psa: 'ILM', k_jingle: 'Jingle',
    k_announcement: 'Pengumuman', k_complaint: 'Aduan', k_fallback: 'Musik cadangan',
    k_live: 'Siaran langsung', k_alert: 'Buletin peringatan', k_relay: 'Relai',
    r_completed: 'diputar sampai habis', r_faded_hard: 'dipudarkan untuk acara tepat waktu',
    r_skipped_unreadable: 'dilewati: berkas rusak', r_cut_show_end: 'dipotong akhir acara',
    r_skipped_operator: 'dilewati dari panel atau dipotong pengumuman mendesak',
    r_skipped_silence: 'dilewati: hening', r_stopped: 'siaran berhenti',
    role_admin: 'admin', role_operator: 'operator', role_staff: 'staf',
    ann_pending: 'menunggu disiarkan', ann_aired: 'sudah disiarkan', ann_cancelled: 'dibatalkan',
    ann_now: 'mendesak', ann_next: 'sesudah yang sedang diputar', ann_at: 'pukul ',
    ann_cancel: 'Batalkan', ann_cancelled_msg: 'Pengumuman dibatalkan.',
    confirm_now: 'Siarkan pengumuman ini SEKARANG? Yang sedang mengudara akan dipotong.',
    confirm_skip: 'Lewati yang sedang mengudara sekarang?', skipped: 'Dilewati.',
    confirm_cancel_ann: 'Batalkan pengumuman ini? Pengumuman tidak akan disiarkan.',
    done_verify: 'Aduan diverifikasi.', done_reject: 'Aduan ditolak.',
    done_queue: 'Aduan masuk antrean.', 'done_air-next': 'Aduan disiarkan sesudah yang sedang diputar.',
    done_forward: 'Aduan diteruskan ke LAPOR!.', done_close: 'Aduan ditutup.',
    no_consent_why: 'Tidak bisa disiarkan: penelepon belum setuju disiarkan.',
    confidential_why: 'Tidak bisa disiarkan: aduan ini rahasia.',
    listen_rec: 'Dengarkan rekaman', alert_ended: 'Peringatan diakhiri.',
    /* the API's error codes (docs/api.md, "Errors"), one a line */
    e_alert_test_failed: 'Buletin uji tidak tersiarkan.',
    e_alerts_down: 'Peringatan darurat tidak berjalan di stasiun ini.',
    e_answer_missing: 'Tulis tanggapannya atau rekam suaranya.',
    e_archive_disabled: 'Stasiun ini tidak menyimpan rekaman siarannya.',
    e_archive_gap: 'Siaran pada waktu itu tidak terekam.',
    e_at_required: 'Isi tanggal dan jam siarnya.',
    e_audio_required: 'Pilih rekaman (berkas audio).',
    e_bad_json: 'Permintaan tidak bisa dibaca. Muat ulang halaman lalu coba lagi.',
    e_body_too_large: 'Terlalu besar: pilih berkas yang lebih kecil atau teks yang lebih pendek.',
    e_complaint_confidential: 'Aduan rahasia tidak pernah disiarkan.',
    e_complaint_queue_only: 'Aduan hanya bisa disiarkan dari antrean aduan.',
    e_complaint_state: 'Keadaan aduan ini sudah berubah: muat ulang daftarnya.',
    e_consent_missing: 'Penelepon belum setuju disiarkan: aduan ini tidak bisa disiarkan.',
    e_consent_required: 'Centang tanda setuju pesan Anda disiarkan.',
    e_content_type: 'Permintaan dikirim dalam bentuk yang salah. Muat ulang halaman lalu coba lagi.',
    e_csrf_missing: 'Halaman sudah kedaluwarsa: muat ulang lalu coba lagi.',
    e_date_invalid: 'Tanggalnya tidak valid.',
    e_db_busy: 'Stasiun sedang sibuk: coba lagi sebentar lagi.',
    e_db_error: 'Stasiun gagal menyimpan atau membaca data ini. Coba lagi.',
    e_disk_full: 'Disk penuh: tidak ada yang tersimpan.',
    e_engine_down: 'Mesin siaran tidak berjalan.',
    e_field_invalid: 'Ditolak: periksa lagi isian Anda.',
    e_field_required: 'Ada kolom wajib yang belum diisi.',
    e_file_missing: 'Berkas audionya tidak ada lagi di disk stasiun.',
    e_form_invalid: 'Formulir tidak bisa dibaca: isi ulang lalu kirim lagi.',
    e_insert_gone: 'Sudah disiarkan atau sudah dibatalkan.',
    e_internal_error: 'Kesalahan server: perubahan tidak tersimpan.',
    e_kind_unknown: 'Jenis tidak dikenal.',
    e_login_failed: 'Nama pengguna atau kata sandi salah.',
    e_media_in_use: 'Item ini masih dipakai acara atau kampanye.',
    e_media_unusable: 'Ada item dalam daftar yang tidak ada di pustaka atau jenisnya salah.',
    e_method_not_allowed: 'Tindakan ini tidak bisa dilakukan di sini.',
    e_not_audio: 'Berkas ini bukan audio yang bisa dibaca stasiun.',
    e_not_found: 'Tidak ditemukan (mungkin sudah dihapus).',
    e_not_logged_in: 'Sesi berakhir: silakan masuk lagi.',
    e_own_account: 'Anda tidak bisa menonaktifkan akun sendiri.',
    e_password_short: 'Kata sandi paling sedikit 8 karakter.',
    e_queue_full: 'Banyak pesan sedang menunggu: silakan coba lagi nanti.',
    e_range_invalid: 'Rentang tanggal atau jam tidak valid.',
    e_range_unsatisfiable: 'Bagian berkas itu tidak ada.',
    e_rate_limited: 'Terlalu sering dicoba: tunggu sebentar, lalu coba lagi.',
    e_recording_duplicate: 'Rekaman ini sudah tersimpan: pilih rekaman lain.',
    e_recording_too_long: 'Rekaman terlalu panjang.',
    e_role_forbidden: 'Peran Anda tidak boleh melakukan ini.',
    e_rotation_empty: 'Tidak ada lagu di kategori ini: acara tidak akan punya apa-apa untuk diputar.',
    e_server_busy: 'Stasiun sedang sibuk: coba lagi sebentar lagi.',
    e_submissions_closed: 'Stasiun ini tidak menerima pesan lewat web.',
    e_text_length: 'Teksnya kosong atau terlalu panjang.',
    e_time_passed: 'Waktu itu sudah lewat: pilih waktu yang akan datang.',
    e_title_empty: 'Judul tidak boleh kosong.',
    e_tts_failed: 'Suara komputer gagal membacakan teksnya.',
    e_user_exists: 'Pengguna dengan nama ini sudah ada.',
    /* refusals without a code: no connection, or not the API */
    err_network: 'Sambungan terputus. Coba lagi.',
    err_client: 'Ditolak stasiun',
    err_server: 'Kesalahan server: perubahan tidak tersimpan'
  };
  /* The API's refusals in the panel's language: each answer carries a stable
   * code (web/*.c, docs/api.md) worded in both tables as e_<code>; without
   * one (no connection, a proxy's page) the HTTP status decides.  The
   * English reason stays in the message's tooltip. */
  function errorKey(err) {
    var code = err && err.code;
    if (code && (('e_' + code) in id)) return 'e_' + code;
    var status = err && err.status !== undefined ? err.status : undefined;
    var message = (err && err.message) || '';
    if (status === 0 || (status === undefined && /^network$|Failed to fetch|NetworkError/.test(message)))
      return 'err_network';
    return status >= 500 ? 'err_server' : 'err_client';
  }
  function errorText(err) {
    var key = errorKey(err);
    if (key === 'err_client' || key === 'err_server')
      return t(key) + (err && err.status ? ' (HTTP ' + err.status + ').' : '.');
    return t(key);
  }
  /* An Error for a refused request: message is the English reason, code the
   * API's error code (may be undefined), data the whole answer. */
  function failure(message, status, code, data) {
    var e = new Error(message);
    e.status = status;
    e.code = code;
    e.data = data;
    return e;
  }
  /* The Error for a non-2xx answer whose body (may be null) was read. */
  function refusal(status, body) {
    return failure(body && body.error ? body.error : 'HTTP ' + status, status,
                   body && body.code, body || undefined);
  }
  /* Says what became of an action next to the control that was used; the
   * line goes away after a while (an error stays longer).  It is scrolled
   * into view unless still is set (a row rebuilt by a refresh). */
  function feedback(anchor, message, isError, detail, still) {
    if (!anchor || !anchor.parentNode) return null;
    var el = anchor.nextElementSibling;
    if (!el || !el.classList.contains('feedback')) {
      el = make('p', '', 'feedback');
      el.setAttribute('role', 'status');
      el.setAttribute('aria-live', 'polite');
      anchor.parentNode.insertBefore(el, anchor.nextSibling);
    }
    text(el, message);
    el.className = 'feedback ' + (isError ? 'error' : 'ok');
    el.title = detail || '';
    el.hidden = false;
    clearTimeout(el.siaranTimer);
    el.siaranTimer = setTimeout(function () { el.hidden = true; text(el, ''); }, isError ? 20000 : 8000);
    if (!still && el.scrollIntoView) el.scrollIntoView({ block: 'nearest' });
    return el;
  }
  function showError(anchor, err) {
    return feedback(anchor, errorText(err), true, err && err.message);
  }
  function kind(k) { return k ? t('k_' + k) : ''; }
  function reason(r) { return r ? t('r_' + r) : ''; }
  function role(r) { return r ? t('role_' + r) : ''; }
  var original = {};
  var lang = 'id';
  try { lang = localStorage.getItem('siaran.lang') === 'en' ? 'en' : 'id'; } catch (e) { /* private mode */ }

  function t(key) {
    if (lang === 'en' && en[key]) return en[key];
    return id[key] || original[key] || en[key] || (/^[kr]_/.test(key) ? key.slice(2) : key);
  }
  function apply() {
    document.documentElement.lang = lang;
    var nodes = document.querySelectorAll('[data-i18n]');
    for (var i = 0; i < nodes.length; i++) {
      var key = nodes[i].getAttribute('data-i18n');
      if (!(key in original)) original[key] = nodes[i].textContent;
      nodes[i].textContent = lang === 'en' && en[key] ? en[key] : original[key];
    }
    var button = document.getElementById('lang');
    if (button) button.textContent = t('lang');
  }
  function toggle() {
    lang = lang === 'en' ? 'id' : 'en';
    try { localStorage.setItem('siaran.lang', lang); } catch (e) { /* ignore */ }
    apply();
    document.dispatchEvent(new Event('siaran-lang'));
  }
  function clock(iso) {
    if (!iso) return '';
    var m = /T(\d\d:\d\d)/.exec(iso);
    return m ? m[1] : iso;
  }
  function text(el, value) {
    el.textContent = value === null || value === undefined ? '' : String(value);
    return el;
  }
  function make(tag, value, cls) {
    var el = document.createElement(tag);
    if (value !== undefined) text(el, value);
    if (cls) el.className = cls;
    return el;
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }
  function getJSON(url) {
    return fetch(url, { credentials: 'same-origin', cache: 'no-store' }).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (body) {
        if (!r.ok) throw refusal(r.status, body);
        return body;
      });
    });
  }
  function renderNext(list, items) {
    clear(list);
    (items || []).forEach(function (item) {
      var li = make('li');
      li.appendChild(make('time', clock(item.starts_at)));
      li.appendChild(make('span', item.title));
      list.appendChild(li);
    });
  }
  document.addEventListener('DOMContentLoaded', function () {
    apply();
    var button = document.getElementById('lang');
    if (button) button.addEventListener('click', toggle);
  });
  return { t: t, apply: apply, clock: clock, text: text, make: make, clear: clear,
           getJSON: getJSON, renderNext: renderNext, errorText: errorText, failure: failure, refusal: refusal,
           feedback: feedback, showError: showError, kind: kind, reason: reason, role: role };
})();
