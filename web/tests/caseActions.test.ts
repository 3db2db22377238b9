import { describe, expect, it } from 'vitest'
import { buttonsFor, type ActionCase } from '../src/lib/caseActions'

const title = { zh: 'x', en: 'x' }
const divorce: ActionCase = {
  status: 'open',
  nextActions: [
    { action: 'withdraw', by: 'registrar', office: '110105', title },
    { action: 'confirm', by: 'party', office: '110105', title },
  ],
}
const reg = { subject: 'reg-001', roles: ['registrar:110105'] }
const ids = (c: ActionCase, me: { subject: string; roles: string[] }, portal: boolean) => buttonsFor(c, me, portal).map((a) => a.action)

describe('buttons for the case page', () => {
  it('shows a party only the parties’ actions in the portal', () => {
    expect(ids(divorce, { subject: '110105199003071538', roles: [] }, true)).toEqual(['confirm'])
  })
  it('shows a registrar of the office the registrar’s actions, and confirmation for parties seen in person', () => {
    expect(ids(divorce, reg, false)).toEqual(['withdraw', 'confirm'])
  })
  it('shows a supervisor or a registrar elsewhere nothing', () => {
    expect(ids(divorce, { subject: 'sup', roles: ['supervisor:110000'] }, false)).toEqual([])
    expect(ids(divorce, { subject: 'r2', roles: ['registrar:310101'] }, false)).toEqual([])
  })
  it('lets a city registrar act for a district office', () => {
    expect(ids(divorce, { subject: 'r3', roles: ['registrar:110100'] }, false)).toContain('withdraw')
  })
  it('gives the holder of a task release, transfer, delegate and copy', () => {
    const c: ActionCase = { status: 'open', nextActions: [], assignment: { holder: 'reg-001', role: 'registrar', office: '110105' } }
    expect(ids(c, reg, false)).toEqual(['release', 'transfer', 'delegate', 'copy'])
    expect(ids(c, { subject: 'reg-002', roles: ['registrar:110105'] }, false)).toEqual(['copy'])
    expect(ids(c, reg, true)).toEqual([])
  })
  it('lets a delegate hand the task back', () => {
    const c: ActionCase = { status: 'open', nextActions: [], assignment: { holder: 'reg-002', owner: 'reg-001', role: 'registrar', office: '110105' } }
    expect(ids(c, { subject: 'reg-002', roles: ['registrar:110105'] }, false)).toContain('resolve')
  })
})
