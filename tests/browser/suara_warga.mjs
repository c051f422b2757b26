// Suara Warga, the whole loop, in two headless Chromiums (run by
// suara_warga.sh, which starts icecast2, `siaran run` and the listeners and
// passes the addresses in the environment): a citizen records on the public
// page, consents and sends; staff verify and air it next; it airs; staff
// forward it and record the agency's answer in the complaint's view; the
// answer airs in the next Suara Warga segment; the board and the citizen's
// reference page show each step.  At every step nothing a citizen can reach
// holds the caller's name or phone.  Prints TAP lines.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const env = process.env;
const BASE = env.BASE;
const OUT = env.OUT_DIR;
const TITLE = 'Lampu jalan padam di Desa Mekar';
const CALLER = 'Siti Pelapor Rahasia';
const PHONE = '0857-4444-3131';
const AGENCY = 'Dinas PUPR';
const ANSWER_TEXT = 'Lampu diganti pekan ini.';
const LAPOR = 'LAP-2026-000777';
const CITIZEN_HZ = 1200; // the fake microphones (suara_warga.sh)
const STAFF_HZ = 1800;

let failures = 0;
function ok(name) { console.log(`ok - ${name}`); }
function notOk(name, why) { failures++; console.log(`not ok - ${name}: ${String(why).split('\n')[0]}`); }
function check(name, cond, why = '') { if (cond) ok(name); else notOk(name, why || 'false'); }
async function step(name, fn) {
  try {
    const why = await fn();
    if (why) notOk(name, why); else ok(name);
  } catch (e) {
    notOk(name, e.message);
  }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Polls until fn gives something truthy; the machine may be busy, so the
// limits are generous, but a state that never comes fails the step.
async function until(what, fn, ms = 60000, every = 250) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms / 1000} s`);
    await sleep(every);
  }
}
const getJSON = async (url, headers = {}) => {
  const r = await fetch(url, { headers });
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.json();
};

// ---- what a citizen can reach, gathered all along ---------------------------
// Every body of the citizen's pages, the public JSON polled each second, and
// the public stream's titles (Icecast's status page and the Ogg comments).
const seen = new Map(); // label -> body (distinct bodies only)
let reference = '';
function keep(label, body) { if (body && !seen.has(body)) seen.set(body, label); }
const leaks = (text) => text.includes(CALLER) || text.includes(PHONE) ||
  text.includes(PHONE.replace(/\D/g, '')) || text.includes('Siti Pelapor');
const icecastTitles = new Set();
async function pollPublic() {
  const urls = ['/api/v1/nowplaying', '/api/v1/public/suara-warga', '/suara-warga', '/'];
  if (reference) urls.push('/api/v1/public/complaints/' + reference);
  for (const u of urls) {
    try { keep(u, await (await fetch(BASE + u)).text()); } catch { /* next round */ }
  }
  try {
    const status = await (await fetch(env.ICECAST + '/status-json.xsl')).text();
    keep('icecast status', status);
    let s = JSON.parse(status).icestats.source;
    s = Array.isArray(s) ? s[0] : s;
    if (s && s.title) icecastTitles.add(s.title);
  } catch { /* next round */ }
}
let polling = true;
const poller = (async () => { while (polling) { await pollPublic(); await sleep(1000); } })();
function noLeak(label) {
  const found = [...seen.entries()].filter(([body]) => leaks(body)).map(([, l]) => l);
  return found.length ? `${label}: the name or phone is in ${found.join(', ')}` : '';
}

const consoleErrors = [];
function watch(page, label) {
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const url = m.location().url || '';
    if (/status of 401/.test(m.text()) && url.endsWith('/api/v1/session')) return;
    if (/favicon\.ico/.test(url)) return;
    // the refusals this test provokes on purpose
    if (/status of 422/.test(m.text()) && /\/answer$/.test(url)) return;
    consoleErrors.push(`${label}: ${m.text()} (${url})`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${label}: ${e.message}`));
}

