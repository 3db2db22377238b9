import { describe, expect, it } from 'vitest'
import { dialogFields, missing, requestBody, type DialogValues } from '../src/lib/actions'

const empty = (): DialogValues => ({ opinion: '', targets: [], slot: '', attachments: [] })

describe('action dialog fields', () => {
  it('asks nothing for claim and release', () => {
    for (const a of ['claim', 'release', 'urge']) {
      const f = dialogFields(a)
      expect(f.confirmOnly).toBe(true)
      expect(f.opinion).toBe('none')
      expect(missing(f, empty())).toEqual([])
      expect(requestBody(a, f, { ...empty(), opinion: 'ignored' })).toEqual({ action: a })
    }
  })
  it('asks one target for transfer and several for copy', () => {
    expect(dialogFields('transfer').targets).toBe('one')
    expect(dialogFields('delegate').targets).toBe('one')
    expect(dialogFields('copy').targets).toBe('many')
    const f = dialogFields('add-signer')
    expect(f.targets).toBe('many')
    expect(f.position).toBe(true)
    expect(missing(dialogFields('transfer'), empty())).toEqual(['targets'])
    expect(missing(dialogFields('transfer'), { ...empty(), targets: ['a', 'b'] })).toEqual(['targets'])
    expect(requestBody('copy', dialogFields('copy'), { ...empty(), targets: ['reg-002'] })).toEqual({ action: 'copy', targets: ['reg-002'] })
  })
  it('requires an opinion for refusals, returns and extensions', () => {
    expect(dialogFields('refuse').opinion).toBe('required')
    const r = dialogFields('return:registrar-review')
    expect(r.opinion).toBe('required')
    expect(r.returnStage).toBe('registrar-review')
    const e = dialogFields('extend:overall')
    expect(e.opinion).toBe('required')
    expect(e.extendClock).toBe('overall')
    expect(missing(r, empty())).toEqual(['opinion'])
    expect(missing(r, { ...empty(), opinion: '  ' })).toEqual(['opinion'])
  })
  it('follows the definition: opinion, attachment and proof required', () => {
    const f = dialogFields('accept-proof', { id: 'accept-proof', opinionRequired: true, attachmentRequired: true, proofRequired: true })
    expect(f.opinion).toBe('required')
    expect(f.attachments).toBe('required')
    expect(f.proof).toBe(true)
    expect(missing(f, { ...empty(), opinion: 'ok' })).toEqual(['attachments'])
    const v = { ...empty(), opinion: 'ok', attachments: [{ title: '离婚判决书', reference: 'dms://1', proof: { kind: 'divorce-judgment', person: '1', spouse: '', number: 'x', date: '2025-01-10' } }] }
    expect(missing(f, v)).toEqual(['proof'])
    v.attachments[0].proof.spouse = '2'
    expect(missing(f, v)).toEqual([])
    expect(requestBody('accept-proof', f, v).attachments).toEqual([{ title: '离婚判决书', reference: 'dms://1', proof: v.attachments[0].proof }])
  })
  it('takes the amended form only where the action amends it', () => {
    const form = { applicants: [] }
    expect(requestBody('resubmit', dialogFields('resubmit', { id: 'resubmit', amendsForm: true }), { ...empty(), form })).toEqual({ action: 'resubmit', form })
    expect(requestBody('register', dialogFields('register', { id: 'register' }), { ...empty(), form })).toEqual({ action: 'register' })
  })
  it('honours opinionRequired from nextActions when the stage is not known', () => {
    expect(dialogFields('register', undefined, true).opinion).toBe('required')
    expect(dialogFields('register').opinion).toBe('optional')
  })
  it('names the slot for remove-signer', () => {
    const f = dialogFields('remove-signer')
    expect(f.slot).toBe(true)
    expect(missing(f, empty())).toEqual(['slot'])
  })
})
