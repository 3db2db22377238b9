// Measurements for the closing note, written to the artifacts and printed,
// not asserted as timings: JavaScript of the console's first load gzipped,
// and the time until a to-do page of 50 rows is rendered on loopback.
// (serve's start-up time is measured by run.sh.) Runs last: its 50 cases
// would fill the to-do lists of the other tests.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { people } from '../fixtures.mjs';
import { artifacts, finish, launch, person, settle, shot, signIn, tid } from '../lib/browser.mjs';
import { applyForMarriage, couple } from '../lib/cases.mjs';

let browser;
before(async () => { browser = await launch(); });
after(() => finish(browser, import.meta.url));

const note = (line) => {
  console.log(`measured: ${line}`);
  appendFileSync(join(artifacts, 'measurements.txt'), `${line}\n`);
};

test('first load of the console: JavaScript gzipped', async () => {
  const page = await person(browser);
  const bodies = [];
  page.on('response', async (r) => {
    if (r.request().resourceType() === 'script' && r.ok()) bodies.push(r.body().catch(() => Buffer.alloc(0)));
  });
  await page.goto('/login');
  await settle(page);
  const all = await Promise.all(bodies);
  const raw = all.reduce((a, b) => a + b.length, 0);
  const gz = all.reduce((a, b) => a + gzipSync(b, { level: 9 }).length, 0);
  assert.ok(all.length > 0, 'the console loads no script');
  note(`first load (/login): ${all.length} scripts, ${(raw / 1024).toFixed(0)} KiB, ${(gz / 1024).toFixed(0)} KiB gzipped (-9)`);

  // The workbench after sign-in adds its own chunks.
  bodies.length = 0;
  await signIn(page, people.registrar);
  await tid(page, 'case-table').waitFor();
  await settle(page);
  const more = await Promise.all(bodies);
  const gz2 = more.reduce((a, b) => a + gzipSync(b, { level: 9 }).length, 0);
  note(`then the workbench: ${more.length} more scripts, ${((gz + gz2) / 1024).toFixed(0)} KiB gzipped in all`);
});

test('to-do page of 50 rows', async () => {
  // 50 applications in the registrar's office, five at a time.
  const ids = [];
  for (let i = 0; i < 50; i += 5) {
    const batch = await Promise.all([0, 1, 2, 3, 4].map(() => applyForMarriage(...couple(2))));
    ids.push(...batch.map((s) => s.caseId));
  }
  const page = await person(browser);
  await signIn(page, people.registrar);
  await page.goto('/work/todo');
  await tid(page, 'case-table').waitFor();
  const size = tid(page, 'page-size');
  if (await size.count()) await size.selectOption?.('50').catch(() => {});
  const timings = [];
  for (let run = 0; run < 3; run++) {
    await page.goto('/work/todo?limit=50');
    // From the start of navigation until 50 rows are in the page and painted.
    const ms = await page.evaluate(() => new Promise((resolve) => {
      const tick = () => {
        if (document.querySelectorAll('[data-testid^="case-row-"]').length >= 50) {
          requestAnimationFrame(() => resolve(performance.now()));
        } else requestAnimationFrame(tick);
      };
      tick();
    }));
    timings.push(Math.round(ms));
  }
  await shot(page, 'work-todo-50');
  note(`to-do page of 50 rows, navigation start to painted, 3 loads: ${timings.join(', ')} ms`);
});
