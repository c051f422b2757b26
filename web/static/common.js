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
    a_edit: 'Edit', edit_heading: 'Edit complaint', edit_save: 'Save changes', edit_cancel: 'Cancel',
    edit_saved: 'Changes saved.', edit_nothing: 'Nothing changed.',
    e_edit: 'This complaint has aired or is closed: it can no longer be edited.',
    confidential_why: 'Cannot air: the complaint is confidential.',
    listen_rec: 'Listen to the recording', alert_ended: 'Alert ended.',
    e_network: 'The connection failed. Try again.', e_401: 'The session ended: log in again.',
    e_login: 'Wrong user name or password.', e_403: 'Your role may not do this.',
    e_404: 'Not found (it may have been removed).', e_409: 'It changed meanwhile: reload and try again.',
    e_413: 'The file is too large.', e_422: 'The file is not audio the station can read.',
    e_400: 'Refused: check what you filled in.', e_busy: 'The server is busy: try again in a moment.',
    e_500: 'Server error: the change was not made.', e_engine: 'The playout engine is not running.',
    e_disk: 'The disk is full: nothing was saved.', e_consent: 'The caller did not agree to airing: this complaint cannot air.',
    e_confidential: 'A confidential complaint never airs.', e_state: 'This complaint has changed meanwhile: the list is reloaded.',
    e_at: 'Fill in the date and time to air it.', e_passed: 'That time has passed: choose a later time.',
    e_text: 'Write the text (at most 2000 characters) or choose an audio file.', e_required: 'A required field is empty.',
    e_title: 'The title must not be empty.', e_long: 'The recording is too long.',
    e_pending: 'It has already aired or was cancelled.', e_tts: 'The computer voice could not read the text.',
    e_own: 'You cannot disable your own account.', e_range: 'The date or time is not valid.',
    e_kind: 'Unknown kind.', e_mismatch: 'The two passwords differ.',
    /* the studio (studio.html, studio.js) */
    sd_nav_dash: 'Dashboard', sd_nav_schedule: 'Schedule', sd_nav_library: 'Library', sd_nav_asrun: 'As-run log',
    sd_logout: 'Log out', sd_login_h: 'Log in to the studio', sd_username: 'User name', sd_password: 'Password',
    sd_login: 'Log in', sd_tab_air: 'On air', sd_tab_complaints: 'Complaints', sd_tab_ann: 'Emergency',
    sd_clock: 'Station clock', sd_onair: 'On air now', sd_left: 'Left', sd_hard: 'Next fixed-time event',
    sd_show: 'Show', sd_stream: 'Online stream', sd_next60: 'Next 60 minutes', sd_inserts: 'Queued inserts',
    sd_inserts_none: 'No queued inserts.', sd_carts: 'Cart wall', sd_carts_hint: '(tap: next · hold: now)',
    sd_carts_none: 'No jingles, station IDs or PSAs in the library yet.', sd_cq: 'Complaint queue',
    sd_cq_none: 'No complaints waiting.', sd_emerg: 'Emergency announcement',
    sd_emerg_hint: 'Cuts what is on air and airs at once.', sd_emerg_open: 'Emergency announcement…',
    sd_sheet_text: 'Text to read out', sd_preview: 'Listen to a preview', sd_fire: 'Air NOW', sd_close: 'Close',
    sd_sure: 'Sure?', sd_sure_text: 'What is on air now will be cut off.', sd_confirm: 'Yes, air it now',
    sd_cancel: 'Cancel', sd_cancelled: 'Cancelled.', sd_link_ok: 'Live', sd_link_bad: 'Disconnected, reconnecting…',
    sd_in: 'in ', sd_sharp: 'sharp', sd_none24: 'None in the next 24 hours', sd_no_show: 'No scheduled show',
    sd_with: 'with ', sd_connected: 'Connected', sd_disconnected: 'DISCONNECTED', sd_listeners: ' listeners',
    sd_no_outputs: 'No stream outputs.', sd_mode_next: 'next', sd_mode_now: 'now', sd_mode_at: 'at',
    sd_remove: 'Remove', sd_remove_label: 'Remove from the queue: ', sd_removed: 'Removed from the queue.',
    sd_up: '▲ Up', sd_down: '▼ Down', sd_up_label: 'Move up: ', sd_down_label: 'Move down: ',
    sd_moved: 'Moved: now number ', sd_moving: 'Moving…', sd_skip: 'Skip', sd_skip_undo: 'Undo',
    sd_skip_in: 'Skipped in ', sd_seconds: ' s…', sd_skip_back: 'Skip taken back.', sd_skipped: 'Skipped.',
    sd_cart_now: 'On air now.', sd_cart_next: 'Queued to air next.', sd_cart_label: ': tap for next, hold for now',
    sd_yes_now: 'Yes, now', sd_consent_ok: 'Consent to air ✔', sd_consent_no: 'No consent to air',
    sd_confidential: 'Confidential', sd_next_star: 'Next ★', sd_listen_c: 'Listen to the complaint ',
    sd_why_conf: 'A confidential complaint is not aired', sd_why_consent: 'The caller has not agreed to airing',
    sd_reason_conf: 'Confidential: never aired.', sd_reason_consent: 'No consent from the caller: it cannot air.',
    sd_cq_staff: 'The complaint queue is for complaint staff only.', sd_need_text: 'Write the text first.',
    sd_preview_making: 'Making a preview…', sd_preview_ready: 'Preview ready.', sd_sending: 'Sending…',
    sd_emerg_on: 'Emergency announcement on air.', sd_emerg_cancel: 'Cancelled: not aired.',
    sd_emerg_staff: 'Emergency announcements are for staff and admins only.',
    sd_days: 'Sunday,Monday,Tuesday,Wednesday,Thursday,Friday,Saturday',
    sd_months: 'January,February,March,April,May,June,July,August,September,October,November,December'
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
    a_edit: 'Ubah', edit_heading: 'Ubah aduan', edit_save: 'Simpan perubahan', edit_cancel: 'Batal',
    edit_saved: 'Perubahan tersimpan.', edit_nothing: 'Tidak ada yang berubah.',
    e_edit: 'Aduan ini sudah disiarkan atau ditutup: tidak bisa diubah lagi.',
    confidential_why: 'Tidak bisa disiarkan: aduan ini rahasia.',
    listen_rec: 'Dengarkan rekaman', alert_ended: 'Peringatan diakhiri.',
    e_network: 'Sambungan terputus. Coba lagi.', e_401: 'Sesi berakhir: silakan masuk lagi.',
    e_login: 'Nama pengguna atau kata sandi salah.', e_403: 'Peran Anda tidak boleh melakukan ini.',
    e_404: 'Tidak ditemukan (mungkin sudah dihapus).', e_409: 'Sudah berubah di tempat lain: muat ulang lalu coba lagi.',
    e_413: 'Berkas terlalu besar.', e_422: 'Berkas ini bukan audio yang bisa dibaca stasiun.',
    e_400: 'Ditolak: periksa lagi isian Anda.', e_busy: 'Server sedang sibuk: coba lagi sebentar lagi.',
    e_500: 'Kesalahan server: perubahan tidak tersimpan.', e_engine: 'Mesin siaran tidak berjalan.',
    e_disk: 'Disk penuh: tidak ada yang tersimpan.', e_consent: 'Penelepon belum setuju disiarkan: aduan ini tidak bisa disiarkan.',
    e_confidential: 'Aduan rahasia tidak pernah disiarkan.', e_state: 'Keadaan aduan ini sudah berubah: daftar dimuat ulang.',
    e_at: 'Isi tanggal dan jam siarnya.', e_passed: 'Waktu itu sudah lewat: pilih waktu yang akan datang.',
    e_text: 'Tulis teksnya (paling banyak 2000 karakter) atau pilih berkas audio.', e_required: 'Ada kolom wajib yang belum diisi.',
    e_title: 'Judul tidak boleh kosong.', e_long: 'Rekaman terlalu panjang.',
    e_pending: 'Sudah disiarkan atau sudah dibatalkan.', e_tts: 'Suara komputer gagal membacakan teksnya.',
    e_own: 'Anda tidak bisa menonaktifkan akun sendiri.', e_range: 'Tanggal atau jam tidak valid.',
    e_kind: 'Jenis tidak dikenal.', e_mismatch: 'Kedua kata sandi tidak sama.',
    /* the studio (studio.html, studio.js) */
    sd_nav_dash: 'Dasbor', sd_nav_schedule: 'Jadwal', sd_nav_library: 'Pustaka', sd_nav_asrun: 'Log siar',
    sd_logout: 'Keluar', sd_login_h: 'Masuk ke studio', sd_username: 'Nama pengguna', sd_password: 'Kata sandi',
    sd_login: 'Masuk', sd_tab_air: 'Siaran', sd_tab_complaints: 'Aduan', sd_tab_ann: 'Pengumuman',
    sd_clock: 'Jam stasiun', sd_onair: 'Sedang mengudara', sd_left: 'Sisa', sd_hard: 'Acara tepat waktu berikutnya',
    sd_show: 'Acara', sd_stream: 'Siaran daring', sd_next60: '60 menit ke depan', sd_inserts: 'Sisipan antre',
    sd_inserts_none: 'Tidak ada sisipan antre.', sd_carts: 'Tombol siar', sd_carts_hint: '(ketuk: berikutnya · tahan: sekarang)',
    sd_carts_none: 'Belum ada jingle, ID stasiun atau ILM di pustaka.', sd_cq: 'Antrean aduan',
    sd_cq_none: 'Tidak ada aduan yang menunggu.', sd_emerg: 'Pengumuman darurat',
    sd_emerg_hint: 'Memotong siaran yang sedang berjalan dan langsung mengudara.', sd_emerg_open: 'Pengumuman darurat…',
    sd_sheet_text: 'Teks yang dibacakan', sd_preview: 'Dengarkan contoh', sd_fire: 'Siarkan SEKARANG', sd_close: 'Tutup',
    sd_sure: 'Yakin?', sd_sure_text: 'Siaran yang sedang berjalan akan dipotong.', sd_confirm: 'Ya, siarkan sekarang',
    sd_cancel: 'Batal', sd_cancelled: 'Batal.', sd_link_ok: 'Langsung', sd_link_bad: 'Terputus, menyambung lagi…',
    sd_in: 'dalam ', sd_sharp: 'tepat', sd_none24: 'Tidak ada dalam 24 jam', sd_no_show: 'Di luar jadwal acara',
    sd_with: 'bersama ', sd_connected: 'Tersambung', sd_disconnected: 'TERPUTUS', sd_listeners: ' pendengar',
    sd_no_outputs: 'Tidak ada keluaran.', sd_mode_next: 'berikutnya', sd_mode_now: 'sekarang', sd_mode_at: 'pada jam',
    sd_remove: 'Hapus', sd_remove_label: 'Hapus dari antrean: ', sd_removed: 'Dihapus dari antrean.',
    sd_up: '▲ Naik', sd_down: '▼ Turun', sd_up_label: 'Naikkan: ', sd_down_label: 'Turunkan: ',
    sd_moved: 'Dipindah: sekarang urutan ', sd_moving: 'Memindah…', sd_skip: 'Lewati', sd_skip_undo: 'Batalkan',
    sd_skip_in: 'Dilewati dalam ', sd_seconds: ' detik…', sd_skip_back: 'Batal dilewati.', sd_skipped: 'Dilewati.',
    sd_cart_now: 'Mengudara sekarang.', sd_cart_next: 'Diantrekan berikutnya.', sd_cart_label: ': ketuk untuk berikutnya, tahan untuk sekarang',
    sd_yes_now: 'Ya, sekarang', sd_consent_ok: 'Izin siar ✔', sd_consent_no: 'Tanpa izin siar',
    sd_confidential: 'Rahasia', sd_next_star: 'Berikutnya ★', sd_listen_c: 'Dengarkan aduan ',
    sd_why_conf: 'Aduan rahasia tidak disiarkan', sd_why_consent: 'Penelepon belum setuju disiarkan',
    sd_reason_conf: 'Rahasia: tidak pernah disiarkan.', sd_reason_consent: 'Tanpa izin penelepon: tidak bisa disiarkan.',
    sd_cq_staff: 'Antrean aduan hanya untuk staf aduan.', sd_need_text: 'Tulis teksnya dulu.',
    sd_preview_making: 'Membuat contoh suara…', sd_preview_ready: 'Contoh siap.', sd_sending: 'Mengirim…',
    sd_emerg_on: 'Pengumuman darurat mengudara.', sd_emerg_cancel: 'Batal: belum disiarkan.',
    sd_emerg_staff: 'Pengumuman darurat hanya untuk staf dan admin.',
    sd_days: 'Minggu,Senin,Selasa,Rabu,Kamis,Jumat,Sabtu',
    sd_months: 'Januari,Februari,Maret,April,Mei,Juni,Juli,Agustus,September,Oktober,November,Desember'
  };
  /* The API's refusals (English reasons, see web/*.c) in the panel's
   * language: the first pattern that matches the reason, else the HTTP
   * status.  The English reason stays in the message's tooltip. */
  var reasons = [
    [/wrong user name or password/, 'e_login'], [/not logged in/, 'e_401'],
    [/may not do this/, 'e_403'], [/did not consent/, 'e_consent'],
    [/can no longer be edited/, 'e_edit'], [/confidential complaint/, 'e_confidential'], [/cannot \w+ a complaint that is|is not queued|no longer forwarded/, 'e_state'],
    [/mode at needs at/, 'e_at'], [/has passed/, 'e_passed'],
    [/^text must be|a text or an audio|text or audio/, 'e_text'], [/is required/, 'e_required'],
    [/title must not be empty/, 'e_title'], [/longer than \d+ minutes/, 'e_long'],
    [/too large/, 'e_413'], [/not a usable audio|expected multipart/, 'e_422'],
    [/no pending insert/, 'e_pending'], [/text-to-speech/, 'e_tts'],
    [/disable your own/, 'e_own'], [/YYYY-MM-DD|must be after from|at most 400 days/, 'e_range'],
    [/unknown kind/, 'e_kind'], [/engine is not running/, 'e_engine'],
    [/disk is full|cannot store the file/, 'e_disk'], [/busy|try again/, 'e_busy']
  ];
  var statuses = { 0: 'e_network', 400: 'e_400', 401: 'e_401', 403: 'e_403', 404: 'e_404',
    409: 'e_409', 413: 'e_413', 415: 'e_422', 422: 'e_422', 429: 'e_busy', 503: 'e_busy', 507: 'e_disk' };
  function errorKey(err) {
    var message = (err && err.message) || '';
    var status = err && err.status !== undefined ? err.status : (/^network$|Failed to fetch/.test(message) ? 0 : undefined);
    for (var i = 0; i < reasons.length; i++) if (reasons[i][0].test(message)) return reasons[i][1];
    if (status in statuses) return statuses[status];
    return status >= 500 ? 'e_500' : 'e_400';
  }
  function errorText(err) { return t(errorKey(err)); }
  function failure(message, status) {
    var e = new Error(message);
    e.status = status;
    return e;
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
  /* The form that edits a complaint until it airs (PATCH
   * /api/v1/complaints/{id}), filled from c.  On submit only what changed is
   * sent, through save(body) (a promise of the updated complaint); then
   * onDone(updated).  A refusal shows next to the save button. */
  var editFields = [
    ['title', 'text', 200], ['summary', 'textarea', 4000], ['category', 'text', 100],
    ['location', 'text', 200], ['incident_date', 'date', 10], ['caller_name', 'text', 200],
    ['caller_phone', 'tel', 40]
  ];
  var editFlags = ['anonymous', 'confidential', 'consent'];
  function complaintEditor(c, save, onDone, onCancel) {
    var form = make('form', undefined, 'complaint-edit');
    form.setAttribute('data-id', c.id);
    form.appendChild(make('h4', t('edit_heading') + ' · #' + c.id));
    editFields.forEach(function (f) {
      var label = make('label');
      label.appendChild(make('span', t(f[0])));
      var input = document.createElement(f[1] === 'textarea' ? 'textarea' : 'input');
      if (f[1] !== 'textarea') input.type = f[1];
      input.name = f[0];
      input.maxLength = f[2];
      input.required = f[0] === 'title';
      input.value = c[f[0]] || '';
      label.appendChild(input);
      form.appendChild(label);
    });
    editFlags.forEach(function (k) {
      var label = make('label', undefined, 'check');
      var box = document.createElement('input');
      box.type = 'checkbox';
      box.name = k;
      box.checked = !!c[k];
      label.appendChild(box);
      label.appendChild(make('span', t(k)));
      form.appendChild(label);
    });
    var bar = make('div', undefined, 'edit-actions');
    var saveButton = make('button', t('edit_save'));
    saveButton.type = 'submit';
    var cancel = make('button', t('edit_cancel'), 'secondary');
    cancel.type = 'button';
    cancel.addEventListener('click', onCancel);
    bar.appendChild(saveButton);
    bar.appendChild(cancel);
    form.appendChild(bar);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var body = {};
      editFields.forEach(function (f) {
        var v = form.elements[f[0]].value;
        if (f[1] !== 'textarea') v = v.trim();
        if (v !== (c[f[0]] || '')) body[f[0]] = v;
      });
      editFlags.forEach(function (k) {
        if (form.elements[k].checked !== !!c[k]) body[k] = form.elements[k].checked;
      });
      if (!Object.keys(body).length) { feedback(saveButton, t('edit_nothing'), false); return; }
      saveButton.disabled = true;
      save(body).then(function (updated) {
        saveButton.disabled = false;
        onDone(updated);
      }, function (err) {
        saveButton.disabled = false;
        showError(saveButton, err);
      });
    });
    return form;
  }
  /* A complaint can be edited until it airs (scheduler/complaints.c). */
  function complaintEditable(c) {
    return c.status === 'received' || c.status === 'verified' || c.status === 'queued';
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
      return r.json().then(function (body) {
        if (!r.ok) throw failure(body && body.error ? body.error : 'HTTP ' + r.status, r.status);
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
           getJSON: getJSON, renderNext: renderNext, errorText: errorText, failure: failure,
           feedback: feedback, showError: showError, kind: kind, reason: reason, role: role,
           complaintEditor: complaintEditor, complaintEditable: complaintEditable };
})();
