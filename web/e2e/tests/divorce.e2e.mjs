// A divorce withdrawn during the cooling-off period: a married couple apply
// and are accepted at the office; during the 30 days a spouse comes back to
// the office, where the registrar records the withdrawal with the signed
// statement; the spouses see the case withdrawn in the portal.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { people } from '../fixtures.mjs';
import { check, finish, input, launch, person, signIn, tid } from '../lib/browser.mjs';
import { act, applyForDivorce, getCase, marry } from '../lib/cases.mjs';
import { mint, tokenFor } from '../lib/server.mjs';

let browser;
before(async () => { browser = await launch(); });
after(() => finish(browser, import.meta.url));

test('a divorce is withdrawn during cooling-off', async () => {
  const { husband2: h, wife2: w, registrar } = people;
  h.token = mint(h.subject, h.name);
  w.token = mint(w.subject, w.name);
  await marry(h, w);
  const st = await applyForDivorce(h, w);
  // Both appear at the office, which accepts the application in person.
  const accepted = await act(tokenFor(registrar), st.caseId, 'accept');
  assert.equal(accepted.stage, 'cooling-off');

  // The husband follows it in the portal: the cooling-off period and its last day.
  const a = await person(browser);
  await signIn(a, h);
  await tid(a, `case-row-${st.caseId}`).click();
  await a.waitForURL(`**/portal/cases/${st.caseId}`);
  await tid(a, 'case-stage').getByText('离婚冷静期').waitFor();
  await tid(a, 'case-due').waitFor();
  // Withdrawing is done in person, recorded by the registrar: no button here.
  assert.equal(await tid(a, 'action-withdraw').count(), 0, 'the portal offers the registrar\'s withdrawal');
  await check(a, 'portal-divorce-cooling-off');

  const r = await person(browser);
  await signIn(r, registrar);
  await r.goto(`/work/cases/${st.caseId}`);
  await tid(r, 'action-withdraw').click();
  await tid(r, 'action-dialog').waitFor();
  await input(r, 'action-attachment-0-title').fill('撤回离婚登记申请书');
  await input(r, 'action-attachment-0-reference').fill('dms://2026/divorce/withdrawal-0001');
  await check(r, 'work-withdraw-dialog');
  await tid(r, 'action-confirm').click();
  await tid(r, 'action-withdraw').waitFor({ state: 'detached' });
  const now = await getCase(h.token, st.caseId);
  assert.equal(now.stage, 'withdrawn', `stage after withdrawal: ${now.stage}`);

  await a.reload();
  await tid(a, 'case-stage').getByText(/撤回/).first().waitFor();
  await tid(a, 'case-timeline').getByText(/撤回/).first().waitFor();
  await check(a, 'portal-divorce-withdrawn');
});
