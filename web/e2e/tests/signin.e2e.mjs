// Local sign-in: a wrong password is refused on the sign-in page with the
// same answer as an unknown name, the right one opens the console by role,
// and signing out ends the session on the server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { people } from '../fixtures.mjs';
import { check, finish, input, launch, person, signIn, tid } from '../lib/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(() => finish(browser, import.meta.url));

const sessionStatus = (page) => page.evaluate(async () => (await fetch('/v1/session')).status);

test('a wrong password and an unknown name get the same refusal', async () => {
  const page = await person(browser);
  await page.goto('/');
  await page.waitForURL((u) => u.pathname === '/login');
  await check(page, 'login');
  const refusal = async (username, pw) => {
    await input(page, 'login-username').fill(username);
    await input(page, 'login-password').fill(pw);
    const answer = page.waitForResponse((r) => r.url().endsWith('/v1/session') && r.request().method() === 'POST');
    await tid(page, 'login-submit').click();
    const r = await answer;
    assert.equal(r.status(), 401);
    await page.getByRole('alert').first().waitFor();
    assert.match(new URL(page.url()).pathname, /^\/login/);
    return (await page.getByRole('alert').first().textContent()).trim();
  };
  const wrong = await refusal(people.registrar.username, 'not-the-password');
  const unknown = await refusal('e2e-nobody', 'not-the-password');
  assert.equal(wrong, unknown, 'the refusal tells a known name from an unknown one');
  await check(page, 'login-refused');
  assert.equal(await sessionStatus(page), 401);
});

test('each role lands on its own area and signing out ends the session', async () => {
  for (const [who, area] of [['husband', '/portal'], ['registrar', '/work'], ['supervisor', '/desk'], ['admin', '/admin']]) {
    const page = await person(browser);
    await signIn(page, people[who]);
    assert.ok(new URL(page.url()).pathname.startsWith(area), `${who} lands on ${page.url()}, want ${area}`);
    const cookies = await page.context().cookies();
    const c = cookies.find((k) => k.name === 'civilflow_session');
    assert.ok(c && c.httpOnly && c.sameSite === 'Strict', `session cookie ${JSON.stringify(c)}`);
    assert.equal(await page.evaluate(() => document.cookie.includes('civilflow_session')), false);
    await tid(page, 'signout').click();
    await page.waitForURL((u) => u.pathname === '/login');
    assert.equal(await sessionStatus(page), 401, `${who}'s session outlives sign-out`);
    await page.context().close();
  }
});
