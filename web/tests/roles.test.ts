import { describe, expect, it } from 'vitest'
import { areasFor, divisionOf, homeFor, mayOpen } from '../src/lib/roles'

describe('role routing', () => {
  it('sends an applicant (no roles) to the portal', () => {
    expect(homeFor([])).toBe('/portal')
    expect(homeFor(null)).toBe('/portal')
    expect(areasFor([])).toEqual(['portal'])
  })
  it('sends registrars, approvers and assessors to the workbench', () => {
    expect(homeFor(['registrar:110105'])).toBe('/work/todo')
    expect(homeFor(['approver:110000'])).toBe('/work/todo')
    expect(homeFor(['assessor:110105'])).toBe('/work/todo')
  })
  it('sends supervisors to the desk and admins to administration', () => {
    expect(homeFor(['supervisor:110000'])).toBe('/desk/deadlines')
    expect(homeFor(['admin:110000'])).toBe('/admin/staff')
  })
  it('keeps the work area first for someone holding several roles', () => {
    expect(areasFor(['admin:110000', 'supervisor:110000', 'registrar:110105'])).toEqual(['work', 'desk', 'admin', 'portal'])
  })
  it('keeps a person out of an area they hold no role for', () => {
    expect(mayOpen('desk', ['registrar:110105'])).toBe(false)
    expect(mayOpen('work', [])).toBe(false)
    expect(mayOpen('portal', ['supervisor:110000'])).toBe(true)
    expect(mayOpen(undefined, [])).toBe(true)
  })
  it('reads the division of a grant', () => {
    expect(divisionOf(['registrar:110105', 'supervisor:110000'], 'supervisor')).toBe('110000')
    expect(divisionOf([], 'admin')).toBe('000000')
  })
})
