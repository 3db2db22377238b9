// A small OpenID provider for the browser tests: discovery, JWKS, an
// authorization endpoint with a sign-in page, a token endpoint that checks
// the client secret and the PKCE verifier, and userinfo. It stands in for a
// province's unified identity platform, listens on 127.0.0.1 only, keeps
// everything in memory and prints its issuer URL as its first line.
//
//   node oidc-provider.mjs [--client-id ID] [--client-secret SECRET]
// (the secret defaults to $CIVILFLOW_OIDC_CLIENT_SECRET, as serve reads it)
import { createServer } from 'node:http';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    'client-id': { type: 'string', default: 'civilflow-console' },
    'client-secret': { type: 'string', default: process.env.CIVILFLOW_OIDC_CLIENT_SECRET ?? 'e2e-secret' },
    port: { type: 'string', default: '0' },
  },
});

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const kid = randomBytes(8).toString('hex');
const jwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const codes = new Map(); // code → {sub, name, clientId, redirectUri, nonce, challenge, method, expires}
const accessTokens = new Map(); // token → {sub, name}
let issuer = '';

function idToken(claims) {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const body = b64url(JSON.stringify(claims));
  const sig = sign('RSA-SHA256', Buffer.from(`${header}.${body}`), privateKey);
  return `${header}.${body}.${b64url(sig)}`;
}

function send(res, status, body, headers = {}) {
  const json = typeof body !== 'string';
  res.writeHead(status, {
    'Content-Type': json ? 'application/json' : 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(json ? JSON.stringify(body) : body);
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (c) => { data += c; if (data.length > 65536) reject(new Error('too large')); });
    req.on('end', () => resolve(new URLSearchParams(data)));
    req.on('error', reject);
  });
}

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// The sign-in page: the person types the subject the platform knows them by.
// The request's parameters travel on as hidden fields.
function signInPage(q) {
  const hidden = ['client_id', 'redirect_uri', 'state', 'nonce', 'code_challenge', 'code_challenge_method']
    .map((k) => `<input type="hidden" name="${k}" value="${esc(q.get(k) ?? '')}">`).join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>统一身份认证平台（测试）</title></head>
<body><main><h1>统一身份认证平台（测试）</h1>
<form method="post" action="/authorize">${hidden}
<label for="sub">用户标识</label> <input id="sub" name="sub" autocomplete="off">
<label for="name">姓名</label> <input id="name" name="name" autocomplete="off">
<button id="approve" type="submit">登录</button></form></main></body></html>`;
}

async function handle(req, res) {
  const url = new URL(req.url, issuer);
  const q = url.searchParams;
  if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
    return send(res, 200, {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code'],
      claims_supported: ['sub', 'name', 'iss', 'aud', 'exp', 'iat', 'nonce'],
    });
  }
  if (req.method === 'GET' && url.pathname === '/jwks') return send(res, 200, { keys: [jwk] });
  if (req.method === 'GET' && url.pathname === '/authorize') {
    if (q.get('client_id') !== opts['client-id']) return send(res, 400, { error: 'unauthorized_client' });
    if (q.get('response_type') !== 'code') return send(res, 400, { error: 'unsupported_response_type' });
    if (!q.get('code_challenge') || q.get('code_challenge_method') !== 'S256') {
      return send(res, 400, { error: 'invalid_request', error_description: 'PKCE with S256 is required' });
    }
    return send(res, 200, signInPage(q));
  }
  if (req.method === 'POST' && url.pathname === '/authorize') {
    const f = await readForm(req);
    const code = randomBytes(16).toString('base64url');
    codes.set(code, {
      sub: f.get('sub'), name: f.get('name') || f.get('sub'), clientId: f.get('client_id'),
      redirectUri: f.get('redirect_uri'), nonce: f.get('nonce'), challenge: f.get('code_challenge'),
      expires: Date.now() + 60_000,
    });
    const back = new URL(f.get('redirect_uri'));
    back.searchParams.set('code', code);
    if (f.get('state')) back.searchParams.set('state', f.get('state'));
    res.writeHead(302, { Location: back.toString() });
    return res.end();
  }
  if (req.method === 'POST' && url.pathname === '/token') {
    const f = await readForm(req);
    let id = f.get('client_id');
    let secret = f.get('client_secret');
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (basic) {
      const [u, p] = Buffer.from(basic[1], 'base64').toString().split(':');
      id = decodeURIComponent(u);
      secret = decodeURIComponent(p ?? '');
    }
    if (id !== opts['client-id'] || secret !== opts['client-secret']) return send(res, 401, { error: 'invalid_client' });
    const c = codes.get(f.get('code') ?? '');
    codes.delete(f.get('code') ?? ''); // a code is good once
    if (!c || c.expires < Date.now() || c.clientId !== id || c.redirectUri !== f.get('redirect_uri')) {
      return send(res, 400, { error: 'invalid_grant' });
    }
    const verifier = f.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== c.challenge) {
      return send(res, 400, { error: 'invalid_grant', error_description: 'PKCE verifier does not match' });
    }
    const now = Math.floor(Date.now() / 1000);
    const access = randomBytes(16).toString('base64url');
    accessTokens.set(access, { sub: c.sub, name: c.name });
    const claims = { iss: issuer, sub: c.sub, aud: id, iat: now, exp: now + 300, name: c.name };
    if (c.nonce) claims.nonce = c.nonce;
    return send(res, 200, { access_token: access, token_type: 'Bearer', expires_in: 300, id_token: idToken(claims) });
  }
  if (url.pathname === '/userinfo') {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const who = m && accessTokens.get(m[1]);
    if (!who) return send(res, 401, { error: 'invalid_token' });
    return send(res, 200, who);
  }
  return send(res, 404, { error: 'not_found' });
}

const server = createServer((req, res) => {
  handle(req, res).catch(() => send(res, 400, { error: 'invalid_request' }));
});
server.listen(Number(opts.port), '127.0.0.1', () => {
  issuer = `http://127.0.0.1:${server.address().port}`;
  process.stdout.write(`${issuer}\n`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
