// The studio screen in headless Chromium (run by studio.sh, which starts the
// station and passes its address in the environment).  Prints TAP lines.
// Waits for states, never for fixed times, so a loaded machine only slows it.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const env = process.env;
const BASE = env.BASE;
const OUT = env.OUT_DIR;
let failures = 0;
function ok(name) { console.log(`ok - ${name}`); }
function notOk(name, why) { failures++; console.log(`not ok - ${name}: ${String(why).split('\n')[0]}`); }
async function step(name, fn) {
  try {
    const why = await fn();
    if (why) notOk(name, why); else ok(name);
  } catch (e) {
    notOk(name, e.message);
  }
}

const consoleErrors = [];
function watch(page, label) {
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const url = m.location().url || '';
    // the session check and the stream before login answer 401 by design
    if (/status of 401/.test(m.text()) && /\/api\/v1\/(session|events)$/.test(url)) return;
    if (/favicon\.ico/.test(url)) return;
    consoleErrors.push(`${label}: ${m.text()} (${url})`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${label}: ${e.message}`));
}

const browser = await chromium.launchPersistentContext(env.PROFILE, {
  executablePath: env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1366, height: 768 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
browser.setDefaultTimeout(20000);

// every visible button and tab of the page is at least 44 px tall and wide
async function smallTargets(page) {
  return page.evaluate(() => Array.from(document.querySelectorAll('button, [role=tab], .sbar a'))
    .filter((b) => b.offsetParent !== null)
    .map((b) => [b.textContent.trim().slice(0, 20), b.getBoundingClientRect()])
    .filter(([, r]) => r.width > 0 && (r.height < 44 || r.width < 44))
    .map(([t, r]) => `${t} ${Math.round(r.width)}x${Math.round(r.height)}`));
}

// ---- the flows run at both sizes ----
const onAirTitle = (page) => page.evaluate(() => document.getElementById('onair-title').textContent);
// the item on air has at least 15 s left (a queued insert must still wait)
const timeLeftOn = (page) => page.waitForFunction(() => {
  const m = /^(\d+):(\d\d)$/.exec(document.getElementById('onair-left').textContent);
  return m && Number(m[1]) * 60 + Number(m[2]) >= 15 && !/Jingle|ILM/.test(document.getElementById('onair-title').textContent);
}, null, { timeout: 90000 });
async function longPress(page, title) {
  const b = page.locator('#carts .cart', { hasText: title }).locator('button.play');
  // on a phone the cart wall may sit at the fold: the mouse must reach it
  await b.scrollIntoViewIfNeeded();
  const box = await b.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.waitForSelector(`#carts .cart:has-text("${title}") .confirm:not([hidden])`);
  await page.mouse.up();
}
// the station's own nowplaying answer, polled until it names title
async function nowPlaying(page, title) {
  for (let i = 0; i < 40; i++) {
    const np = await page.evaluate(() => fetch('/api/v1/nowplaying', { cache: 'no-store' }).then((r) => r.json()));
    if (np.now && np.now.title === title) return np.now;
    await new Promise((r) => setTimeout(r, 250));
  }
  return null;
}

async function cartAirsAsItsKind(page, size) {
  await step(`${size}: a cart aired now shows on air as its kind (Jingle), not as an announcement`, async () => {
    await longPress(page, 'Jingle Radio Uji');
    await page.locator('#carts .cart', { hasText: 'Jingle Radio Uji' }).locator('.confirm button', { hasText: 'Ya, sekarang' }).click();
    await page.waitForFunction(() => document.getElementById('onair-title').textContent === 'Jingle Radio Uji', null, { timeout: 15000 });
    const shown = await page.evaluate(() => ({ kind: document.getElementById('onair-kind').textContent,
      urgent: document.querySelector('.onair').classList.contains('urgent'),
      fb: document.querySelector('#carts .cart .fb').textContent }));
    await page.screenshot({ path: path.join(OUT, `studio-${size}-cart-on-air.png`) });
    if (shown.kind !== 'Jingle') return `kind shown: ${shown.kind}`;
    if (shown.urgent) return 'shown as an urgent announcement';
    const np = await nowPlaying(page, 'Jingle Radio Uji');
    if (!np) return 'nowplaying never named the jingle';
    if (np.kind !== 'jingle') return `nowplaying kind ${np.kind}`;
  });
}

async function reorderInserts(page, size) {
  await step(`${size}: two carts queued, the second moved up by keyboard: the list, the plan and the air follow the new order`, async () => {
    await page.waitForFunction(() => document.getElementById('onair-title').textContent !== 'Jingle Radio Uji', null, { timeout: 30000 });
    await timeLeftOn(page);
    for (const title of ['Jingle Radio Uji', 'ILM DBD']) {
      const cart = page.locator('#carts .cart', { hasText: title });
      await cart.locator('button.play').click();
      await cart.locator('.fb', { hasText: 'Diantrekan berikutnya.' }).waitFor();
    }
    const rows = () => page.evaluate(() => Array.from(document.querySelectorAll('#inserts li'))
      .map((li) => [Number(li.getAttribute('data-insert')), li.querySelector('.t').textContent]));
    await page.waitForFunction(() => document.querySelectorAll('#inserts li').length === 2, null, { timeout: 5000 });
    const before = await rows();
    if (!/^1\. Jingle Radio Uji/.test(before[0][1]) || !/^2\. ILM DBD/.test(before[1][1])) return `queued as ${JSON.stringify(before)}`;
    const [jingleId, psaId] = [before[0][0], before[1][0]];
    const up = page.locator(`#inserts li[data-insert="${psaId}"] button.move[data-dir=up]`);
    const upBox = await up.boundingBox();
    if (upBox.height < 44 || upBox.width < 44) return `the up button is ${upBox.width}x${upBox.height}`;
    await up.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => {
      const li = document.querySelector('#inserts li');
      return li && li.getAttribute('data-insert') === String(id) &&
        /urutan 1\./.test(li.querySelector('.fb').textContent);
    }, psaId, { timeout: 5000 });
    const after = await rows();
    if (!/^1\. ILM DBD/.test(after[0][1]) || !/^2\. Jingle Radio Uji/.test(after[1][1])) return `moved to ${JSON.stringify(after)}`;
    const focus = await page.evaluate(() => {
      const li = document.activeElement && document.activeElement.closest('#inserts li');
      return li ? li.getAttribute('data-insert') : null;
    });
    if (focus !== String(psaId)) return `keyboard focus on insert ${focus}, not the moved one`;
    await page.waitForFunction(() => {
      const rows = Array.from(document.querySelectorAll('#timeline li:not(.hardev):not(.now)')).map((li) => li.textContent);
      const psa = rows.findIndex((t) => /ILM DBD/.test(t)), jingle = rows.findIndex((t) => /Jingle Radio Uji/.test(t));
      return psa >= 0 && jingle > psa;
    }, null, { timeout: 5000 });
    await page.screenshot({ path: path.join(OUT, `studio-${size}-reordered.png`), fullPage: size === '390x844' });
    // what the page shows on air, in order, until both have aired
    await page.evaluate(() => {
      window.airedSeen = [];
      const el = document.getElementById('onair-title');
      const note = () => {
        const t = el.textContent, k = document.getElementById('onair-kind').textContent;
        const last = window.airedSeen[window.airedSeen.length - 1];
        if (!last || last[0] !== t) window.airedSeen.push([t, k]);
      };
      new MutationObserver(note).observe(el, { childList: true, characterData: true, subtree: true });
    });
    await page.waitForFunction(() => window.airedSeen.some(([t]) => t === 'Jingle Radio Uji'), null, { timeout: 120000 });
    const seen = (await page.evaluate(() => window.airedSeen)).filter(([t]) => t === 'ILM DBD' || t === 'Jingle Radio Uji');
    fs.writeFileSync(path.join(OUT, `order-${size}`), `${psaId} ${jingleId}\n`);
    if (JSON.stringify(seen) !== JSON.stringify([['ILM DBD', 'ILM'], ['Jingle Radio Uji', 'Jingle']]))
      return `on air in the studio: ${JSON.stringify(seen)}`;
    await page.waitForFunction(() => document.querySelectorAll('#inserts li').length === 0, null, { timeout: 10000 });
  });
}

