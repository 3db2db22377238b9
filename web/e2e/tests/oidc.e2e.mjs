// An OIDC sign-in: a registrar without a local account signs in through
// the identity provider (Authorization Code with PKCE) and gets the roles
// the staff directory gives them, not any the provider might assert.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { people } from '../fixtures.mjs';
import { check, finish, launch, person, tid } from '../lib/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(() => finish(browser, import.meta.url));

test('a registrar signs in through the identity provider', async () => {
  const p = people.oidcRegistrar;
  const page = await person(browser);
  await page.goto('/login');
  await check(page, 'login');
  await tid(page, 'login-oidc').click();
  await page.waitForURL((u) => u.href.startsWith(process.env.OIDC_ISSUER));
  await page.fill('#sub', p.subject);
  await page.fill('#name', p.name);
  await page.click('#approve');
  await page.waitForURL((u) => u.pathname.startsWith('/work'));
  const session = await page.evaluate(async () => (await fetch('/v1/session')).json());
  assert.equal(session.subject, p.subject);
  assert.deepEqual(session.roles, p.roles);
  await tid(page, 'signout').click();
  await page.waitForURL((u) => u.pathname === '/login');
  assert.equal(await page.evaluate(async () => (await fetch('/v1/session')).status), 401, 'the session outlives sign-out');
});
