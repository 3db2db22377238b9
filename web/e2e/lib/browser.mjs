// Debian's Chromium driven by playwright-core: never a downloaded browser.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { baseURL } from './server.mjs';
import { password } from '../fixtures.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const artifacts = process.env.E2E_ARTIFACTS ?? join(here, '..', 'artifacts');
mkdirSync(artifacts, { recursive: true });

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// launch starts headless Chromium. playwright-core's launch gives it a new,
// empty --user-data-dir of its own and removes it on close.
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    chromiumSandbox: false,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const open = [];

// finish writes the last state of every page a test file opened (what a
// failure left on screen) as <file>-last-<n>.png and closes the browser.
export async function finish(browser, file) {
  const tag = file.split('/').pop().replace(/\.e2e\.mjs$/, '');
  await Promise.all(open.map((p, i) => (p.isClosed() ? null
    : p.screenshot({ path: join(artifacts, `${tag}-last-${i}.png`), fullPage: true }).catch(() => null))));
  const problems = open.flatMap((p, i) => p.problems.map((x) => `${i}: ${x}`));
  if (problems.length) writeFileSync(join(artifacts, `${tag}-console.txt`), `${problems.join('\n')}\n`);
  await browser?.close();
}

// person opens a browser context of one's own (cookies apart from the
// others'), in Chinese and China time as an office's machine would be. Every
// console error and refused request is kept: the CSP must not block the
// console's own scripts, and a page must not fail behind the tester's back.
export async function person(browser, { width = 1366, height = 900, mobile = false } = {}) {
  const context = await browser.newContext({
    baseURL, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
    viewport: { width, height }, isMobile: mobile, hasTouch: mobile,
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  open.push(page);
  page.problems = [];
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  return page;
}

// cspViolations are the console errors that name the Content Security Policy.
export const cspViolations = (page) => page.problems.filter((p) => /Content Security Policy/i.test(p));

// tid finds an element by its data-testid, the hooks the console keeps for tests.
export const tid = (page, id) => page.getByTestId(id);

// signIn signs a fixture person in with their local account and waits
// until the console has left the sign-in page.
export async function signIn(page, p) {
  await page.goto('/login');
  await input(page, 'login-username').fill(p.username);
  await input(page, 'login-password').fill(password(p));
  await tid(page, 'login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

// input finds the fillable element of a form hook, whether the test id sits
// on the input itself or on a component around it.
export function input(page, id) {
  const hook = tid(page, id);
  return hook.locator('input, textarea').or(hook.and(page.locator('input, textarea'))).first();
}

// shot writes a full-page screenshot to the artifacts.
export async function shot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

// axe runs axe-core in the page and fails on any serious or critical
// violation. It is evaluated through the debugging protocol, so the page's
// CSP (no inline scripts) stays as strict as in production.
export async function axe(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ').trim()} ${n.html.slice(0, 120)}`),
    }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (process.env.E2E_AXE === 'report' && bad.length) {
    // For working on a flow while the colours are being fixed; CI never sets it.
    console.log(`${name}: axe: ${JSON.stringify(bad)}`);
    return result;
  }
  assert.ok(bad.length === 0, `${name}: axe finds serious or critical violations:\n${JSON.stringify(bad, null, 2)}`);
  return result;
}

// settle waits until the page has loaded and nothing has been fetched for
// a moment (the console polls notifications, so the network is never idle
// for long) and Element Plus has no loading mask up.
export async function settle(page) {
  await page.waitForLoadState('load');
  await page.waitForFunction(() => !document.querySelector('.el-loading-mask'));
  await page.evaluate(() => new Promise((resolve) => {
    let last = performance.getEntriesByType('resource').length;
    let quiet = 0;
    const t = setInterval(() => {
      const n = performance.getEntriesByType('resource').length;
      quiet = n === last ? quiet + 1 : 0;
      last = n;
      if (quiet >= 3) { clearInterval(t); resolve(); }
    }, 100);
  }));
}

// check checks a main page the way every test does: screenshot, axe, no
// CSP violation.
export async function check(page, name) {
  await settle(page);
  await shot(page, name);
  await axe(page, name);
  assert.deepEqual(cspViolations(page), [], `${name}: the CSP refused something`);
}

// fill sets a generated form's field (its JSON pointer with dashes, as the
// console's test ids name them): text is typed, booleans are ticked.
export async function fill(page, pointer, value) {
  const hook = tid(page, `field-${pointer}`);
  if (typeof value === 'boolean') {
    const box = hook.locator('input[type=checkbox]').or(hook.and(page.locator('input[type=checkbox]'))).first();
    // Element Plus hides the native box behind its label: click what a person sees.
    if ((await box.isChecked()) !== value) await hook.click();
    assert.equal(await box.isChecked(), value, `field-${pointer} is not ${value ? 'ticked' : 'cleared'}`);
    return;
  }
  if (await hook.evaluate((el) => el.classList.contains('el-select') || !!el.closest('.el-select'))) {
    // A choice: open the list and pick the option, as a person does.
    await hook.click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: String(value) }).first().click();
    return;
  }
  await input(page, `field-${pointer}`).fill(String(value));
}

// fillForm fills every leaf of value into the generated form, each at its
// JSON pointer (prefix-path-to-leaf, as the test ids name them).
export async function fillForm(page, value, prefix = '') {
  for (const [k, v] of Object.entries(value)) {
    const pointer = prefix ? `${prefix}-${k}` : k;
    if (v !== null && typeof v === 'object') await fillForm(page, v, pointer);
    else await fill(page, pointer, v);
  }
}
