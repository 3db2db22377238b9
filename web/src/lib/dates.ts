// Dates are shown as China time whatever the browser's zone, the way
// Chinese documents write them (2026年3月7日 14:05).

const TZ = 'Asia/Shanghai'

function parts(d: Date, withTime: boolean): Record<string, string> {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: TZ,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : {}),
  } as Intl.DateTimeFormatOptions)
  const o: Record<string, string> = {}
  for (const p of f.formatToParts(d)) o[p.type] = p.value
  return o
}

function toDate(v: string | Date): Date | null {
  if (v instanceof Date) return v
  // A bare day (2026-03-07) is a legal-calendar day, not an instant.
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v)
  if (day) return new Date(Date.UTC(+day[1], +day[2] - 1, +day[3], 4))
  const d = new Date(v)
  return isNaN(d.getTime()) ? null : d
}

/** formatDay shows a day: 2026年3月7日 (zh) or 2026-03-07 (en). */
export function formatDay(v: string | Date | null | undefined, locale = 'zh'): string {
  if (!v) return ''
  const d = toDate(v)
  if (!d) return String(v)
  const p = parts(d, false)
  if (locale.startsWith('zh')) return `${p.year}年${+p.month}月${+p.day}日`
  return `${p.year}-${p.month.padStart(2, '0')}-${p.day.padStart(2, '0')}`
}

/** formatDateTime shows an instant in China time: 2026年3月7日 14:05. */
export function formatDateTime(v: string | Date | null | undefined, locale = 'zh'): string {
  if (!v) return ''
  const d = toDate(v)
  if (!d) return String(v)
  const p = parts(d, true)
  const day = locale.startsWith('zh')
    ? `${p.year}年${+p.month}月${+p.day}日`
    : `${p.year}-${p.month.padStart(2, '0')}-${p.day.padStart(2, '0')}`
  return `${day} ${p.hour}:${p.minute}`
}
