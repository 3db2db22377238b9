// The main pages not visited by a flow: each is opened by the role it is
// for, shows its content, and is screenshotted and checked with axe.
import { after, before, test } from 'node:test';
import { people } from '../fixtures.mjs';
import { check, finish, launch, person, signIn, tid } from '../lib/browser.mjs';
import { applyForMarriage, couple, act } from '../lib/cases.mjs';
import { tokenFor } from '../lib/server.mjs';

let browser;
before(async () => {
  browser = await launch();
  // Something decided, so that the lists and the statistics are not empty.
  const st = await applyForMarriage(...couple(3));
  await act(tokenFor(people.registrar), st.caseId, 'register');
});
after(() => finish(browser, import.meta.url));

test('the registrar\'s lists and notifications', async () => {
  const page = await person(browser);
  await signIn(page, people.registrar);
  for (const [nav, name] of [['nav-done', 'work-done'], ['nav-copied', 'work-copied']]) {
    await tid(page, nav).click();
    await tid(page, 'case-table').waitFor();
    await check(page, name);
  }
  await page.goto('/notifications');
  await tid(page, 'notification-table').waitFor();
  await check(page, 'notifications');
});

test('the supervisor\'s statistics and read log', async () => {
  const page = await person(browser);
  await signIn(page, people.supervisor);
  await tid(page, 'nav-stats').click();
  await page.locator('[data-testid^="stats-chart-"] canvas, [data-testid^="stats-chart-"] svg').first().waitFor();
  await page.waitForTimeout(1200); // ECharts animates for a second; the picture should show the end
  await check(page, 'desk-stats');
  await tid(page, 'nav-reads').click();
  await page.waitForURL('**/desk/reads');
  await check(page, 'desk-reads');
});

test('the admin\'s accounts and calendar', async () => {
  const page = await person(browser);
  await signIn(page, people.admin);
  await tid(page, 'nav-accounts').click();
  await tid(page, 'account-table').getByText(people.registrar.username).first().waitFor();
  await check(page, 'admin-accounts');
  await tid(page, 'nav-calendar').click();
  await page.getByText('2026').first().waitFor();
  await check(page, 'admin-calendar');
});
