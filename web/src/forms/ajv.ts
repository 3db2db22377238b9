// The form's own checks, so mistakes show before the round trip; the server
// checks again and its answer wins.
import { createAjv } from '@jsonforms/core'

/** formAjv knows the formats the procedure definitions use. */
export function formAjv() {
  const ajv = createAjv({ allErrors: true, verbose: true, strict: false })
  ajv.addFormat('resident-id', /^[0-9]{17}[0-9Xx]$/)
  ajv.addFormat('division-code', /^[0-9]{6}$/)
  return ajv
}
