import { afterEach, describe, expect, it } from 'vitest'
import { api, setCsrfToken } from '../src/api/client'

afterEach(() => {
  setCsrfToken('')
})

// The client is handed a fetch that records what would go out.
function capture() {
  const seen: Request[] = []
  const fetch = async (r: Request) => {
    seen.push(r)
    return new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json' } })
  }
  return { seen, o: { fetch, baseUrl: 'http://127.0.0.1' } }
}

describe('API client and the session cookie', () => {
  it('sends the CSRF token on state-changing requests only', async () => {
    const { seen, o } = capture()
    setCsrfToken('tok-1')
    await api.POST('/v1/cases/{id}/actions', { params: { path: { id: 'MAR-1' } }, body: { action: 'register' }, ...o })
    await api.GET('/v1/me/inbox', o)
    await api.DELETE('/v1/session', o)
    expect(seen.map((r) => [r.method, r.headers.get('X-CSRF-Token')])).toEqual([
      ['POST', 'tok-1'],
      ['GET', null],
      ['DELETE', 'tok-1'],
    ])
  })
  it('sends no token before sign-in', async () => {
    const { seen, o } = capture()
    await api.POST('/v1/session', { body: { username: 'u', password: 'p' }, ...o })
    expect(seen[0].headers.get('X-CSRF-Token')).toBeNull()
  })
})