// Indonesian words of the studio that must be gone in English
const INDONESIAN = ['Sedang mengudara', 'Lewati', 'Sisa', 'dalam ', 'bersama', 'Tersambung', 'pendengar',
  'Tombol siar', 'ketuk', 'Antrean aduan', 'Pengumuman darurat', 'Tanpa izin siar', 'Siarkan', 'tepat',
  'Acara tepat', 'Tolak', 'Sisipan', 'menit ke depan', 'Dasbor', 'Keluar', 'Terverifikasi', 'Diverifikasi', 'Langsung'];
async function englishAndBack(page, size) {
  await step(`${size}: the English switch puts every studio word into English`, async () => {
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en' &&
      document.getElementById('h-onair').textContent === 'On air now', null, { timeout: 5000 });
    await page.waitForFunction(() => /^in /.test(document.getElementById('hard-count').textContent));
    const r = await page.evaluate(() => ({
      tabs: Array.from(document.querySelectorAll('[role=tab]')).map((x) => x.textContent).join('|'),
      skip: document.getElementById('skip').textContent, host: document.getElementById('show-host').textContent,
      hard: document.getElementById('hard-label').textContent, lang: document.getElementById('lang').textContent,
      outputs: document.getElementById('outputs').textContent,
      text: ['siaran', 'aduan', 'pengumuman'].map((tab) => {
        document.querySelector('.grid').setAttribute('data-tab', tab);
        return document.body.innerText;
      }).join('\n'),
    }));
    await page.evaluate(() => document.getElementById('t-siaran').click());
    await page.screenshot({ path: path.join(OUT, `studio-${size}-en.png`), fullPage: size === '390x844' });
    const problems = [];
    if (r.tabs !== 'On air|Complaints|Emergency') problems.push(`tabs ${r.tabs}`);
    const [w, inner] = await page.evaluate(() => [document.scrollingElement.scrollWidth, window.innerWidth]);
    if (w > inner) problems.push(`in English the page scrolls sideways (${w} > ${inner})`);
    if (r.skip !== 'Skip') problems.push(`skip ${r.skip}`);
    if (r.host !== 'with Kak Rina') problems.push(`host ${r.host}`);
    if (!/^ILM DBD \d\d:\d\d sharp$/.test(r.hard)) problems.push(`hard ${r.hard}`);
    if (r.lang !== 'Bahasa Indonesia') problems.push(`switch ${r.lang}`);
    if (!/Connected/.test(r.outputs) || !/\d+ listeners/.test(r.outputs)) problems.push(`outputs ${r.outputs}`);
    const left = INDONESIAN.filter((w) => r.text.includes(w));
    if (left.length) problems.push(`Indonesian left: ${left.join(', ')}`);
    if (problems.length) return problems.join('; ');
  });
  await step(`${size}: and back to Bahasa Indonesia`, async () => {
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'id' &&
      document.getElementById('h-onair').textContent === 'Sedang mengudara' &&
      document.getElementById('skip').textContent === 'Lewati' &&
      /^dalam /.test(document.getElementById('hard-count').textContent) &&
      /Siaran\|Aduan\|Pengumuman/.test(Array.from(document.querySelectorAll('[role=tab]')).map((x) => x.textContent).join('|')),
    null, { timeout: 5000 });
  });
}

