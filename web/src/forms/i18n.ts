// Labels and messages of the generated form: the schema's own title first,
// else the glossary's name for the property.
import type { Translator, ErrorTranslator } from '@jsonforms/core'

type T = (key: string) => string
type Te = (key: string) => boolean

/** formTranslator builds JSON Forms' translator on the console's messages. */
export function formTranslator(t: T, te: Te, locale: string): { translate: Translator; translateError: ErrorTranslator; locale: string } {
  const translate = ((id: string, def?: string) => {
    const m = /(?:^|\.)([^.]+)\.label$/.exec(id)
    if (m && te(`field.${m[1]}`)) return t(`field.${m[1]}`)
    return def
  }) as Translator
  const zh = locale.startsWith('zh')
  const translateError: ErrorTranslator = (e) => {
    if (e.keyword === 'server') return e.message ?? ''
    if (!zh) return e.message ?? ''
    switch (e.keyword) {
      case 'required': return '必填'
      case 'minLength': return `至少 ${(e.params as any).limit} 个字`
      case 'maxLength': return `最多 ${(e.params as any).limit} 个字`
      case 'format': return '格式不正确'
      case 'pattern': return '格式不正确'
      case 'minimum': return `不小于 ${(e.params as any).limit}`
      case 'maximum': return `不大于 ${(e.params as any).limit}`
      case 'enum': return '请从选项中选择'
      case 'type': return '类型不正确'
      case 'const': return '须勾选'
      default: return e.message ?? ''
    }
  }
  return { translate, translateError, locale }
}
