// The target picker of a transfer lists, from the staff directory, who holds
// a role covering the case's office, and nobody of another district.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { people } from '../fixtures.mjs';
import { finish, launch, person, signIn, tid } from '../lib/browser.mjs';
import { act, applyForMarriage, couple } from '../lib/cases.mjs';
import { tokenFor } from '../lib/server.mjs';

let browser;
before(async () => { browser = await launch(); });
after(() => finish(browser, import.meta.url));

test('a transfer picks its target from the staff covering the office', async () => {
  const { registrar, oidcRegistrar, outsider } = people;
  const [h, w] = couple(7);
  const st = await applyForMarriage(h, w);
  await act(tokenFor(registrar), st.caseId, 'claim');

  const r = await person(browser);
  await signIn(r, registrar);
  await r.goto(`/work/cases/${st.caseId}`);
  await tid(r, 'action-transfer').click();
  await tid(r, 'action-dialog').waitFor();
  await tid(r, 'action-targets').click();
  const colleague = r.getByRole('option', { name: new RegExp(oidcRegistrar.name) });
  await colleague.waitFor();
  assert.equal(await r.getByRole('option', { name: new RegExp(outsider.name) }).count(), 0, 'staff of another district are offered');
});