try {
  const desk = await browser.newPage();
  watch(desk, 'studio');
  await desk.goto(BASE + '/panel/studio');

  await step('the event stream refuses a logged-out client (401)', async () => {
    const status = await desk.evaluate(() => fetch('/api/v1/events').then((r) => r.status));
    if (status !== 401) return `status ${status}`;
  });
  await step('logged out, the studio shows its login form', async () => {
    await desk.waitForSelector('#login', { state: 'visible' });
  });
  await step('staff logs in on the studio', async () => {
    await desk.fill('#login-form input[name=username]', env.STAFF_USER);
    await desk.fill('#login-form input[name=password]', env.STAFF_PASS);
    await desk.click('#login-form button[type=submit]');
    await desk.waitForSelector('#studio', { state: 'visible' });
  });

  // ---- 1366x768: everything on one screen ----
  await step('the clock shows station time (HH:MM:SS, Asia/Jakarta)', async () => {
    await desk.waitForFunction(() => /^\d\d:\d\d:\d\d$/.test(document.getElementById('clock').textContent));
    const [shown, expected] = await desk.evaluate(() => {
      const jakarta = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Jakarta', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date());
      return [document.getElementById('clock').textContent.slice(0, 5), jakarta];
    });
    if (shown !== expected) return `clock ${shown}, Jakarta ${expected}`;
  });
  await step('the on-air title and its time left show', async () => {
    await desk.waitForFunction(() => /^Lagu /.test(document.getElementById('onair-title').textContent) &&
      /^\d+:\d\d$/.test(document.getElementById('onair-left').textContent));
  });
  await step('the next hard event counts down ("ILM DBD HH:MM tepat")', async () => {
    await desk.waitForFunction(() => /^ILM DBD \d\d:\d\d tepat$/.test(document.getElementById('hard-label').textContent) &&
      /^dalam (\d+:)?\d+:\d\d$/.test(document.getElementById('hard-count').textContent));
  });
  await step('the show, its host and its time left show', async () => {
    await desk.waitForFunction(() => document.getElementById('show-name').textContent === 'Pagi Ceria' &&
      document.getElementById('show-host').textContent === 'bersama Kak Rina' &&
      /\d:\d\d:\d\d$/.test(document.getElementById('show-left').textContent));
  });
  await step('the stream is connected, with its listener count', async () => {
    await desk.waitForFunction(() => /Tersambung/.test(document.getElementById('outputs').textContent) &&
      /\d+ pendengar/.test(document.getElementById('outputs').textContent));
  });
  await step('the next 60 minutes show, with the hard event marked', async () => {
    await desk.waitForFunction(() => document.querySelectorAll('#timeline li').length >= 3 &&
      /ILM DBD/.test((document.querySelector('#timeline li.hardev') || {}).textContent || ''));
  });
  await step('at 1366x768 the studio has no vertical scroll', async () => {
    const [h, inner] = await desk.evaluate(() => [document.scrollingElement.scrollHeight, window.innerHeight]);
    if (h > inner) return `scrollHeight ${h} > innerHeight ${inner}`;
  });
  await step('at 1366x768 clock, on-air title, next hard event, carts and complaints are all in view', async () => {
    const out = await desk.evaluate(() => ['clock', 'onair-title', 'hard-label', 'carts', 'complaints', 'sheet-open']
      .filter((id) => {
        const r = document.getElementById(id).getBoundingClientRect();
        return !(r.height > 0 && r.top >= 0 && r.top < window.innerHeight && r.left < window.innerWidth);
      }));
    if (out.length) return `not in view: ${out.join(', ')}`;
  });
  await step('every visible button is at least 44 px', async () => {
    const small = await smallTargets(desk);
    if (small.length) return small.slice(0, 4).join('; ');
  });

  // ---- the complaint queue ----
  await step('the complaint is inline with a player and a "no consent" badge', async () => {
    await desk.waitForFunction(() => /Lampu jalan padam/.test(document.getElementById('complaints').textContent));
    const r = await desk.evaluate(() => {
      const li = document.querySelector('#complaints li');
      return { audio: !!li.querySelector('audio[src*="/audio"]'), text: li.textContent };
    });
    if (!r.audio) return 'no audio player';
    if (!/Tanpa izin siar/.test(r.text)) return 'no consent badge';
  });
  await step('without consent "Siarkan berikutnya" is disabled, with the reason', async () => {
    const r = await desk.evaluate(() => {
      const li = document.querySelector('#complaints li');
      const b = Array.from(li.querySelectorAll('button')).find((x) => x.textContent === 'Siarkan berikutnya');
      return { disabled: b ? b.disabled : null, reason: (li.querySelector('.reason') || {}).textContent || '' };
    });
    if (r.disabled !== true) return `button disabled: ${r.disabled}`;
    if (!/izin/.test(r.reason)) return `reason: ${r.reason}`;
  });
  await step('the complaint\'s recording plays in the studio', async () => {
    const played = await desk.evaluate(async () => {
      const a = document.querySelector('#complaints audio');
      a.muted = true;
      await a.play();
      await new Promise((res) => setTimeout(res, 700));
      return a.currentTime;
    });
    if (!(played > 0.2)) return `currentTime ${played}`;
  });

  // ---- the cart wall ----
  await step('the cart wall has the jingle and the PSA as large buttons', async () => {
    await desk.waitForFunction(() => document.querySelectorAll('#carts .cart button.play').length === 2);
    const h = await desk.evaluate(() => Math.min(...Array.from(document.querySelectorAll('#carts button.play')).map((b) => b.getBoundingClientRect().height)));
    if (h < 50) return `height ${h}`;
  });
  // the cart must still be waiting when it is removed: start with time left
  const timeLeft = () => desk.waitForFunction(() => {
    const m = /^(\d+):(\d\d)$/.exec(document.getElementById('onair-left').textContent);
    return m && Number(m[1]) * 60 + Number(m[2]) >= 15;
  }, null, { timeout: 60000 });
  await timeLeft();
  await step('a cart tap queues it: feedback on the cart, then it is in the timeline and the inserts', async () => {
    const cart = desk.locator('#carts .cart', { hasText: 'Jingle Radio Uji' });
    await cart.locator('button.play').click();
    await desk.waitForFunction(() => Array.from(document.querySelectorAll('#carts .cart'))
      .some((c) => /Jingle Radio Uji/.test(c.textContent) && /Diantrekan berikutnya/.test(c.querySelector('.fb').textContent)));
    await desk.waitForFunction(() => /Jingle Radio Uji/.test(document.getElementById('timeline').textContent) &&
      /Jingle Radio Uji · berikutnya/.test(document.getElementById('inserts').textContent), null, { timeout: 5000 });
  });
  await desk.screenshot({ path: path.join(OUT, 'studio-1366x768.png') });
  await step('a queued insert is removed from the studio', async () => {
    await desk.locator('#inserts li', { hasText: 'Jingle Radio Uji' }).locator('button.remove').click();
    await desk.waitForFunction(() => document.querySelectorAll('#inserts li').length === 0 &&
      !/Jingle Radio Uji/.test(document.getElementById('timeline').textContent), null, { timeout: 5000 });
  });
  await step('a long press on a cart asks before airing it now', async () => {
    const b = desk.locator('#carts .cart', { hasText: 'ILM DBD' }).locator('button.play');
    const box = await b.boundingBox();
    await desk.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await desk.mouse.down();
    await desk.waitForSelector('#carts .cart:has-text("ILM DBD") .confirm:not([hidden])');
    await desk.mouse.up();
    await desk.locator('#carts .cart', { hasText: 'ILM DBD' }).locator('.confirm button', { hasText: 'Batal' }).click();
    const inserts = await desk.evaluate(() => document.querySelectorAll('#inserts li').length);
    if (inserts !== 0) return `${inserts} inserts after a cancelled long press`;
  });
  await englishAndBack(desk, '1366x768');
  await cartAirsAsItsKind(desk, '1366x768');
  await reorderInserts(desk, '1366x768');

  // ---- skip with an undo ----
  await step('"Lewati" waits 5 s with "Batalkan"; pressing it again takes the skip back', async () => {
    // an item may end by itself meanwhile: the engine's skip count tells
    const skips = () => desk.evaluate(() => fetch('/metrics').then((r) => r.text())
      .then((t) => Number(/^siaran_skips_total (\d+)/m.exec(t)[1])));
    const before = await skips();
    await desk.click('#skip');
    await desk.waitForFunction(() => /^Batalkan \(\d\)$/.test(document.getElementById('skip').textContent));
    await desk.click('#skip');
    await desk.waitForFunction(() => document.getElementById('skip-fb').textContent === 'Batal dilewati.');
    await new Promise((r) => setTimeout(r, 6000));
    const after = await skips();
    if (after !== before) return `skips went from ${before} to ${after}`;
  });

  await step('"Lewati" left alone skips after 5 s, with feedback next to it', async () => {
    const skips = () => desk.evaluate(() => fetch('/metrics').then((r) => r.text())
      .then((t) => Number(/^siaran_skips_total (\d+)/m.exec(t)[1])));
    const before = await skips();
    await desk.click('#skip');
    await desk.waitForFunction(() => document.getElementById('skip-fb').textContent === 'Dilewati.', null, { timeout: 15000 });
    // the engine counts the skip when the item's short fade has ended
    let after = before;
    for (let i = 0; i < 50 && after === before; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await skips();
    }
    if (after !== before + 1) return `skips went from ${before} to ${after}`;
  });

  // ---- the emergency sheet ----
  await step('the emergency sheet previews the text and asks to confirm before airing', async () => {
    await desk.click('#sheet-open');
    await desk.waitForSelector('#sheet', { state: 'visible' });
    await desk.fill('#sheet-text', 'Banjir di Desa Sukamaju. Warga diminta mengungsi ke balai desa.');
    await desk.click('#sheet-preview');
    await desk.waitForFunction(() => document.getElementById('sheet-msg').textContent === 'Contoh siap.', null, { timeout: 30000 });
    await desk.click('#sheet-fire');
    await desk.waitForSelector('#sheet-confirm', { state: 'visible' });
    const still = await desk.textContent('#onair-title');
    if (/Pengumuman/.test(still)) return 'aired before the confirm';
  });
  await step('"Ya, siarkan sekarang": the studio shows it on air (server push)', async () => {
    // the moment the title changes, for studio.sh to compare with the as-run
    await desk.evaluate(() => {
      const el = document.getElementById('onair-title');
      window.urgentShownAt = 0;
      new MutationObserver(() => {
        if (!window.urgentShownAt && /^Pengumuman: Banjir/.test(el.textContent)) window.urgentShownAt = Date.now();
      }).observe(el, { childList: true, characterData: true, subtree: true });
    });
    await desk.click('#sheet-confirm');
    await desk.waitForFunction(() => window.urgentShownAt > 0, null, { timeout: 30000 });
    const at = await desk.evaluate(() => window.urgentShownAt);
    fs.writeFileSync(path.join(OUT, 'urgent_shown_ms'), String(at));
    const fb = await desk.textContent('#sheet-fb');
    if (fb !== 'Pengumuman darurat mengudara.') return `feedback: ${fb}`;
  });
  await desk.screenshot({ path: path.join(OUT, 'studio-urgent.png') });

  // ---- a phone: tabs ----
  const phone = await browser.newPage();
  watch(phone, 'phone');
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(BASE + '/panel/studio');
  await step('at 390x844 the studio shows three tabs', async () => {
    await phone.waitForSelector('#studio', { state: 'visible' });
    const tabs = await phone.evaluate(() => Array.from(document.querySelectorAll('[role=tab]'))
      .filter((t) => t.offsetParent !== null).map((t) => t.textContent));
    if (tabs.join('|') !== 'Siaran|Aduan|Pengumuman') return tabs.join('|');
  });
  const visible = (id) => phone.evaluate((i) => document.getElementById(i).offsetParent !== null, id);
  await step('tab Siaran: clock, on air and carts; not the complaints', async () => {
    await phone.waitForFunction(() => /\S/.test(document.getElementById('onair-title').textContent) &&
      document.getElementById('onair-title').textContent !== '–');
    if (!(await visible('clock')) || !(await visible('onair-title')) || !(await visible('carts'))) return 'missing';
    if (await visible('complaints')) return 'complaints shown';
  });
  await phone.screenshot({ path: path.join(OUT, 'studio-390-siaran.png'), fullPage: true });
  await step('tab Aduan: the complaint queue alone', async () => {
    await phone.click('#t-aduan');
    await phone.waitForFunction(() => /Lampu jalan padam/.test(document.getElementById('complaints').textContent));
    if (!(await visible('complaints')) || (await visible('onair-title'))) return 'wrong pane';
    if ((await phone.getAttribute('#t-aduan', 'aria-selected')) !== 'true') return 'tab not selected';
  });
  await phone.screenshot({ path: path.join(OUT, 'studio-390-aduan.png'), fullPage: true });
  await step('tab Pengumuman: the emergency button', async () => {
    await phone.click('#t-pengumuman');
    if (!(await visible('sheet-open')) || (await visible('complaints'))) return 'wrong pane';
  });
  await phone.screenshot({ path: path.join(OUT, 'studio-390-pengumuman.png'), fullPage: true });
  await englishAndBack(phone, '390x844');
  await cartAirsAsItsKind(phone, '390x844');
  await reorderInserts(phone, '390x844');
  await step('at 390x844 no sideways scroll and every visible button is at least 44 px', async () => {
    await phone.click('#t-siaran');
    const [w, inner] = await phone.evaluate(() => [document.scrollingElement.scrollWidth, window.innerWidth]);
    if (w > inner) {
      const wide = await phone.evaluate(() => Array.from(document.querySelectorAll('body *'))
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`).slice(0, 5));
      return `scrollWidth ${w} > ${inner}: ${wide.join(', ')}`;
    }
    const small = await smallTargets(phone);
    if (small.length) return small.slice(0, 4).join('; ');
  });

  await step('no console errors or CSP violations', async () => {
    if (consoleErrors.length) return consoleErrors.slice(0, 3).join(' | ');
  });
} catch (e) {
  notOk('the browser test ran to its end', e.message);
} finally {
  await browser.close();
}
console.log(`# ${failures} failed`);
process.exit(0);
