// Every page of the station, at a phone's size and a desk's, in headless
// Chromium (run by a11y.sh, which starts the station): axe-core finds no
// serious or critical violation, the Indonesian page shows none of a list of
// English words the panel once showed, and each page is saved as a
// screenshot.  Prints TAP lines.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const env = process.env;
const BASE = env.BASE;
const OUT = env.OUT_DIR;
const AXE = fs.readFileSync(env.AXE, 'utf8');
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

// Words and phrases, English or developer terms, that the Indonesian panel
// showed before (issue 17) or that a page would show untranslated.  Matched
// as whole words against the visible text, case-sensitive.
const ENGLISH = ['(now, pending)', 'pending', 'Mount', 'Level', 'Setelah item ini', 'Jendela (menit)',
  'Pudar (detik)', 'Teks (dibacakan mesin)', 'Antrekan', 'Keluaran', 'Minggu mulai',
  'music', 'fallback', 'announcement', 'programme', 'complaint', 'completed', 'skipped_operator',
  'operator_skip', 'staff', 'Listeners', 'Now playing', 'Next', 'Schedule', 'Library', 'Log out',
  'Logout', 'Save', 'Delete', 'Cancel', 'Upload', 'Loading', 'Title', 'Duration', 'Skip',
  'received', 'verified', 'queued', 'aired', 'forwarded', 'rejected', 'Error', 'error', 'None',
  'undefined', 'null', 'NaN', 'Invalid Date', '[object Object]'];

const PAGES = [
  { name: 'public', url: '/' },
  { name: 'board', url: '/suara-warga' },
  { name: 'login', url: '/panel/', loggedOut: true },
  { name: 'dashboard', url: '/panel/' },
  { name: 'studio', url: '/panel/studio', tabs: true },
  { name: 'studio emergency sheet', url: '/panel/studio', open: '#sheet-open', shown: '#sheet', desk: true },
  { name: 'schedule', url: '/panel/schedule' },
  { name: 'schedule show form', url: '/panel/schedule', open: '#new-show', shown: '#show-form', desk: true },
  { name: 'schedule campaign form', url: '/panel/schedule', open: '#new-campaign', shown: '#campaign-form', desk: true },
  { name: 'library', url: '/panel/library' },
  { name: 'asrun', url: '/panel/asrun' },
  { name: 'users', url: '/panel/users' },
];
const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desk', width: 1366, height: 768 },
];

const browser = await chromium.launchPersistentContext(env.PROFILE, {
  executablePath: env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // the pages' Content-Security-Policy forbids inline scripts; axe-core is
  // injected as one, by the test only
  bypassCSP: true,
  viewport: { width: 1366, height: 768 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
browser.setDefaultTimeout(20000);

// The page has drawn what the API gave it: no "loading" state left and the
// network quiet.
async function settle(page) {
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.waitForTimeout(300);
}

async function axeSerious(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}, ${v.nodes.length}x: ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')})`);
}

async function englishShown(page) {
  const body = await page.evaluate(() => document.body.innerText);
  return ENGLISH.filter((w) => {
    const escaped = w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(^|[^\\p{L}_])${escaped}($|[^\\p{L}_])`, 'u').test(body);
  });
}

async function login(page) {
  await page.goto(BASE + '/panel/');
  await page.waitForSelector('#login', { state: 'visible' });
  await page.fill('#login-form input[name=username]', env.ADMIN_USER);
  await page.fill('#login-form input[name=password]', env.ADMIN_PASS);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#login', { state: 'hidden' });
}

async function checkPage(page, label) {
  await step(`${label}: no serious or critical accessibility violation (axe-core)`, async () => {
    const found = await axeSerious(page);
    return found.length ? found.join('; ') : '';
  });
  await step(`${label}: no English word in the Indonesian page`, async () => {
    const found = await englishShown(page);
    return found.length ? `shown: ${found.join(', ')}` : '';
  });
  await page.screenshot({ path: path.join(OUT, `${label}.png`), fullPage: false });
}

try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => notOk('a page ran without a script error', e.message));
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    for (const p of PAGES.filter((x) => x.loggedOut)) {
      await page.goto(BASE + p.url);
      await settle(page);
      await checkPage(page, `${p.name} ${size.name}`);
    }
  }
  await login(page);
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    for (const p of PAGES.filter((x) => !x.loggedOut && (!x.desk || size.name === 'desk'))) {
      await page.goto(BASE + p.url);
      await settle(page);
      const label = `${p.name} ${size.name}`;
      if (p.open) {
        await page.click(p.open);
        await page.waitForSelector(p.shown, { state: 'visible' });
      }
      if (p.tabs && size.name === 'phone') {
        const tabs = await page.$$eval('[role=tab]', (els) => els.filter((e) => e.offsetParent !== null).map((e) => e.id));
        if (!tabs.length) notOk(`${label}: the studio is tabs on a phone`, 'no visible tab');
        for (const id of tabs) {
          await page.click('#' + id);
          await page.waitForTimeout(200);
          await checkPage(page, `${label} ${id}`);
        }
      } else {
        await checkPage(page, label);
      }
    }
  }
} catch (e) {
  notOk('the accessibility run', e.message);
} finally {
  await browser.close();
}
console.log(`# ${failures} failed`);
process.exit(0);
