import { describe, expect, it } from 'vitest'
import { formatDateTime, formatDay } from '../src/lib/dates'

describe('dates in China time', () => {
  it('writes a day the Chinese way', () => {
    expect(formatDay('2026-03-07')).toBe('2026年3月7日')
    expect(formatDay('2026-03-07', 'en')).toBe('2026-03-07')
  })
  it('shows an instant in Asia/Shanghai whatever the browser zone', () => {
    // 16:30 UTC is half past midnight the next day in Beijing.
    expect(formatDateTime('2026-02-16T16:30:00Z')).toBe('2026年2月17日 00:30')
    expect(formatDay('2026-02-16T16:30:00Z')).toBe('2026年2月17日')
    expect(formatDateTime('2026-02-16T16:30:00Z', 'en')).toBe('2026-02-17 00:30')
  })
  it('leaves empty values empty and odd ones as they are', () => {
    expect(formatDay(undefined)).toBe('')
    expect(formatDay('soon')).toBe('soon')
  })
})
