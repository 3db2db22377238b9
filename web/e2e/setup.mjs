// Prepares a fresh civilflow for the browser tests.
//   node setup.mjs accounts   before serve starts: `civilflow user add` for each person
//   node setup.mjs staff      once it is ready: the staff directory through the API
import { execFileSync } from 'node:child_process';
import { people, password } from './fixtures.mjs';
import { api, mint } from './lib/server.mjs';

const mode = process.argv[2];
if (mode === 'accounts') {
  for (const p of Object.values(people)) {
    if (p.noAccount) continue;
    execFileSync(process.env.CIVILFLOW_BIN, ['user', 'add', '--data-dir', process.env.CIVILFLOW_DATA,
      '--username', p.username, '--name', p.name, '--subject', p.subject],
    { input: password(p), stdio: ['pipe', 'inherit', 'inherit'] });
  }
} else if (mode === 'staff') {
  // A nationwide admin outside the directory, as on a new installation.
  const root = mint('adm-e2e-root', '部管理', ['admin:000000']);
  for (const p of Object.values(people)) {
    if (!p.roles) continue;
    await api('PUT', `/v1/staff/${p.subject}`, root, { name: p.name, roles: p.roles }, 200);
  }
} else {
  console.error('usage: node setup.mjs accounts|staff');
  process.exit(2);
}
