/* Shared by the pages: translations (Bahasa Indonesia first, English by a
 * switch kept in localStorage), time formatting and a JSON fetch helper.
 * Values from the server are only ever put into the page as text. */
'use strict';
var Siaran = (function () {
  var en = {
    listen: 'Listen', listen_hint: 'Press play to listen to the live stream.',
    now: 'On air now', next: 'Up next', today: "Today's programme",
    staff_login: 'Staff login', panel: 'Panel', logout: 'Log out', login: 'Log in',
    username: 'User name', password: 'Password', skip: 'Skip', outputs: 'Outputs',
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
    ann_text: 'Text (spoken by the computer)', ann_audio: 'or an audio file', mode: 'When',
    mode_next: 'After the current item', mode_now: 'Now (urgent)', mode_at: 'At a time',
    at: 'Time', preview: 'Preview', send: 'Send',
    a_verify: 'Verify', a_reject: 'Reject', a_queue: 'Queue', 'a_air-next': 'Air next',
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
    episodes: 'episodes'
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
    episodes: 'episode'
  };
  var original = {};
  var lang = 'id';
  try { lang = localStorage.getItem('siaran.lang') === 'en' ? 'en' : 'id'; } catch (e) { /* private mode */ }

  function t(key) {
    if (lang === 'en' && en[key]) return en[key];
    return id[key] || original[key] || en[key] || key;
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
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body && body.error ? body.error : 'HTTP ' + r.status);
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
           getJSON: getJSON, renderNext: renderNext };
})();
