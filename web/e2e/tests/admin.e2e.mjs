// The administrator's pages: the staff directory within their jurisdiction
// and the procedures with their diagrams.
import { after, before, test } from 'node:test';
import { people } from '../fixtures.mjs';
import { check, finish, launch, person, signIn, tid } from '../lib/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(() => finish(browser, import.meta.url));

test('an admin sees the staff directory and a procedure diagram', async () => {
  const page = await person(browser);
  await signIn(page, people.admin);
  await page.goto('/admin/staff');
  const table = tid(page, 'staff-table');
  await page.getByRole('textbox').first().fill(people.registrar.subject);
  await page.getByRole('textbox').first().press('Enter');
  await table.getByText(people.registrar.subject).first().waitFor();
  await check(page, 'admin-staff');
  await page.goto('/admin/procedures');
  await check(page, 'admin-procedures');
  await page.getByRole('cell', { name: '结婚登记' }).first().click();
  await tid(page, 'procedure-diagram').locator('svg').first().waitFor();
  await check(page, 'admin-procedure-diagram');
});
