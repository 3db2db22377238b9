// The form's own checks, so mistakes show before the round trip; the server
// checks again and its answer wins.
//
// Ajv compiles schemas with new Function, which the console's
// Content-Security-Policy (script-src 'self', no unsafe-eval) forbids, and
// procedure schemas arrive at run time so they cannot be compiled ahead. So
// JSON Forms gets an object with Ajv's compile/validate shape backed by
// @cfworker/json-schema, an interpreting validator, whose errors are turned
// into Ajv's form (instancePath, keyword, params) that JSON Forms places.
import { Validator, format, type OutputUnit } from '@cfworker/json-schema'
import type { ErrorObject } from 'ajv'

const residentId = /^[0-9]{17}[0-9Xx]$/
;(format as Record<string, (s: string) => boolean>)['resident-id'] = (s) => residentId.test(s)
;(format as Record<string, (s: string) => boolean>)['division-code'] = (s) => /^[0-9]{6}$/.test(s)

// Keywords that say what is wrong with one value; the others (properties,
// items, allOf…) only report that something below them failed.
const leaf = new Set([
  'required', 'type', 'enum', 'const', 'format', 'pattern', 'minLength', 'maxLength',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minItems', 'maxItems', 'uniqueItems', 'additionalProperties', 'minProperties', 'maxProperties',
])

function limitOf(schema: any, keywordLocation: string): unknown {
  // keywordLocation is a pointer into the schema (#/properties/a/minLength).
  let s = schema
  for (const part of keywordLocation.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    s = s?.[decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~')]
  }
  return s
}

/** toAjvErrors converts the validator's output units into Ajv's errors. */
export function toAjvErrors(schema: unknown, units: OutputUnit[]): ErrorObject[] {
  const out: ErrorObject[] = []
  for (const u of units) {
    if (!leaf.has(u.keyword)) continue
    const instancePath = u.instanceLocation.replace(/^#/, '')
    const params: Record<string, unknown> = {}
    if (u.keyword === 'required') {
      const m = /required property "([^"]+)"/.exec(u.error)
      if (!m) continue
      params.missingProperty = m[1]
    } else {
      params.limit = limitOf(schema, u.keywordLocation)
    }
    out.push({ instancePath, schemaPath: u.keywordLocation, keyword: u.keyword, params, message: u.error })
  }
  return out
}

type ValidateFn = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null }

/** formAjv gives JSON Forms a validator that needs no eval. */
export function formAjv(): any {
  return {
    compile(schema: any): ValidateFn {
      const v = new Validator(schema ?? {}, '7', false)
      const fn: ValidateFn = (data) => {
        // The validator throws on undefined, which JSON Forms leaves where a
        // field was cleared or an array item not yet filled; JSON drops the
        // former and makes the latter null, which fails as it should.
        const r = v.validate(data === undefined ? {} : JSON.parse(JSON.stringify(data)))
        fn.errors = r.valid ? null : toAjvErrors(schema, r.errors)
        return r.valid
      }
      fn.errors = null
      return fn
    },
    validate(schema: any, data: unknown): boolean {
      return this.compile(schema)(data)
    },
  }
}
