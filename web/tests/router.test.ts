import { beforeEach, describe, expect, it, vi } from 'vitest'

// The router asks the server who is signed in; the test answers for it.
const session = { value: null as null | { subject: string; name: string; roles: string[]; csrfToken: string } }
vi.mock('../src/api/session', () => ({ current: async () => session.value }))

async function freshRouter() {
  vi.resetModules()
  const { router } = await import('../src/router')
  return router
}

function as(roles: string[]) {
  session.value = { subject: 's', name: 'n', roles, csrfToken: 'x' }
}

describe('router guard', () => {
  beforeEach(() => {
    session.value = null
  })
  it('sends someone not signed in to the sign-in page, keeping where they were going', async () => {
    const r = await freshRouter()
    await r.push('/work/todo')
    expect(r.currentRoute.value.name).toBe('login')
    expect(r.currentRoute.value.query.next).toBe('/work/todo')
  })
  it('sends a registrar from / to the to-do list once the session is known', async () => {
    as(['registrar:110105'])
    const r = await freshRouter()
    await r.push('/')
    expect(r.currentRoute.value.fullPath).toBe('/work/todo')
  })
  it('sends an applicant to the portal and keeps them out of the desk and the admin pages', async () => {
    as([])
    const r = await freshRouter()
    await r.push('/')
    expect(r.currentRoute.value.fullPath).toBe('/portal')
    await r.push('/desk/audit')
    expect(r.currentRoute.value.fullPath).toBe('/portal')
    await r.push('/admin/staff')
    expect(r.currentRoute.value.fullPath).toBe('/portal')
  })
  it('lets a supervisor open the desk but not the workbench', async () => {
    as(['supervisor:110000'])
    const r = await freshRouter()
    await r.push('/desk/audit')
    expect(r.currentRoute.value.name).toBe('audit')
    await r.push('/work/todo')
    expect(r.currentRoute.value.fullPath).toBe('/desk/deadlines')
  })
})
