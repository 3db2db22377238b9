import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { i18n } from '../src/i18n'
import ActionDialog from '../src/components/ActionDialog.vue'

const c: any = { caseId: 'MAR-110105-20261202-0001', office: '110105', parties: [{ name: '张伟', idNumber: '110105199003071538' }], signatures: [] }
const q = (id: string) => document.body.querySelector(`[data-testid="${id}"]`)

async function open(action: string, def?: any, opinionRequired?: boolean) {
  const w = mount(ActionDialog, {
    props: { c, action: { action, title: { zh: action, en: action }, by: 'registrar', office: '110105', opinionRequired }, def },
    global: { plugins: [ElementPlus, i18n] },
    attachTo: document.body,
  })
  await flushPromises()
  return w
}

afterEach(() => {
  document.body.innerHTML = ''
  vi.unstubAllGlobals()
})

describe('ActionDialog', () => {
  it('asks a refusal for its opinion and no staff', async () => {
    const w = await open('refuse')
    expect(q('action-opinion')).not.toBeNull()
    expect(q('action-targets')).toBeNull()
    w.unmount()
  })
  it('asks a transfer for staff from the directory and no attachments', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ items: [{ subject: 'reg-002', name: '李登记', roles: ['registrar:110105'] }] }), { status: 200 }))
    vi.stubGlobal('fetch', fetch)
    const w = await open('transfer')
    expect(q('action-targets')).not.toBeNull()
    expect(q('action-add-attachment')).toBeNull()
    const req = (fetch.mock.calls[0] as unknown[])[0]
    expect(req instanceof Request ? req.url : String(req)).toContain('/v1/staff?office=110105')
    w.unmount()
  })
  it('sends nothing until the required opinion is given', async () => {
    const fetch = vi.fn()
    vi.stubGlobal('fetch', fetch)
    const w = await open('return:registrar-review')
    ;(q('action-confirm') as HTMLElement).click()
    await flushPromises()
    expect(fetch).not.toHaveBeenCalled()
    expect(document.body.textContent).toContain('请填写：意见')
    w.unmount()
  })
  it('asks for nothing but confirmation to claim', async () => {
    const w = await open('claim')
    expect(q('action-opinion')).toBeNull()
    expect(q('action-targets')).toBeNull()
    expect(q('action-confirm')).not.toBeNull()
    w.unmount()
  })
})
