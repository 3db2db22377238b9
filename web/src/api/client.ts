// The typed API client. Types come from the served OpenAPI document
// (npm run gen:api), so a changed operation breaks the build here.
import createClient, { type Middleware } from 'openapi-fetch'
import type { paths, components } from './schema'

export type Schemas = components['schemas']
export type CaseView = Schemas['CaseView']
export type CaseListItem = Schemas['CaseListItem']
export type Text = Schemas['Text']

/** Problem is a problem+json body. */
export type Problem = Schemas['ErrorModel']

let csrfToken = ''

/** setCsrfToken remembers the session's token for state-changing requests. */
export function setCsrfToken(t: string) {
  csrfToken = t
}

/** csrfHeaders gives the header a cookie session needs on POST/PUT/PATCH/DELETE. */
export function csrfHeaders(method: string): Record<string, string> {
  return csrfToken && !/^(GET|HEAD|OPTIONS)$/i.test(method) ? { 'X-CSRF-Token': csrfToken } : {}
}

const csrf: Middleware = {
  onRequest({ request }) {
    for (const [k, v] of Object.entries(csrfHeaders(request.method))) request.headers.set(k, v)
    return request
  },
}

let onUnauthorized: () => void = () => {}

/** setOnUnauthorized is called when the session has ended (401), to go to the sign-in page. */
export function setOnUnauthorized(f: () => void) {
  onUnauthorized = f
}

const expiry: Middleware = {
  onResponse({ response, request }) {
    if (response.status === 401 && !request.url.includes('/v1/session')) onUnauthorized()
    return response
  },
}

/** api is the typed client; the cookie is sent same-origin. */
export const api = createClient<paths>({
  baseUrl: '',
  credentials: 'same-origin',
  // Looked up on each call rather than captured once, so tests can stand in for it.
  fetch: (r: Request) => globalThis.fetch(r),
})
api.use(csrf, expiry)

/** problemText gives a short message for a failed call. */
export function problemText(e: unknown): string {
  const p = e as Problem | undefined
  if (!p) return ''
  const details = (p.errors ?? []).map((d) => d.message).filter(Boolean)
  return [p.detail || p.title, ...details].filter(Boolean).join('；')
}

/** txt picks the language of a bilingual text. */
export function txt(t: Text | undefined | null, locale: string): string {
  if (!t) return ''
  return (locale.startsWith('zh') ? t.zh || t.en : t.en || t.zh) ?? ''
}
