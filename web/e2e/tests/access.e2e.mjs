// A person without the role sees no button and gets no access by URL: an
// applicant typing the workbench's and the admin pages' addresses, and a
// registrar of another district opening a Chaoyang case, get neither the
// page's data nor its actions, in the console and from the API with the
// same session.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { people } from '../fixtures.mjs';
import { check, finish, launch, person, settle, shot, signIn, tid } from '../lib/browser.mjs';
import { applyForMarriage, couple } from '../lib/cases.mjs';

let browser;
let caseId;
before(async () => {
  browser = await launch();
  const [h, w] = couple(1);
  caseId = (await applyForMarriage(h, w)).caseId;
});
after(() => finish(browser, import.meta.url));

// apiStatus calls the API from the page, with the session cookie only.
const apiStatus = (page, path) => page.evaluate(async (p) => (await fetch(p)).status, path);

test('an applicant sees no staff menu and no staff page by URL', async () => {
  const page = await person(browser);
  await signIn(page, people.husband);
  for (const nav of ['nav-todo', 'nav-done', 'nav-copied', 'nav-deadlines', 'nav-audit', 'nav-stats', 'nav-staff', 'nav-accounts']) {
    assert.equal(await tid(page, nav).count(), 0, `an applicant is shown ${nav}`);
  }
  for (const path of ['/work/todo', '/desk/audit', '/desk/deadlines', '/admin/staff', `/work/cases/${caseId}`]) {
    await page.goto(path);
    await settle(page);
    // The console sends them home to their own applications.
    assert.match(new URL(page.url()).pathname, /^\/portal/, `an applicant opening ${path} is at ${page.url()}`);
    for (const hook of [`case-row-${caseId}`, 'staff-table', 'audit-verify', 'deadline-board', 'action-register', 'case-stage']) {
      assert.equal(await tid(page, hook).count(), 0, `${path} shows an applicant ${hook}`);
    }
  }
  await shot(page, 'access-applicant-at-admin');
  assert.equal(await apiStatus(page, '/v1/me/inbox'), 403);
  assert.equal(await apiStatus(page, `/v1/staff/${people.registrar.subject}`), 403);
  // Not a party: the case does not exist for them.
  assert.equal(await apiStatus(page, `/v1/cases/${caseId}`), 404);
});

test('a registrar of another district gets no Chaoyang case and no action', async () => {
  const page = await person(browser);
  await signIn(page, people.outsider);
  await page.goto('/work/todo');
  await tid(page, 'case-table').waitFor();
  assert.equal(await tid(page, `case-row-${caseId}`).count(), 0, 'another district\'s case is in the to-do list');
  await page.goto(`/work/cases/${caseId}`);
  await settle(page);
  assert.equal(await tid(page, 'action-register').count(), 0, 'another district\'s registrar is offered registration');
  assert.equal(await tid(page, 'case-stage').count(), 0, 'another district\'s case is shown');
  await check(page, 'access-outsider-case');
  assert.equal(await apiStatus(page, `/v1/cases/${caseId}`), 404);
  // Without the CSRF header the session may not act, whatever it holds.
  const status = await page.evaluate(async (id) => (await fetch(`/v1/cases/${id}/actions`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ action: 'register' }),
  })).status, caseId);
  assert.equal(status, 403);
});

test('a supervisor sees the case but no registrar action', async () => {
  const page = await person(browser);
  await signIn(page, people.supervisor);
  await page.goto(`/desk/cases/${caseId}`);
  await tid(page, 'case-stage').waitFor();
  await tid(page, 'case-timeline').waitFor();
  assert.equal(await tid(page, 'action-register').count(), 0, 'a supervisor is offered registration');
  assert.equal(await tid(page, 'action-refuse').count(), 0, 'a supervisor is offered refusal');
  await check(page, 'desk-case');
});
