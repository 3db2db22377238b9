// A correction handed in with an amended form: the office asks a social
// group's founder for a correction; the founder opens the case in the
// portal, fills in the corrected form in the dialog and resubmits;
// the case goes on to review with the amended form.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { people } from '../fixtures.mjs';
import { check, fillForm, finish, input, launch, person, signIn, tid } from '../lib/browser.mjs';
import { act, applySocialGroup, getCase } from '../lib/cases.mjs';
import { tokenFor } from '../lib/server.mjs';

let browser;
before(async () => { browser = await launch(); });
after(() => finish(browser, import.meta.url));

test('a founder hands in a correction with the amended form', async () => {
  const f = { ...people.founder, token: tokenFor(people.founder) };
  const st = await applySocialGroup(f, '朝阳路1号');
  const notice = '请一次性补正：住所使用证明与申请书所载住所不符';
  const corr = await act(tokenFor(people.registrar), st.caseId, 'request-correction', { opinion: notice });
  assert.equal(corr.stage, 'correction');

  const page = await person(browser);
  await signIn(page, f);
  await page.goto(`/portal/cases/${st.caseId}`);
  await tid(page, 'case-timeline').getByText(notice).first().waitFor();
  await tid(page, 'action-resubmit').click();
  const dialog = tid(page, 'action-dialog');
  await dialog.waitFor();
  // The dialog starts from the form in force, so the founder changes only
  // the domicile the notice asked about.
  assert.equal(await input(page, 'field-organization-domicile').inputValue(), '朝阳路1号', 'the dialog does not start from the submitted form');
  const amended = structuredClone(st.submittedForm);
  amended.organization.domicile = '朝阳路88号';
  await fillForm(page, amended);
  await check(page, 'portal-correction-dialog');
  await tid(page, 'action-confirm').click();
  await tid(page, 'action-resubmit').waitFor({ state: 'detached' });

  const now = await getCase(f.token, st.caseId);
  assert.notEqual(now.stage, 'correction', 'the case is still in correction');
  assert.equal(now.amendedForm?.organization?.domicile, '朝阳路88号', 'the case does not hold the amended form');
});
