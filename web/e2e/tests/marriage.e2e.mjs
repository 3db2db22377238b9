// An applicant and a registrar complete a marriage in the browser: the
// husband signs in, applies and prints the receipt; the registrar finds the
// case in the to-do list and registers it; both spouses then see the
// marriage certificate.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { OFFICE, people } from '../fixtures.mjs';
import { check, fill, finish, launch, person, signIn, tid } from '../lib/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(() => finish(browser, import.meta.url));

test('an applicant and a registrar complete a marriage', async () => {
  const { husband, wife, registrar } = people;
  const a = await person(browser);
  await signIn(a, husband);
  assert.match(new URL(a.url()).pathname, /^\/portal/, 'an applicant lands in the portal');
  await check(a, 'portal-home');

  await a.goto('/portal/new');
  await tid(a, 'procedure-marriage-registration').click();
  await a.waitForURL('**/portal/new/marriage-registration');
  const office = tid(a, 'field-office');
  if (await office.count()) await fill(a, 'office', OFFICE);
  await fill(a, 'applicants-0-name', husband.name);
  await fill(a, 'applicants-0-idNumber', husband.subject);
  await fill(a, 'applicants-1-name', wife.name);
  await fill(a, 'applicants-1-idNumber', wife.subject);
  await fill(a, 'declaration-noSpouse', true);
  await fill(a, 'declaration-noProhibitedKinship', true);
  await fill(a, 'declaration-signedByBoth', true);
  await check(a, 'portal-new-marriage');
  await tid(a, 'form-submit').click();

  const receipt = tid(a, 'receipt');
  await receipt.waitFor();
  const caseId = (await receipt.textContent()).match(/MAR-\d{6}-[\w-]+/)?.[0];
  assert.ok(caseId, 'the receipt names the case');
  await tid(a, 'receipt-print').waitFor();
  await check(a, 'portal-receipt');

  // The registrar's to-do list holds it; the case page offers registration.
  const r = await person(browser);
  await signIn(r, registrar);
  assert.match(new URL(r.url()).pathname, /^\/work/, 'a registrar lands on the workbench');
  if (!new URL(r.url()).pathname.startsWith('/work/todo')) await r.goto('/work/todo');
  const row = tid(r, `case-row-${caseId}`);
  await row.waitFor();
  await check(r, 'work-todo');
  await row.click();
  await r.waitForURL(`**/work/cases/${caseId}`);
  await tid(r, 'case-stage').waitFor();
  await check(r, 'work-case');
  await tid(r, 'action-register').click();
  await tid(r, 'action-dialog').waitFor();
  await check(r, 'work-action-dialog');
  await tid(r, 'action-confirm').click();
  const docs = tid(r, 'case-documents');
  await docs.getByText(/J110105-\d{4}-\d{6}/).first().waitFor();
  assert.equal(await tid(r, 'action-register').count(), 0, 'a registered case offers no registration');

  // Both spouses see the certificates, the wife in a session of her own.
  for (const [page, who] of [[a, 'husband'], [await person(browser), 'wife']]) {
    if (who === 'wife') await signIn(page, wife);
    await page.goto(`/portal/cases/${caseId}`);
    await tid(page, 'case-documents').getByText(/J110105-\d{4}-\d{6}/).first().waitFor();
    await tid(page, 'case-timeline').waitFor();
    if (who === 'wife') await check(page, 'portal-case');
  }

  // The portal at phone width: her applications, then the case.
  const phone = await person(browser, { width: 390, height: 844, mobile: true });
  await signIn(phone, wife);
  await tid(phone, `case-row-${caseId}`).waitFor();
  await check(phone, 'portal-phone-list');
  await tid(phone, `case-row-${caseId}`).click();
  await tid(phone, 'case-documents').getByText(/J110105-\d{4}-\d{6}/).first().waitFor();
  await check(phone, 'portal-phone-case');
});
