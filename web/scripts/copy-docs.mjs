// Copies the API reference renderer into dist/docs/ so /docs works on an
// intranet without a CDN; the server serves these files from the binary.
import { cpSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const src = join(root, 'node_modules', '@stoplight', 'elements')
const out = join(root, 'dist', 'docs')
mkdirSync(out, { recursive: true })
for (const f of ['web-components.min.js', 'styles.min.css', 'web-components.min.js.LICENSE.txt']) {
  cpSync(join(src, f), join(out, f))
}
