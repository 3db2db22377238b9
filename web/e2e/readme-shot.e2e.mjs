// Makes the README's picture of the console (docs/console.png): the
// registrar's case page of a marriage just registered. Not part of the test
// run; made with `./run.sh readme-shot.e2e.mjs` when the console changes.
import { after, before, test } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { people } from './fixtures.mjs';
import { finish, launch, person, settle, signIn, tid } from './lib/browser.mjs';
import { act, applyForMarriage, couple } from './lib/cases.mjs';
import { tokenFor } from './lib/server.mjs';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'console.png');
let browser;
before(async () => { browser = await launch(); });
after(() => finish(browser, import.meta.url));

test('README picture', async () => {
  const st = await applyForMarriage(...couple(9));
  await act(tokenFor(people.registrar), st.caseId, 'register');
  const page = await person(browser, { width: 1100, height: 760 });
  await signIn(page, people.registrar);
  await page.goto(`/work/cases/${st.caseId}`);
  await tid(page, 'case-documents').getByText(/J110105-/).first().waitFor();
  await settle(page);
  await page.screenshot({ path: out });
});
