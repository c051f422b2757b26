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
    e_complaint_not_editable: 'This complaint has aired or is closed: it can no longer be edited.',
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
    e_insert_not_queued: 'Only inserts queued for next can be moved.',
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
    e_show_last_date: 'This is the show\'s only date: delete the show instead.',
    e_show_not_on_date: 'The show does not air on this date (or the date is already excepted).',
    e_submissions_closed: 'This station does not take messages from the web.',
    e_text_length: 'The text is empty or too long.',
    e_time_passed: 'That time has passed: choose a later time.',
    e_title_empty: 'The title must not be empty.',
    e_tts_failed: 'The computer voice could not read the text.',
    e_user_exists: 'A user with this name already exists.',
    /* refusals without a code: no connection, or not the API */
    err_network: 'The connection failed. Try again.',
    err_client: 'Refused by the station',
    err_server: 'Server error: the change was not made',
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
    e_complaint_not_editable: 'Aduan ini sudah disiarkan atau ditutup: tidak bisa diubah lagi.',
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
    e_insert_not_queued: 'Hanya sisipan yang antre berikutnya yang bisa dipindah.',
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
    e_show_last_date: 'Ini satu-satunya tanggal acara: hapus acaranya saja.',
    e_show_not_on_date: 'Acara ini tidak tayang pada tanggal itu (atau tanggal itu sudah dikecualikan).',
    e_submissions_closed: 'Stasiun ini tidak menerima pesan lewat web.',
    e_text_length: 'Teksnya kosong atau terlalu panjang.',
    e_time_passed: 'Waktu itu sudah lewat: pilih waktu yang akan datang.',
    e_title_empty: 'Judul tidak boleh kosong.',
    e_tts_failed: 'Suara komputer gagal membacakan teksnya.',
    e_user_exists: 'Pengguna dengan nama ini sudah ada.',
    /* refusals without a code: no connection, or not the API */
    err_network: 'Sambungan terputus. Coba lagi.',
    err_client: 'Ditolak stasiun',
    err_server: 'Kesalahan server: perubahan tidak tersimpan',
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
           feedback: feedback, showError: showError, kind: kind, reason: reason, role: role,
           complaintEditor: complaintEditor, complaintEditable: complaintEditable };
})();
