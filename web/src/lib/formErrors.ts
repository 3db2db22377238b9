// Maps the API's problem+json error locations onto the generated form's
// fields, so a 422 shows next to the field it names rather than as a banner.
import type { ErrorObject } from 'ajv'

/** One error of a problem+json body (Huma's ErrorDetail). */
export interface ProblemDetail {
  location?: string
  message?: string
  value?: unknown
}

/**
 * formPointer turns an API location such as `body.form.applicants[1].idNumber`
 * into the JSON pointer `/applicants/1/idNumber` of the form data, or null when
 * the location is not inside the form (e.g. `body.office`).
 */
export function formPointer(location: string | undefined): string | null {
  if (!location) return null
  const m = /^body\.form(?=$|[.[])(.*)$/.exec(location)
  if (!m) return null
  const rest = m[1]
  const parts: string[] = []
  const re = /\.([^.[\]]+)|\[(\d+)\]|\[["']([^"']+)["']\]/g
  let seen = 0
  for (let x = re.exec(rest); x; x = re.exec(rest)) {
    if (x.index !== seen) return null
    parts.push((x[1] ?? x[2] ?? x[3]).replace(/~/g, '~0').replace(/\//g, '~1'))
    seen = re.lastIndex
  }
  if (seen !== rest.length) return null
  return parts.length ? '/' + parts.join('/') : ''
}

/** testIdFor gives the data-testid suffix of a pointer: `/applicants/0/idNumber` → `applicants-0-idNumber`. */
export function testIdFor(pointer: string): string {
  return pointer.replace(/^\//, '').split('/').join('-')
}

/** pathToPointer converts a JSON Forms path (`applicants.0.idNumber`) into a pointer. */
export function pathToPointer(path: string): string {
  return path ? '/' + path.split('.').join('/') : ''
}

/**
 * serverErrors splits a problem's details into errors for the form (ajv-shaped,
 * as JSON Forms' additionalErrors expects) and the rest, shown above the form.
 */
export function serverErrors(details: ProblemDetail[] | null | undefined): {
  field: ErrorObject[]
  general: string[]
} {
  const field: ErrorObject[] = []
  const general: string[] = []
  for (const d of details ?? []) {
    const ptr = formPointer(d.location)
    const msg = d.message ?? ''
    if (ptr === null || ptr === '') {
      general.push(d.location ? `${d.location}: ${msg}` : msg)
      continue
    }
    field.push({
      instancePath: ptr,
      schemaPath: '#/server',
      keyword: 'server',
      params: {},
      message: msg,
    })
  }
  return { field, general }
}

/** initialData gives arrays their minimum number of empty items so both applicants show at once. */
export function initialData(schema: any): any {
  if (!schema || typeof schema !== 'object') return undefined
  if (schema.type === 'object') {
    const out: Record<string, unknown> = {}
    const required = new Set<string>(schema.required ?? [])
    for (const [k, s] of Object.entries<any>(schema.properties ?? {})) {
      // An optional part (a charity's details) stays out until filled: an
      // empty one would be checked for its own required fields.
      if (!required.has(k)) continue
      const v = initialData(s)
      if (v !== undefined) out[k] = v
    }
    return out
  }
  if (schema.type === 'array') {
    const n = Math.min(schema.minItems ?? 0, 10)
    return Array.from({ length: n }, () => initialData(schema.items) ?? undefined)
  }
  return undefined
}
