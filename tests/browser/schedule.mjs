// The schedule calendar and the public programme list in headless Chromium
// (run by schedule.sh, which starts the station).  Prints TAP lines.  Waits
// for states, never for fixed times.
import { chromium } from 'playwright-core';
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

const errors = [];
const browser = await chromium.launchPersistentContext(env.PROFILE, {
  executablePath: env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1366, height: 900 },
  timezoneId: 'Asia/Jakarta',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
browser.setDefaultTimeout(20000);

// a block's place in its column, in minutes (px / px-per-minute)
async function place(page, selector) {
  return page.evaluate((sel) => {
    const b = document.querySelector(sel);
    if (!b) return null;
    const col = b.closest('.cal-col');
    const ppm = Number(document.getElementById('grid').dataset.pxPerMinute);
    const r = b.getBoundingClientRect(), c = col.getBoundingClientRect();
    return { top: (r.top - c.top) / ppm, height: r.height / ppm, left: r.left, right: r.right,
      colHeight: c.height / ppm, date: col.dataset.date, cls: b.className, text: b.textContent };
  }, selector);
}
const near = (a, b) => Math.abs(a - b) <= 1.5; // minutes (borders and rounding)
const todayBlock = (id) => `.cal-col[data-date="${env.TODAY}"] .block[data-show="${id}"]`;

try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  if (env.DEBUG_PUT) page.on('request', (r) => { if (r.method() === 'PUT') console.log('# PUT ' + r.postData()); });
  // the page's writes to shows, for the steps that check how a change is sent
  const writes = [];
  page.on('request', (r) => {
    if (r.method() !== 'GET' && r.url().includes('/api/v1/shows')) writes.push(r.method() + ' ' + new URL(r.url()).pathname);
  });
  await page.goto(BASE + '/panel/schedule');
  await step('the operator logs in and the week grid is drawn', async () => {
    const status = await page.evaluate(async ([u, p]) => (await fetch('/api/v1/session', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: u, password: p }) })).status, [env.OP_USER, env.OP_PASS]);
    if (status !== 200) return `login ${status}`;
    await page.goto(BASE + '/panel/schedule');
    await page.waitForSelector('#grid[data-ready="1"]');
    const cols = await page.locator('.cal-col').count();
    if (cols !== 7) return `${cols} day columns`;
  });
  await page.screenshot({ path: path.join(OUT, 'week-1366.png'), fullPage: true });

  await step('a show is a block at its start, as tall as its duration (07:00, 60 min)', async () => {
    const p = await place(page, todayBlock(2));
    if (!p || !near(p.top, 420) || !near(p.height, 60)) return JSON.stringify(p);
  });
  await step('the all-day show spans its column and reads 00:00–24:00', async () => {
    const p = await place(page, todayBlock(1));
    if (!p || !near(p.top, 0) || !near(p.height, 1440) || !near(p.colHeight, 1440)) return JSON.stringify(p);
    if (!p.text.includes('00:00–24:00')) return p.text;
  });
  await step('overlapping shows sit side by side and the later start is marked as airing', async () => {
    const a = await place(page, todayBlock(1)), b = await place(page, todayBlock(2));
    if (!(a.right <= b.left || b.right <= a.left)) return `blocks overlap: ${a.left}-${a.right} and ${b.left}-${b.right}`;
    if (!b.cls.includes('wins') || !b.text.startsWith('★')) return `Kabar Pagi: ${b.cls} ${b.text}`;
    const hatch = await page.evaluate((sel) => {
      const h = document.querySelector(sel + ' .hatch');
      const ppm = Number(document.getElementById('grid').dataset.pxPerMinute);
      return h ? [h.offsetTop / ppm, h.offsetHeight / ppm] : null;
    }, todayBlock(1));
    if (!hatch || !near(hatch[0], 420) || !near(hatch[1], 60)) return `the beaten stretch of the all-day show: ${hatch}`;
    const legend = await page.textContent('#legend');
    if (!/mengudara/.test(legend) || !/Musik \(rotasi\)/.test(legend)) return legend;
  });
  await step('PSA slots at their times: hard solid at 09:30, soft outlined 12:00 for its window', async () => {
    const r = await page.evaluate((d) => {
      const ppm = Number(document.getElementById('grid').dataset.pxPerMinute);
      const col = document.querySelector(`.cal-col[data-date="${d}"]`);
      return Array.from(col.querySelectorAll('.psa')).map((m) => [m.className, m.offsetTop / ppm,
        m.offsetHeight / ppm, getComputedStyle(m).backgroundColor]);
    }, env.TODAY);
    const hard = r.find((x) => x[0].includes('hard')), soft = r.find((x) => x[0].includes('soft'));
    if (!hard || !near(hard[1], 570)) return JSON.stringify(r);
    if (!soft || !near(soft[1], 720) || !near(soft[2], 10)) return JSON.stringify(r);
    if (soft[3] === hard[3]) return `soft and hard look alike: ${soft[3]}`;
  });
  await step('a now line in today\'s column at the station\'s time', async () => {
    const r = await page.evaluate((d) => {
      const line = document.querySelector(`.cal-col[data-date="${d}"] .now-line`);
      const ppm = Number(document.getElementById('grid').dataset.pxPerMinute);
      const now = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Jakarta', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
        .format(new Date()).split(':');
      return line ? [line.offsetTop / ppm, Number(now[0]) * 60 + Number(now[1])] : null;
    }, env.TODAY);
    if (!r || Math.abs(r[0] - r[1]) > 2) return JSON.stringify(r);
  });

  await step('clicking an empty slot opens the create form at that day and time (16:00)', async () => {
    const col = page.locator(`.cal-col[data-date="${env.TODAY}"]`);
    const box = await col.boundingBox();
    const ppm = 0.75;
    await page.evaluate(([d, y]) => window.scrollTo(0, document.querySelector(`.cal-col[data-date="${d}"]`)
      .getBoundingClientRect().top + window.scrollY + y - 300), [env.TODAY, 970 * ppm]);
    const b2 = await col.boundingBox();
    await page.mouse.click(b2.x + b2.width * 0.72, b2.y + 970 * ppm);
    await page.waitForSelector('#show-card', { state: 'visible' });
    const f = await page.evaluate(() => {
      const form = document.getElementById('show-form');
      return [form.elements.start.value,
        Array.from(form.querySelectorAll('input[name=day]')).filter((x) => x.checked).map((x) => x.value).join(',')];
    });
    if (f[0] !== '16:00' || f[1] !== env.DOW) return `start ${f[0]}, days ${f[1]} (today ${env.DOW}; box ${box.y})`;
  });
  await step('a rotation of an empty category warns in Indonesian; a category with tracks does not', async () => {
    await page.fill('#show-form input[name=name]', 'Sore Santai');
    await page.selectOption('#show-form select[name=content]', 'rotation');
    await page.fill('#show-form input[name=categories]', 'pop daerah');
    await page.waitForSelector('#rotation-warning', { state: 'visible' });
    const text = await page.textContent('#rotation-warning');
    const want = "Rotasi ini kosong: kategori 'pop daerah' tidak punya lagu; yang mengudara adalah playlist cadangan";
    if (text.trim() !== want) return text;
    const picker = await page.textContent('#cat-pick');
    if (!/pop · 1 lagu/.test(picker)) return `picker: ${picker}`;
    await page.fill('#show-form input[name=categories]', '');
    await page.check('#cat-pick input[value=pop]');
    await page.waitForSelector('#rotation-warning', { state: 'hidden' });
    if (await page.inputValue('#show-form input[name=categories]') !== 'pop') return 'the picker did not fill the field';
  });
  await step('saving the form puts the new show on the grid at 16:00', async () => {
    await page.click('#show-form button[type=submit]');
    await page.waitForSelector('#show-card', { state: 'hidden' });
    await page.waitForFunction((d) => Array.from(document.querySelectorAll(`.cal-col[data-date="${d}"] .block`))
      .some((b) => b.textContent.includes('Sore Santai')), env.TODAY);
    const top = await page.evaluate((d) => {
      const b = Array.from(document.querySelectorAll(`.cal-col[data-date="${d}"] .block`)).find((x) => x.textContent.includes('Sore Santai'));
      return (b.getBoundingClientRect().top - b.closest('.cal-col').getBoundingClientRect().top) / 0.75;
    }, env.TODAY);
    if (!near(top, 960)) return `top ${top}`;
  });

  // the grid is stable: drawn, no save or reload under way, no redraw waiting
  const settled = () => page.waitForSelector('#grid[data-ready="1"]:not([data-busy])');
  // scope: the answer to "Semua minggu / Hanya tanggal ini" a weekly show asks
  // ---- "only this date" ----
  const isoAdd = (iso, n) => new Date(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10) + n))
    .toISOString().slice(0, 10);
  const blockIn = (date, id) => `.cal-col[data-date="${date}"] .block[data-show="${id}"]`;
  const shows = () => page.evaluate(async () => (await (await fetch('/api/v1/shows', { cache: 'no-store' })).json()).shows);
  const oneOffs = async () => (await shows()).filter((x) => x.name === 'Siang Mingguan' && x.days.length === 0)
    .map((x) => x.dates.join(',') + ' ' + x.start + ' ' + x.duration);
  // a weekly show on every day but today (today's public list stays as it is)
  let W = 0, OTHER = '', OTHER2 = '', OTHER3 = '';
  const D3 = isoAdd(env.TODAY, 8), D4 = isoAdd(env.TODAY, 9);
  async function dragBy(selector, dy, grip, dx = 0, scope = null) {
    await settled();
    const el = page.locator(selector + (grip ? ' .grip' : ''));
    await el.scrollIntoViewIfNeeded();
    const box = await el.boundingBox();
    const x = box.x + box.width / 2, y = grip ? box.y + box.height / 2 : box.y + Math.min(12, box.height / 2);
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let i = 1; i <= 5; i++) await page.mouse.move(x + (dx * i) / 5, y + (dy * i) / 5);
    await page.mouse.up();
    if (scope) await page.click(`.scope button[data-scope="${scope}"]`);
  }
  // polls the API until the show matches (page.waitForFunction does not await a promise)
  async function waitShow(id, pred, what) {
    const deadline = Date.now() + 15000;
    let last = null;
    while (Date.now() < deadline) {
      last = await page.evaluate(async (n) => (await fetch('/api/v1/shows/' + n, { cache: 'no-store' })).json(), id);
      if (pred(last)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`show ${id} never ${what}: start ${last && last.start}, duration ${last && last.duration}, days ${last && last.days}`);
  }
  const showStart = (id) => page.evaluate(async (n) => {
    const s = await (await fetch('/api/v1/shows/' + n, { cache: 'no-store' })).json();
    return s.start + ' ' + s.duration;
  }, id);
  await step('dragging a block an hour down moves it: the API then answers 08:00', async () => {
    await dragBy(todayBlock(2), 60 * 0.75, false, 0, 'all');
    await waitShow(2, (x) => x.start === '08:00', 'started at 08:00');
    await page.waitForFunction((sel) => {
      const b = document.querySelector(sel);
      return b && Math.abs((b.getBoundingClientRect().top - b.closest('.cal-col').getBoundingClientRect().top) / 0.75 - 480) < 2;
    }, todayBlock(2));
    if (await page.locator('.cal-col[data-date] .block[data-show="2"] .refusal').count()) return 'a refusal shown';
  });
  await step('dragging its lower edge resizes it: the API then answers 90 minutes', async () => {
    await dragBy(todayBlock(2), 30 * 0.75, true, 0, 'all');
    await waitShow(2, (x) => x.duration === 90, 'lasted 90 min');
    const p = await place(page, todayBlock(2));
    if (!near(p.top, 480) || !near(p.height, 90)) return JSON.stringify(p);
    const s = await showStart(2);
    if (s !== '08:00 90') return s;
  });
  await step('a refused move puts the block back with the reason in Indonesian beside it', async () => {
    await dragBy(todayBlock(3), 60 * 0.75, false, 0, 'all');
    await page.waitForSelector(todayBlock(3) + ' .refusal');
    const text = await page.textContent(todayBlock(3) + ' .refusal');
    if (!/^Ditolak: rotasi kosong, kategori 'pop daerah' tidak punya lagu\.$/.test(text)) return text;
    const p = await place(page, todayBlock(3));
    if (!near(p.top, 840)) return `top ${p.top}`;
    if (await showStart(3) !== '14:00 60') return await showStart(3);
  });
  await step('dragging a weekly show onto the next day moves its weekday (same time)', async () => {
    const dow = Number(env.DOW), dir = dow === 0 ? -1 : 1; // Sunday is the last column
    const width = await page.evaluate(() => document.querySelector('.cal-col').getBoundingClientRect().width);
    await dragBy(todayBlock(4), 0, false, dir * width, 'all');
    const want = String((dow + dir + 7) % 7);
    await waitShow(4, (x) => x.days.join(',') === want && x.start === '16:00', `moved to day ${want}`);
    await page.waitForSelector(`.cal-col:not([data-date="${env.TODAY}"]) .block[data-show="4"]`);
    if (await page.locator(todayBlock(4)).count()) return 'still on today';
  });
  await page.screenshot({ path: path.join(OUT, 'after-drag-1366.png'), fullPage: true });
  await step('the block opens its edit form with the keyboard', async () => {
    await page.focus(todayBlock(2));
    await page.keyboard.press('Enter');
    await page.waitForSelector('#show-card', { state: 'visible' });
    if (await page.inputValue('#show-form input[name=name]') !== 'Kabar Pagi') return 'another show';
    await page.click('#show-cancel');
  });
  await step('copying a show to other days makes a new show there; the original stays', async () => {
    const dow = Number(env.DOW), other = (dow + 2) % 7;
    await page.click(todayBlock(3));
    await page.waitForSelector('#show-card', { state: 'visible' });
    await page.click('#show-copy');
    await page.waitForSelector('#show-copying', { state: 'visible' });
    await page.check(`#show-form input[name=day][value="${other}"]`);
    await page.fill('#show-form input[name=categories]', 'pop');
    await page.click('#show-form button[type=submit]');
    await page.waitForSelector('#show-card', { state: 'hidden' });
    const list = await page.evaluate(async () => (await (await fetch('/api/v1/shows', { cache: 'no-store' })).json()).shows
      .filter((x) => x.name === 'Pop Daerah').map((x) => x.id + ':' + x.days.join(',') + ':' + x.start));
    if (list.length !== 2 || list[0] !== `3:${dow}:14:00` || list[1] !== `5:${other}:14:00`) return JSON.stringify(list);
  });
  await step('a new campaign defaults to soft timing', async () => {
    await page.click('#new-campaign');
    await page.waitForSelector('#campaign-card', { state: 'visible' });
    const t = await page.inputValue('#campaign-form select[name=timing]');
    await page.click('#campaign-cancel');
    if (t !== 'soft') return t;
  });
  await step('switched to English, the grid\'s own words follow; switched back, Indonesian again', async () => {
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    const en = [await page.textContent('#legend'), await page.textContent('#view-week'), await page.getAttribute(todayBlock(2), 'title')];
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'id');
    const id = await page.textContent('#view-week');
    if (!/Music \(rotation\)/.test(en[0]) || en[1] !== 'Week' || !/holds the air/.test(en[2]) || id !== 'Minggu')
      return JSON.stringify([en, id]);
    if (errors.length) return errors.join('; ');
  });
  await step('a weekly show dragged with "Hanya tanggal ini" moves that date only; the other days and weeks keep it', async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    const days = [0, 1, 2, 3, 4, 5, 6].filter((d) => d !== Number(env.DOW));
    const made = await page.evaluate((d) => Manage.send('POST', '/api/v1/shows', { name: 'Siang Mingguan', days: d,
      start: '11:00', duration: 60, content: 'rotation', categories: ['pop'] }), days);
    W = made.id;
    await page.reload();
    await page.waitForSelector('#grid[data-ready="1"]');
    const cols = await page.evaluate(() => Array.from(document.querySelectorAll('.cal-col')).map((c) => c.dataset.date));
    [OTHER, OTHER2, OTHER3] = cols.filter((d) => d !== env.TODAY);
    await dragBy(blockIn(OTHER, W), 60 * 0.75, false);
    await page.waitForSelector('.scope button[data-scope="only"]');
    const words = await page.$$eval('.scope button', (l) => l.map((b) => [b.textContent, b.getBoundingClientRect().height]));
    await page.screenshot({ path: path.join(OUT, 'only-this-date-ask-1366.png') });
    if (words.map((w) => w[0]).join('|') !== 'Semua minggu|Hanya tanggal ini|Batal') return JSON.stringify(words);
    if (words.some((w) => w[1] < 44)) return `tap targets: ${JSON.stringify(words)}`;
    writes.length = 0;
    await page.click('.scope button[data-scope="only"]');
    await waitShow(W, (x) => x.except_dates.join(',') === OTHER && x.start === '11:00' && x.duration === 60,
      `excepted ${OTHER} only`);
    const list = await oneOffs();
    if (list.join(';') !== `${OTHER} 12:00 60`) return `one-offs: ${JSON.stringify(list)}`;
    if (writes.join(';') !== `POST /api/v1/shows/${W}/dates/${OTHER}/move`) return `sent as: ${JSON.stringify(writes)}`;
    await settled();
    if (await page.locator(blockIn(OTHER, W)).count()) return 'the weekly show still drawn on the moved date';
    const moved = await page.evaluate((d) => Array.from(document.querySelectorAll(`.cal-col[data-date="${d}"] .block`))
      .filter((b) => b.textContent.includes('Siang Mingguan'))
      .map((b) => [(b.getBoundingClientRect().top - b.closest('.cal-col').getBoundingClientRect().top) / 0.75, b.textContent]), OTHER);
    if (moved.length !== 1 || !near(moved[0][0], 720) || !/tanggal khusus/.test(moved[0][1])) return `moved: ${JSON.stringify(moved)}`;
    const kept = await place(page, blockIn(OTHER2, W));
    if (!kept || !near(kept.top, 660) || !near(kept.height, 60)) return `another day: ${JSON.stringify(kept)}`;
    await page.screenshot({ path: path.join(OUT, 'only-this-date-1366.png'), fullPage: true });
    await page.click('#week-next');
    await settled();
    const nextWeek = await place(page, blockIn(isoAdd(OTHER, 7), W));
    await page.click('#week-prev');
    if (!nextWeek || !near(nextWeek.top, 660)) return `the next week: ${JSON.stringify(nextWeek)}`;
  });
  await step('"Hapus hanya tanggal ini" from a block takes that date off; the form lists it and "Pulihkan" puts it back', async () => {
    await settled();
    await page.click(blockIn(OTHER2, W));
    await page.waitForSelector('#show-skip-date', { state: 'visible' });
    const label = await page.textContent('#show-skip-date');
    if (!label.startsWith('Hapus hanya tanggal ini (') || !label.includes(OTHER2.slice(8) + '/' + OTHER2.slice(5, 7))) return label;
    writes.length = 0;
    await page.click('#show-skip-date');
    const both = [OTHER, OTHER2].sort().join(',');
    await waitShow(W, (x) => x.except_dates.join(',') === both, `excepted ${both}`);
    await page.waitForSelector('#show-card', { state: 'hidden' });
    await settled();
    if (await page.locator(blockIn(OTHER2, W)).count()) return 'still drawn on the removed date';
    if (!(await page.locator(blockIn(OTHER3, W)).count())) return 'gone from the other days too';
    await page.click(blockIn(OTHER3, W));
    await page.waitForSelector('#show-except-box', { state: 'visible' });
    const listed = await page.$$eval('#show-excepts li', (l) => l.map((x) => x.textContent));
    await page.locator('#show-except-box').screenshot({ path: path.join(OUT, 'excepts-1366.png') });
    if (listed.length !== 2 || !listed.every((t) => /Pulihkan$/.test(t))) return JSON.stringify(listed);
    await page.click(`#show-excepts button[data-date="${OTHER2}"]`);
    await waitShow(W, (x) => x.except_dates.join(',') === OTHER, `restored ${OTHER2}`);
    const sent = [`DELETE /api/v1/shows/${W}/dates/${OTHER2}`, `POST /api/v1/shows/${W}/dates/${OTHER2}/restore`];
    if (writes.join(';') !== sent.join(';')) return `sent as: ${JSON.stringify(writes)}`;
    await page.waitForFunction(() => document.querySelectorAll('#show-excepts li').length === 1);
    await settled();
    const back = await place(page, blockIn(OTHER2, W));
    await page.click('#show-cancel');
    if (!back || !near(back.top, 660)) return `restored block: ${JSON.stringify(back)}`;
  });
  await step('the day view is one column of today', async () => {
    await page.click('#view-day');
    const cols = await page.evaluate(() => Array.from(document.querySelectorAll('.cal-col')).map((c) => c.dataset.date));
    if (cols.length !== 1 || cols[0] !== env.TODAY) return JSON.stringify(cols);
  });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(BASE + '/panel/schedule');
  await page.waitForSelector('#grid[data-ready="1"]');
  await step('on a phone the schedule opens in the day view', async () => {
    const n = await page.locator('.cal-col').count();
    if (n !== 1) return `${n} columns`;
  });
  await page.screenshot({ path: path.join(OUT, 'day-390.png'), fullPage: true });
  await step('on a phone: a weekly show dragged with "Hanya tanggal ini" moves that date only; a week later it is unchanged', async () => {
    await page.fill('#week', D3);
    await page.waitForSelector(blockIn(D3, W));
    await dragBy(blockIn(D3, W), 30 * 0.75, false, 0, 'only');
    await waitShow(W, (x) => x.except_dates.includes(D3), `excepted ${D3}`);
    const list = await oneOffs();
    if (!list.includes(`${D3} 11:30 60`)) return `one-offs: ${JSON.stringify(list)}`;
    await settled();
    if (await page.locator(blockIn(D3, W)).count()) return 'the weekly show still drawn on the moved date';
    const moved = await page.evaluate((d) => Array.from(document.querySelectorAll(`.cal-col[data-date="${d}"] .block`))
      .filter((b) => b.textContent.includes('Siang Mingguan'))
      .map((b) => (b.getBoundingClientRect().top - b.closest('.cal-col').getBoundingClientRect().top) / 0.75), D3);
    if (moved.length !== 1 || !near(moved[0], 690)) return `moved: ${JSON.stringify(moved)}`;
    await page.screenshot({ path: path.join(OUT, 'only-this-date-390.png'), fullPage: true });
    await page.fill('#week', isoAdd(D3, 7));
    await page.waitForSelector(blockIn(isoAdd(D3, 7), W));
    const kept = await place(page, blockIn(isoAdd(D3, 7), W));
    if (!near(kept.top, 660) || !near(kept.height, 60)) return JSON.stringify(kept);
  });
  await step('on a phone: "Hapus hanya tanggal ini" takes one date off', async () => {
    await page.fill('#week', D4);
    await page.waitForSelector(blockIn(D4, W));
    await settled();
    await page.click(blockIn(D4, W));
    await page.waitForSelector('#show-skip-date', { state: 'visible' });
    const h = await page.evaluate(() => document.getElementById('show-skip-date').getBoundingClientRect().height);
    await page.click('#show-skip-date');
    await waitShow(W, (x) => x.except_dates.includes(D4), `excepted ${D4}`);
    await settled();
    if (await page.locator(blockIn(D4, W)).count()) return 'still drawn';
    if (h < 44) return `tap target ${h} px`;
  });

  await step('on a touch screen a finger scrolls the grid over a block and drags it by its name', async () => {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 1 });
    await page.reload();
    await page.waitForSelector('#grid[data-ready="1"]');
    const sel = `.cal-col .block[data-show="2"]`;
    await page.locator(sel).scrollIntoViewIfNeeded();
    const touch = async (type, x, y) => cdp.send('Input.dispatchTouchEvent',
      { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
    const scrollBefore = await page.evaluate(() => window.scrollY);
    let box = await page.locator(sel + ' .b-time').boundingBox();
    let x = box.x + box.width / 2, y = box.y + box.height / 2;
    await touch('touchStart', x, y);
    for (let i = 1; i <= 6; i++) await touch('touchMove', x, y - i * 15);
    await touch('touchEnd', x, y - 90);
    await page.waitForFunction((s0) => window.scrollY > s0, scrollBefore);
    if ((await showStart(2)) !== '08:00 90') return `a swipe moved the show: ${await showStart(2)}`;
    // the swipe's fling scrolls on for a while: measure once the page stands still
    await page.waitForFunction(() => {
      const w = window, y = w.scrollY, t = performance.now();
      if (w.__lastY !== y) { w.__lastY = y; w.__since = t; return false; }
      return t - w.__since > 300;
    }, null, { polling: 50 });
    box = await page.locator(sel + ' .b-name').boundingBox();
    x = box.x + box.width / 2; y = box.y + box.height / 2;
    await touch('touchStart', x, y);
    for (let i = 1; i <= 6; i++) await touch('touchMove', x, y + i * 7.5);
    await touch('touchEnd', x, y + 45);
    await page.click('.scope button[data-scope="all"]');
    await waitShow(2, (v) => v.start === '09:00', 'started at 09:00 after a drag by its name');
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: false });
  });

  const pub = await browser.newPage();
  pub.on('pageerror', (e) => errors.push(e.message));
  await pub.setViewportSize({ width: 390, height: 844 });
  await pub.goto(BASE + '/');
  await step('the public page lists today\'s programmes with host and times', async () => {
    await pub.waitForFunction(() => document.querySelectorAll('#today li').length >= 3);
    const items = await pub.$$eval('#today li', (l) => l.map((x) => x.textContent));
    const want = ['00:00–24:00Sepanjang Hari · bersama Kak Rina', '09:00–10:30Kabar Pagi · bersama Pak Budi',
      '14:00–15:00Pop Daerah'];
    for (let i = 0; i < want.length; i++)
      if (!items[i] || !items[i].startsWith(want[i])) return JSON.stringify(items);
    if (items.length !== 3) return `moved away, yet listed: ${JSON.stringify(items)}`;
    if (items.some((t) => /Lagu Pagi|Lagu Pop/.test(t))) return 'songs listed';
  });
  await step('the live stream has no seek bar: a play/pause button instead', async () => {
    const r = await pub.evaluate(() => [document.getElementById('player').controls, !!document.getElementById('play')]);
    if (r[0] || !r[1]) return JSON.stringify(r);
  });
  await pub.screenshot({ path: path.join(OUT, 'public-390.png'), fullPage: true });
  await step('no script errors on the pages', async () => { if (errors.length) return errors.join('; '); });
} finally {
  await browser.close();
}
process.exit(failures ? 1 : 0);
