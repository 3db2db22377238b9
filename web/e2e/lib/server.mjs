// The civilflow under test, as started by run.sh: its URL, binary and data
// directory come from the environment.
import { execFileSync } from 'node:child_process';

export const baseURL = process.env.CIVILFLOW_URL ?? 'http://127.0.0.1:8080';

// mint makes a bearer token with the server's key, as `civilflow token`
// does for API clients; tests use it to prepare cases through the API.
export function mint(subject, name, roles = []) {
  const args = ['token', '--data-dir', process.env.CIVILFLOW_DATA, '--subject', subject, '--name', name];
  for (const r of roles) args.push('--role', r);
  return execFileSync(process.env.CIVILFLOW_BIN, args, { encoding: 'utf8' }).trim();
}

// api calls the API with a bearer token and fails unless the status is want.
export async function api(method, path, token, body, want) {
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(baseURL + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (want !== undefined && res.status !== want) {
    throw new Error(`${method} ${path}: ${res.status}, want ${want}: ${text}`);
  }
  return text ? JSON.parse(text) : undefined;
}

// tokenFor mints a token for a fixture person with the roles the directory gives them.
export const tokenFor = (p) => mint(p.subject, p.name, p.roles ?? []);
