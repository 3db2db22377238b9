// Debian's Chromium driven by playwright-core: never a downloaded browser.
import { mkdirSync, readFileSync } from 'node:fs';
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
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${name}: axe finds serious or critical violations:\n${JSON.stringify(bad, null, 2)}`);
  return result;
}

// check checks a main page the way every test does: screenshot, axe, no
// CSP violation.
export async function check(page, name) {
  await page.waitForLoadState('networkidle');
  await shot(page, name);
  await axe(page, name);
  assert.deepEqual(cspViolations(page), [], `${name}: the CSP refused something`);
}
