// A supervisor verifies the audit chain and sees a case on the deadline
// board: a social group's application waits at intake, where the office
// owes the correction notice within 5 working days.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { OFFICE, people } from '../fixtures.mjs';
import { check, finish, launch, person, signIn, tid } from '../lib/browser.mjs';
import { applySocialGroup } from '../lib/cases.mjs';
import { api, tokenFor } from '../lib/server.mjs';

let browser;
before(async () => { browser = await launch(); });
after(() => finish(browser, import.meta.url));

test('a supervisor verifies the audit chain', async () => {
  const page = await person(browser);
  await signIn(page, people.supervisor);
  assert.match(new URL(page.url()).pathname, /^\/desk/, 'a supervisor lands on the desk');
  await page.goto('/desk/audit');
  await tid(page, 'audit-verify').click();
  const result = tid(page, 'audit-verify-result');
  await result.waitFor();
  const server = await api('GET', '/v1/audit/verify', tokenFor(people.supervisor), undefined, 200);
  assert.equal(server.intact, true, 'the chain of a fresh server is intact');
  const text = await result.textContent();
  assert.match(text, /审计链完整/, `the page does not say the chain is intact: ${text}`);
  assert.doesNotMatch(text, /篡改/);
  // Entries are only added meanwhile, never taken away.
  const shown = Number(/(\d+)\s*条/.exec(text)?.[1] ?? /(\d+)/.exec(text)?.[1]);
  assert.ok(shown > 0 && shown <= server.entries, `the page shows ${shown} entries, the server walked ${server.entries}`);
  await check(page, 'desk-audit-verified');
});

test('a supervisor sees a near-due case on the deadline board', async () => {
  const f = { ...people.founder, token: tokenFor(people.founder) };
  const st = await applySocialGroup(f);
  assert.equal(st.stage, 'intake');
  const page = await person(browser);
  await signIn(page, people.supervisor);
  await page.goto('/desk/deadlines');
  const board = tid(page, 'deadline-board');
  await board.waitFor();
  // The correction notice is due within 5 working days; the board looks 3
  // ahead unless told otherwise.
  await page.getByRole('spinbutton').fill('10');
  await page.getByRole('button', { name: '查询' }).click();
  await tid(board, `case-row-${st.caseId}`).waitFor();
  await board.getByText('朝阳区').or(board.getByText(OFFICE)).first().waitFor();
  await check(page, 'desk-deadlines');
});
