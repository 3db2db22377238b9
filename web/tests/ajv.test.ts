import { afterEach, describe, expect, it } from 'vitest'
import { formAjv } from '../src/forms/ajv'

const schema = {
  type: 'object',
  required: ['applicants'],
  properties: {
    applicants: {
      type: 'array',
      minItems: 2,
      items: { type: 'object', required: ['name', 'idNumber'], properties: { name: { type: 'string', minLength: 1 }, idNumber: { type: 'string', format: 'resident-id' } } },
    },
  },
}

const realFunction = globalThis.Function
afterEach(() => {
  globalThis.Function = realFunction
})

describe('form validator', () => {
  it('validates without evaluating code, as the Content-Security-Policy requires', () => {
    // Code generation (Ajv's new Function) would throw here, as in the browser.
    globalThis.Function = function () {
      throw new EvalError('unsafe-eval')
    } as unknown as FunctionConstructor
    const v = formAjv().compile(schema)
    expect(v({ applicants: [{ name: '张伟', idNumber: '110105199003071538' }, { name: '李娜', idNumber: '41010519920612024X' }] })).toBe(true)
    expect(v.errors).toBeNull()
  })
  it('reports Ajv-shaped errors at the field', () => {
    const v = formAjv().compile(schema)
    expect(v({ applicants: [{ name: '', idNumber: '123' }, { name: '李娜' }] })).toBe(false)
    const e = (v.errors ?? []).map((x: any) => [x.instancePath, x.keyword, x.params.missingProperty ?? x.params.limit ?? null])
    expect(e).toEqual(
      expect.arrayContaining([
        ['/applicants/0/name', 'minLength', 1],
        ['/applicants/0/idNumber', 'format', 'resident-id'],
        ['/applicants/1', 'required', 'idNumber'],
      ]),
    )
    expect(e).toHaveLength(3)
  })
})
