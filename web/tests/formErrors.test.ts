import { describe, expect, it } from 'vitest'
import { formPointer, initialData, serverErrors, testIdFor } from '../src/lib/formErrors'

describe('formPointer', () => {
  it('maps an array item field', () => {
    expect(formPointer('body.form.applicants[1].idNumber')).toBe('/applicants/1/idNumber')
  })
  it('maps nested objects and the form itself', () => {
    expect(formPointer('body.form.declaration.noSpouse')).toBe('/declaration/noSpouse')
    expect(formPointer('body.form')).toBe('')
  })
  it('leaves locations outside the form alone', () => {
    expect(formPointer('body.office')).toBeNull()
    expect(formPointer('body.formx.a')).toBeNull()
    expect(formPointer('path.id')).toBeNull()
    expect(formPointer(undefined)).toBeNull()
  })
  it('escapes pointer characters in keys', () => {
    expect(formPointer('body.form["a/b"]')).toBe('/a~1b')
  })
})

describe('serverErrors', () => {
  it('puts form errors at their field and the rest above the form', () => {
    const r = serverErrors([
      { location: 'body.form.applicants[1].idNumber', message: '身份号码校验位不正确' },
      { location: 'body.office', message: 'expected 6 digits' },
      { message: 'one open application per applicants' },
    ])
    expect(r.field).toHaveLength(1)
    expect(r.field[0].instancePath).toBe('/applicants/1/idNumber')
    expect(r.field[0].message).toBe('身份号码校验位不正确')
    expect(r.general).toEqual(['body.office: expected 6 digits', 'one open application per applicants'])
  })
  it('gives the field hook of the contract', () => {
    expect(testIdFor('/applicants/0/idNumber')).toBe('applicants-0-idNumber')
  })
})

describe('initialData', () => {
  it('shows both applicants of a marriage form at once', () => {
    const d = initialData({
      type: 'object',
      required: ['applicants', 'declaration'],
      properties: {
        charity: { type: 'object', required: ['purposes'], properties: { purposes: { type: 'string' } } },
        applicants: { type: 'array', minItems: 2, items: { type: 'object', properties: { name: { type: 'string' } } } },
        declaration: { type: 'object', properties: { noSpouse: { type: 'boolean' } } },
      },
    })
    // The optional part stays out, or its own required fields would fail.
    expect(d).toEqual({ applicants: [{}, {}], declaration: {} })
  })
})