function launch(profile, mic) {
  return chromium.launchPersistentContext(profile, {
    executablePath: env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${mic}`],
  });
}

// Records for `ms` from the recorder with these ids (PREFIX-start, ...),
// timed inside the page; answers the meter's peak, the span, the file the
// form now holds and the start button's label.
function record(page, prefix, ms) {
  return page.evaluate(async ([p, ms]) => {
    const $ = (n) => document.getElementById(p + '-' + n);
    const nap = (t) => new Promise((resolve) => setTimeout(resolve, t));
    const deadline = performance.now() + 30000;
    const form = $('start').closest('form');
    $('start').click();
    while ($('stop').disabled) {
      if (performance.now() > deadline) throw new Error('recording did not start: ' + $('status').textContent);
      await nap(10);
    }
    const t0 = performance.now();
    let peak = 0;
    while (performance.now() - t0 < ms) {
      peak = Math.max(peak, $('level').value);
      await nap(50);
    }
    $('stop').click();
    const span = (performance.now() - t0) / 1000;
    while (!form.elements.audio.files.length) {
      if (performance.now() > deadline) throw new Error('no file after the recording');
      await nap(20);
    }
    const a = $('preview');
    if (a.readyState < 1) await new Promise((resolve) => a.addEventListener('loadedmetadata', resolve, { once: true }));
    const f = form.elements.audio.files[0];
    return { peak, span, name: f.name, size: f.size, preview: !a.hidden, duration: a.duration,
      label: $('start').textContent };
  }, [prefix, ms]);
}

// ---- the stream as heard: the longest run of a tone --------------------------
// 8 kHz mono s16le from the ffmpeg listener; 0.25 s windows; a window is the
// tone when the Goertzel power at its frequency holds most of its energy.
function toneRuns(file, hz) {
  const buf = fs.readFileSync(file);
  const rate = 8000, n = 2000, samples = Math.floor(buf.length / 2);
  const w = 2 * Math.cos(2 * Math.PI * hz / rate);
  let best = { start: -1, seconds: 0 }, runStart = -1;
  for (let i = 0; i + n <= samples; i += n) {
    let s1 = 0, s2 = 0, energy = 0;
    for (let k = 0; k < n; k++) {
      const x = buf.readInt16LE(2 * (i + k)) / 32768;
      energy += x * x;
      const s0 = x + w * s1 - s2;
      s2 = s1; s1 = s0;
    }
    const power = s1 * s1 + s2 * s2 - w * s1 * s2;
    const share = energy > n * 1e-5 ? power / (n / 2 * energy) : 0;
    if (share > 0.6) {
      if (runStart < 0) runStart = i;
      const seconds = (i + n - runStart) / rate;
      if (seconds > best.seconds) best = { start: runStart / rate, seconds };
    } else {
      runStart = -1;
    }
  }
  return best;
}

const citizenBrowser = await launch(env.PROFILE_CITIZEN, env.MIC_CITIZEN);
const staffBrowser = await launch(env.PROFILE_STAFF, env.MIC_STAFF);
citizenBrowser.setDefaultTimeout(20000);
staffBrowser.setDefaultTimeout(20000);

try {
  // ---- the citizen records, consents, sends -----------------------------------
  const citizen = await citizenBrowser.newPage();
  watch(citizen, 'citizen');
  citizen.on('response', async (r) => {
    try { keep('citizen page ' + r.url(), await r.text()); } catch { /* a stream or a redirect */ }
  });
  await citizen.goto(BASE + '/');
  let first = null, take = null;
  await step('citizen: a first take on the public page moves the meter', async () => {
    first = await record(citizen, 'rec', 1000);
    if (!(first.peak > 0.3)) return `meter peak ${first.peak}`;
    if (!first.preview) return 'no listen-back player';
    if (first.label !== 'Rekam ulang') return `the button says "${first.label}" after a take`;
  });
  await step('citizen: recording again replaces the take (listen back ~3 s)', async () => {
    take = await record(citizen, 'rec', 3000);
    if (!(Math.abs(take.duration - take.span) < 0.5)) return `preview ${take.duration} s for ${take.span} s`;
    if (!(take.size > first.size * 2)) return `the file is ${take.size} bytes, the first take ${first.size}`;
    await citizen.locator('#recorder').screenshot({ path: path.join(OUT, 'citizen-recorder.png') });
  });
  await step('citizen: consent, send: 202 and a reference on the page', async () => {
    const f = '#complaint-form ';
    await citizen.fill(f + 'input[name=title]', TITLE);
    await citizen.selectOption(f + 'select[name=category]', 'Infrastruktur');
    await citizen.fill(f + 'input[name=location]', 'Kecamatan Cibeber, Desa Mekar');
    await citizen.fill(f + 'input[name=caller_name]', CALLER);
    await citizen.fill(f + 'input[name=caller_phone]', PHONE);
    await citizen.uncheck(f + 'input[name=anonymous]'); // named: still never public
    await citizen.check(f + 'input[name=consent]');
    const answer = citizen.waitForResponse((r) => r.url().endsWith('/api/v1/public/complaints'),
      { timeout: 60000 });
    await citizen.click('#sw-submit');
    const res = await answer;
    if (res.status() !== 202) return `status ${res.status()}: ${await res.text()}`;
    await citizen.waitForSelector('#sw-result', { state: 'visible' });
    reference = (await citizen.textContent('#sw-ref')).trim();
    if (!/^[2-9A-HJKMNP-Z]{8}$/.test(reference)) return `reference '${reference}'`;
    await citizen.screenshot({ path: path.join(OUT, 'citizen-sent.png'), fullPage: true });
  });
  const refPage = await citizenBrowser.newPage();
  watch(refPage, 'reference');
  refPage.on('response', async (r) => {
    try { keep('reference page ' + r.url(), await r.text()); } catch { /* none */ }
  });
  // the reference page after a reload: the steps it lists
  async function stepsShown(want) {
    return until(`the reference page lists ${want}`, async () => {
      await refPage.goto(BASE + '/suara-warga?ref=' + reference);
      await refPage.waitForFunction(() => document.querySelectorAll('#steps li').length > 0);
      const items = await refPage.locator('#steps li').allTextContents();
      keep('reference page html', await refPage.content());
      return want.every((w) => items.some((t) => t.includes(w))) ? items : null;
    }, 60000, 1000);
  }
  await step('the reference page shows it as received', async () => {
    const items = await stepsShown([reference + ': Diterima']);
    if (items.length !== 1) return items.join(' | ');
  });
  await pollPublic();
  check('received: nothing public holds the name or phone', !noLeak('received'), noLeak('received'));

  // ---- staff verify and air it next -------------------------------------------
  const panel = await staffBrowser.newPage();
  watch(panel, 'panel');
  await panel.goto(BASE + '/panel/');
  await step('staff logs in on the panel', async () => {
    await panel.fill('#login-form input[name=username]', env.STAFF_USER);
    await panel.fill('#login-form input[name=password]', env.STAFF_PASS);
    await panel.click('#login-form button[type=submit]');
    await panel.waitForSelector('#dashboard', { state: 'visible' });
  });
  const row = () => panel.locator('#complaints tr:not(.history-row)', { hasText: TITLE });
  const staffJSON = (url) => panel.evaluate(async (u) => (await fetch(u)).json(), url);
  let id = 0;
  await step('the staff list shows it from the public page, with the caller', async () => {
    await row().waitFor({ timeout: 30000 });
    const text = await row().innerText();
    if (!text.includes('Dari halaman publik ' + reference) || !text.includes(CALLER))
      return text.replace(/\s+/g, ' ');
    const list = await staffJSON('/api/v1/complaints');
    id = list.complaints.find((c) => c.title === TITLE).id;
  });
  await step('verify it through its button', async () => {
    await row().getByRole('button', { name: 'Verifikasi' }).click();
    await row().filter({ hasText: 'Diverifikasi' }).waitFor();
  });
  const nowPlaying = () => getJSON(BASE + '/api/v1/nowplaying');
  await step('air-next through its button', async () => {
    // pressed in an item's last instant it would rightly wait for the next
    await until('an item with 2 s to go', async () => {
      const np = await nowPlaying();
      return np.now && np.now.duration - np.now.elapsed >= 2;
    });
    await row().getByRole('button', { name: 'Siarkan berikutnya' }).click();
    await row().filter({ hasText: 'Antre ★' }).waitFor();
  });
  await pollPublic();
  check('verified and queued: nothing public holds the name or phone', !noLeak('queued'), noLeak('queued'));
  await step('it airs: nowplaying shows the complaint', async () => {
    await until('the complaint on air', async () => {
      const np = await nowPlaying();
      return np.now && np.now.kind === 'complaint' && np.now.title.includes(TITLE);
    }, 90000);
  });
  await step('after airing the panel lists it as aired', async () => {
    await until('status aired', async () => (await staffJSON('/api/v1/complaints/' + id)).status === 'aired', 90000);
    await panel.reload();
    await row().filter({ hasText: 'Sudah disiarkan' }).waitFor({ timeout: 30000 });
  });
  const asrun = async () => (await staffJSON('/api/v1/asrun')).rows;
  await step('the as-run holds the complaint: its intro, then the recording of ~3 s', async () => {
    const rows = await until('both as-run rows', async () => {
      const r = (await asrun()).filter((a) => a.title.includes(TITLE) && !a.title.startsWith('Tanggapan'));
      return r.length >= 2 && r.every((a) => a.ended_at) ? r : null;
    }, 60000, 1000);
    const rec = rows[rows.length - 1];
    if (!(Math.abs(rec.duration - take.span) < 0.6)) return `the recording aired ${rec.duration} s for ${take.span} s`;
    if (rows.some((a) => leaks(JSON.stringify(a)))) return 'the as-run holds the name or phone';
  });
  await step('the reference page shows it aired', async () => {
    await stepsShown([reference + ': Sudah disiarkan', 'Disiarkan: ']);
  });
  await pollPublic();
  check('aired: nothing public holds the name or phone', !noLeak('aired'), noLeak('aired'));

  // ---- staff forward it to LAPOR! -----------------------------------------------
  await step('forward it with the LAPOR! number (the prompt)', async () => {
    panel.once('dialog', (d) => d.accept(LAPOR));
    await row().getByRole('button', { name: 'Teruskan ke LAPOR!' }).click();
    await row().filter({ hasText: 'Diteruskan' }).waitFor();
    const text = await row().innerText();
    if (!/Batas tanggapan \d{4}-\d\d-\d\d/.test(text)) return text.replace(/\s+/g, ' ');
  });
  await step('the reference page shows it forwarded', async () => {
    await stepsShown([reference + ': Diteruskan', 'Disiarkan: ', 'Diteruskan ke LAPOR!: ']);
  });
  await pollPublic();
  check('forwarded: nothing public holds the name or phone', !noLeak('forwarded'), noLeak('forwarded'));

  // ---- staff record the agency's answer in the complaint's view ---------------
  const status = () => panel.evaluate(() => {
    const el = document.getElementById('answer-status');
    return { text: el.textContent, error: el.className === 'error' };
  });
  await step("the answer button opens the form inside the complaint's view", async () => {
    await row().getByRole('button', { name: 'Tanggapan instansi' }).click();
    await panel.waitForSelector('#answer-form', { state: 'visible' });
    const inView = await panel.evaluate(() => {
      const form = document.getElementById('answer-form');
      const view = form.closest('tr.history-row');
      return view ? view.previousSibling.textContent : '';
    });
    if (!inView.includes(TITLE)) return `the form is not in the complaint's view (${inView})`;
    const heading = await panel.textContent('#answer-heading');
    if (!heading.includes('#' + id) || !heading.includes(TITLE)) return `heading "${heading}"`;
  });
  await step('cancel while recording: the form closes and keeps nothing', async () => {
    const left = await panel.evaluate(async () => {
      const $ = (n) => document.getElementById(n);
      const nap = (t) => new Promise((resolve) => setTimeout(resolve, t));
      $('ans-rec-start').click();
      for (let i = 0; $('ans-rec-stop').disabled && i < 2000; i++) await nap(10);
      await nap(500);
      $('answer-cancel').click();
      await nap(1500); // past the recorder's flush: a late take would show by now
      return { hidden: $('answer-form').hidden, files: $('answer-form').elements.audio.files.length,
        preview: !$('ans-rec-preview').hidden, start: !$('ans-rec-start').disabled };
    });
    await row().getByRole('button', { name: 'Tanggapan instansi' }).click();
    await panel.waitForSelector('#answer-form', { state: 'visible' });
    if (!left.hidden || left.files || left.preview || !left.start) return JSON.stringify(left);
  });
  await step('without the agency: an Indonesian error next to the button', async () => {
    await panel.click('#answer-submit');
    const s = await status();
    if (!s.error || s.text !== 'Isi nama instansi yang menanggapi.') return JSON.stringify(s);
  });
  await step('without recording or text: an Indonesian error', async () => {
    await panel.fill('#answer-form input[name=agency]', AGENCY);
    await panel.click('#answer-submit');
    const s = await status();
    if (!s.error || s.text !== 'Rekam atau pilih rekaman tanggapan, atau tulis teksnya.') return JSON.stringify(s);
  });
  await step('the English switch: the form in English, what was typed kept', async () => {
    await panel.click('#lang');
    await panel.waitForFunction(() => document.getElementById('answer-submit').textContent === 'Save answer');
    const en = await panel.evaluate(() => ({
      legend: document.querySelector('#answer-recorder legend').textContent,
      agency: document.querySelector('#answer-form input[name=agency]').value,
      inView: !!document.getElementById('answer-form').closest('tr.history-row'),
      visible: !document.getElementById('answer-form').hidden }));
    await panel.click('#answer-submit'); // still neither recording nor text
    const s = await status();
    await panel.click('#lang');
    await panel.waitForFunction(() => document.getElementById('answer-submit').textContent === 'Simpan tanggapan');
    if (en.legend !== "Record the agency's answer from the microphone") return `legend "${en.legend}"`;
    if (en.agency !== AGENCY || !en.inView || !en.visible) return JSON.stringify(en);
    if (s.text !== 'Record or choose a recording of the answer, or write its text.') return JSON.stringify(s);
  });
  await step('a picked file that is not audio: the 422 said in Indonesian', async () => {
    await panel.setInputFiles('#answer-form input[name=audio]',
      { name: 'tanggapan.wav', mimeType: 'audio/wav', buffer: Buffer.from('bukan audio '.repeat(400)) });
    const res = panel.waitForResponse((r) => r.url().endsWith(`/api/v1/complaints/${id}/answer`));
    await panel.click('#answer-submit');
    const r = await res;
    if (r.status() !== 422) return `status ${r.status()}`;
    await panel.waitForFunction(() => document.getElementById('answer-status').className === 'error');
    const s = await status();
    if (s.text !== 'Berkas ini bukan audio yang bisa dibaca stasiun.') return JSON.stringify(s);
    const left = await staffJSON('/api/v1/complaints/' + id);
    if (left.status !== 'forwarded') return `status ${left.status} after the refusal`;
  });
  let answerTake = null;
  await step('record the answer: the meter moves, then record again (~3 s, listen back)', async () => {
    const once = await record(panel, 'ans-rec', 1000);
    if (!(once.peak > 0.3)) return `meter peak ${once.peak}`;
    if (once.label !== 'Rekam ulang') return `the button says "${once.label}"`;
    answerTake = await record(panel, 'ans-rec', 3000);
    if (!answerTake.preview || !(Math.abs(answerTake.duration - answerTake.span) < 0.5))
      return `preview ${answerTake.duration} s for ${answerTake.span} s`;
    if (!/^rekaman-.*\.wav$/.test(answerTake.name)) return `the form holds ${answerTake.name}`;
    if (!(answerTake.size > once.size * 2)) return `${answerTake.size} bytes, the first take ${once.size}`;
    const s = await status();
    if (s.text) return `the refusal of the file stays after the recording: ${s.text}`;
    await panel.locator('#answer-form').screenshot({ path: path.join(OUT, 'answer-form.png') });
  });
  await step('on a phone-sized screen (390x844) the answer form fits the width', async () => {
    await panel.setViewportSize({ width: 390, height: 844 });
    await panel.locator('#answer-submit').scrollIntoViewIfNeeded();
    const box = await panel.evaluate(() => {
      const r = (id) => document.getElementById(id).getBoundingClientRect();
      return { form: r('answer-form').right, submit: r('answer-submit').right,
        meter: r('ans-rec-level').right, page: document.documentElement.scrollWidth };
    });
    await panel.screenshot({ path: path.join(OUT, 'answer-phone.png'), fullPage: true });
    await panel.setViewportSize({ width: 1280, height: 900 });
    if (box.page > 390 || box.form > 390 || box.submit > 390 || box.meter > 390) return JSON.stringify(box);
  });
  await step('save the answer: 200, answered, the note in the view', async () => {
    await panel.fill('#answer-form textarea[name=text]', ANSWER_TEXT);
    const res = panel.waitForResponse((r) => r.url().endsWith(`/api/v1/complaints/${id}/answer`),
      { timeout: 60000 });
    await panel.click('#answer-submit');
    const r = await res;
    if (r.status() !== 200) return `status ${r.status()}: ${await r.text()}`;
    await panel.waitForSelector('#answer-form', { state: 'hidden' });
    await row().filter({ hasText: 'Ditanggapi' }).waitFor();
    await panel.waitForFunction(() => /Tanggapan tersimpan/.test(
      document.querySelector('#complaints tr.history-row .answer-note')?.textContent || ''));
    const c = await staffJSON('/api/v1/complaints/' + id);
    if (c.answer_agency !== AGENCY || c.answer_text !== ANSWER_TEXT) return JSON.stringify(c).slice(0, 200);
    await panel.screenshot({ path: path.join(OUT, 'answered.png'), fullPage: true });
  });
  const answerOnAir = (np) => np.now && np.now.title.startsWith('Tanggapan ' + AGENCY);
  await step('the answer waits for a Suara Warga segment (two items pass without it)', async () => {
    const start = (await nowPlaying()).now;
    let changes = 0, outside = false, last = start ? start.started_at + start.title : '';
    await until('two item changes', async () => {
      const np = await nowPlaying();
      if (answerOnAir(np)) outside = true;
      const key = np.now ? np.now.started_at + np.now.title : '';
      if (key !== last) { changes++; last = key; }
      return outside || changes >= 2;
    }, 60000);
    if (outside) return 'the answer aired outside a Suara Warga segment';
    const c = await staffJSON('/api/v1/complaints/' + id);
    if (c.answer_aired_at) return `aired at ${c.answer_aired_at}`;
  });
  await step('the reference page shows it answered', async () => {
    await stepsShown([reference + ': Ditanggapi', 'Disiarkan: ', 'Diteruskan ke LAPOR!: ', 'Ditanggapi: ']);
  });
  await pollPublic();
  check('answered: nothing public holds the name or phone', !noLeak('answered'), noLeak('answered'));

  // ---- the next Suara Warga segment: the answer airs ---------------------------
  await step('an admin schedules a Suara Warga segment (a show of content "complaints", now)', async () => {
    const login = await fetch(BASE + '/api/v1/session', { method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: env.ADMIN_USER, password: env.ADMIN_PASS }) });
    const who = await login.json();
    const cookie = (login.headers.get('set-cookie') || '').split(';')[0];
    const hhmm = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Jakarta', hour: '2-digit',
      minute: '2-digit', hourCycle: 'h23' }).format(new Date(Date.now() - 60000));
    const r = await fetch(BASE + '/api/v1/shows', { method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': who.csrf_token },
      body: JSON.stringify({ name: 'Suara Warga', days: [0, 1, 2, 3, 4, 5, 6], start: hhmm,
        duration: 120, content: 'complaints' }) });
    if (r.status !== 201) return `POST /api/v1/shows: ${r.status} ${await r.text()}`;
  });
  await step('the answer airs in the segment (nowplaying), then is noted as aired', async () => {
    await until('the answer on air', async () => answerOnAir(await nowPlaying()), 120000);
    await until('answer_aired_at', async () => (await staffJSON('/api/v1/complaints/' + id)).answer_aired_at, 60000);
    await until('the answer over', async () => !answerOnAir(await nowPlaying()), 60000);
  });
  await step('the as-run: "Tanggapan Dinas PUPR" intro, then the recorded answer of ~3 s', async () => {
    const rows = await until('the answer rows', async () => {
      const r = (await asrun()).filter((a) => a.title.startsWith('Tanggapan ' + AGENCY));
      return r.length >= 2 && r.every((a) => a.ended_at) ? r : null;
    }, 60000, 1000);
    const rec = rows[rows.length - 1];
    if (rows.length !== 2) return `${rows.length} rows`;
    if (!(Math.abs(rec.duration - answerTake.span) < 0.6)) return `the answer aired ${rec.duration} s for ${answerTake.span} s`;
    if (!(rows[0].duration > 1)) return `the intro lasted ${rows[0].duration} s`;
  });
  await step("the panel's history shows every step, the answer aired", async () => {
    await panel.reload();
    await row().waitFor();
    await row().getByRole('button', { name: 'Riwayat' }).click().catch(() => {});
    const text = await until('the history', async () => {
      const t = await panel.locator('#complaints tr.history-row').first().innerText();
      return /Tanggapan disiarkan/.test(t) ? t : null;
    }, 30000);
    for (const w of ['Diterima', 'Diverifikasi', 'mengudara', LAPOR, AGENCY])
      if (!text.includes(w)) return `no "${w}" in: ${text.replace(/\s+/g, ' ')}`;
  });

  // ---- what the listeners received ----------------------------------------------
  await step('the stream carried the citizen\'s recording, then the answer (tones heard, in order)', async () => {
    // a few more seconds of stream past the answer, through Icecast's buffer
    const size = fs.statSync(env.HEARD).size;
    await until('the listener past the answer', async () => fs.statSync(env.HEARD).size > size + 8000 * 2 * 4, 30000);
    const c = toneRuns(env.HEARD, CITIZEN_HZ), a = toneRuns(env.HEARD, STAFF_HZ);
    console.log(`# heard ${CITIZEN_HZ} Hz for ${c.seconds} s at ${c.start} s (recorded ${take.span.toFixed(2)} s), ` +
      `${STAFF_HZ} Hz for ${a.seconds} s at ${a.start} s (recorded ${answerTake.span.toFixed(2)} s)`);
    if (!(Math.abs(c.seconds - take.span) < 0.8)) return `the complaint's tone: ${c.seconds} s`;
    if (!(Math.abs(a.seconds - answerTake.span) < 0.8)) return `the answer's tone: ${a.seconds} s`;
    if (!(c.start < a.start)) return 'the answer was heard before the complaint';
  });
  await step('the stream\'s titles: the complaint and the answer, never the caller', async () => {
    const bytes = fs.readFileSync(env.STREAM_BYTES).toString('latin1');
    const utf8 = Buffer.from(bytes, 'latin1').toString('utf8');
    // the Vorbis comment is "TITLE=Suara Warga: <title>"
    if (!new RegExp('TITLE=Suara Warga: ' + TITLE, 'i').test(utf8)) return 'no Ogg comment with the complaint';
    if (!new RegExp(`TITLE=Tanggapan ${AGENCY}: ${TITLE}`, 'i').test(utf8)) return 'no Ogg comment with the answer';
    if (leaks(utf8)) return 'the Ogg comments hold the name or phone';
    const titles = [...icecastTitles];
    if (!titles.some((t) => t.includes(TITLE))) return `Icecast titles seen: ${titles.join(' | ')}`;
    if (titles.some(leaks)) return 'an Icecast title holds the name or phone';
  });

  // ---- the public board and the reference page at the end ----------------------
  const board = await citizenBrowser.newPage();
  watch(board, 'board');
  board.on('response', async (r) => {
    try { keep('board page ' + r.url(), await r.text()); } catch { /* none */ }
  });
  await step('the board shows it answered, with the working days and the agency', async () => {
    const item = await until('the answered item', async () => {
      await board.goto(BASE + '/suara-warga');
      await board.waitForFunction(() => document.querySelectorAll('#board li').length > 0);
      const t = await board.locator('#board li.sw-item', { hasText: TITLE }).innerText();
      return /Ditanggapi/.test(t) && t.includes('Tanggapan ' + AGENCY) ? t : null;
    }, 60000, 1000);
    keep('board html', await board.content());
    if (!/Ditanggapi · \d+ hari kerja sampai ditanggapi/.test(item)) return item.replace(/\s+/g, ' ');
    if (!item.includes(ANSWER_TEXT) || !item.includes('Infrastruktur') || !item.includes('Cibeber'))
      return item.replace(/\s+/g, ' ');
    await board.screenshot({ path: path.join(OUT, 'board.png'), fullPage: true });
  });
  await step('the reference page shows each step with its date', async () => {
    const items = await stepsShown([reference + ': Ditanggapi']);
    const day = /\d{4}-\d\d-\d\d$/;
    const want = ['Disiarkan: ', 'Diteruskan ke LAPOR!: ', 'Ditanggapi: '];
    for (const w of want)
      if (!items.some((t) => t.startsWith(w) && day.test(t))) return items.join(' | ');
    await refPage.screenshot({ path: path.join(OUT, 'reference.png'), fullPage: true });
  });
  await pollPublic();
  // the check can fail: the gathered bodies hold the title the caller spoke of
  check('at the end: nothing public holds the name or phone (and the bodies were seen)',
    !noLeak('end') && [...seen.keys()].some((b) => b.includes(TITLE)) && seen.size > 20,
    noLeak('end') || `${seen.size} bodies`);
  check('no console errors or CSP violations on any page', consoleErrors.length === 0,
    consoleErrors.slice(0, 3).join(' | '));
} catch (e) {
  notOk('the browser test ran to its end', e.message);
} finally {
  polling = false;
  await poller;
  await citizenBrowser.close();
  await staffBrowser.close();
}
console.log(`# ${failures} failed`);
process.exit(0);
