// Sign-in through the session API; the server sets the HttpOnly cookie and
// hands back the CSRF token the other calls send.
import { api, csrfHeaders, setCsrfToken, type Schemas } from './client'

/** Session is the signed-in person as the server sees them. */
export type Session = Schemas['SessionInfo']

/** Providers tells which sign-in methods the server offers. */
export type Providers = Schemas['ProvidersBody']

/** SignInError carries the status and, when locked out, the seconds to wait. */
export class SignInError extends Error {
  constructor(
    public status: number,
    public retryAfter: string | null,
  ) {
    super(`sign-in failed (${status})`)
  }
}

/** signIn posts the credentials; the server sets the session cookie. */
export async function signIn(username: string, password: string): Promise<Session> {
  const r = await api.POST('/v1/session', { body: { username, password } })
  if (r.error || !r.data) throw new SignInError(r.response.status, r.response.headers.get('Retry-After'))
  setCsrfToken(r.data.csrfToken ?? '')
  return r.data
}

/** current reads the cookie's session, or null when there is none. */
export async function current(): Promise<Session | null> {
  const r = await api.GET('/v1/session')
  if (r.error || !r.data) return null
  setCsrfToken(r.data.csrfToken ?? '')
  return r.data
}

/** signOut ends the session on the server. */
export async function signOut(): Promise<void> {
  await api.DELETE('/v1/session').catch(() => undefined)
  setCsrfToken('')
}

/** providers asks whether to show the identity-provider button. */
export async function providers(): Promise<Providers> {
  const r = await api.GET('/v1/session/providers').catch(() => null)
  return r?.data ?? { local: true, oidc: false }
}

/** sendJSON is for operations the server may not offer (the staff list, the calendar's years). */
export async function sendJSON<T>(method: string, url: string, body?: unknown): Promise<T> {
  const r = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...csrfHeaders(method) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  })
  if (!r.ok) throw new Error(r.statusText)
  return (r.status === 204 ? null : await r.json()) as T
}
