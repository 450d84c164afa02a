import { describe, expect, it } from 'vitest'
import {
  formatCount,
  formatCountdown,
  formatDateTime,
  formatDuration,
  plural,
  secondsUntil
} from '../../src/renderer/src/lib/format.ts'
import {
  durationInputText,
  MAX_DURATION,
  parseDuration
} from '../../src/renderer/src/features/jails/lib/duration-input.ts'

describe('formatDuration: human units, at most two adjacent ones', () => {
  it.each([
    [600, '10 min'],
    [3600, '1 h'],
    [5400, '1 h 30 min'],
    [3601, '1 h'],
    [86400, '1 d'],
    [90061, '1 d 1 h'],
    [45, '45 s'],
    [59.9, '59 s'],
    [0, '0 s'],
    [-1, 'permanent'],
    [-42, 'permanent'],
    [604800 * 2, '2 w'],
    [31536000, '1 y'],
    [null, '—'],
    [Number.NaN, '—']
  ])('%s s → %s', (s, text) => expect(formatDuration(s)).toBe(text))
})

describe('formatCountdown: live time left', () => {
  const now = 1_000_000_000_000
  it.each([
    [now + 598_000, '9:58'],
    [now + 597_001, '9:58'], // rounds up: "0:01" shows until the ban really ends
    [now + 59_000, '0:59'],
    [now + 3_723_000, '1:02:03'],
    [now + 3 * 86400_000 + 4 * 3600_000, '3 d 4 h'],
    [now + 1, '0:01'],
    [now, 'expired'],
    [now - 5000, 'expired'],
    [null, 'never']
  ])('%s → %s', (at, text) => expect(formatCountdown(at, now)).toBe(text))

  it('changes every second as the shared clock ticks', () => {
    const at = now + 10_000
    const shown = [0, 1000, 2000].map((d) => formatCountdown(at, now + d))
    expect(shown).toEqual(['0:10', '0:09', '0:08'])
  })
})

it('secondsUntil never goes negative and keeps null', () => {
  expect(secondsUntil(10_500, 10_000)).toBe(1)
  expect(secondsUntil(9_000, 10_000)).toBe(0)
  expect(secondsUntil(null, 10_000)).toBeNull()
})

it('formatDateTime, formatCount and plural', () => {
  expect(formatDateTime(new Date(2026, 10, 25, 6, 5, 4).getTime())).toBe('2026-11-25 06:05:04')
  expect(formatCount(100000)).toBe('100,000')
  expect(plural(1, 'IP')).toBe('1 IP')
  expect(plural(2000, 'IP')).toBe('2,000 IPs')
  expect(plural(0, 'ban')).toBe('0 bans')
})

describe('parseDuration: what admins type', () => {
  const bantime = { allowPermanent: true }
  const findtime = { allowPermanent: false }
  it.each([
    ['600', 600],
    ['10m', 600],
    ['10 min', 600],
    ['1h30m', 5400],
    ['1h 30m', 5400],
    ['2 d', 172800],
    ['1w', 604800],
    ['1.5h', 5400],
    [' 90s ', 90],
    ['permanent', -1],
    ['-1', -1]
  ])('%j → %i s', (text, seconds) =>
    expect(parseDuration(text, bantime)).toEqual({ ok: true, seconds })
  )

  it('refuses what it cannot read, with a reason', () => {
    expect(parseDuration('', bantime)).toMatchObject({ ok: false })
    expect(parseDuration('10 parsecs', bantime)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/unit "parsecs"/)
    })
    expect(parseDuration('10m garbage!', bantime)).toMatchObject({ ok: false })
    expect(parseDuration('0', bantime)).toMatchObject({ ok: false })
    expect(parseDuration(String(MAX_DURATION + 1), bantime)).toMatchObject({ ok: false })
    expect(parseDuration('permanent', findtime)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/cannot be permanent/)
    })
  })

  it('durationInputText round-trips through parseDuration', () => {
    for (const s of [600, 5400, 7200, 86400, 604800, 45, -1]) {
      const text = durationInputText(s)
      expect(parseDuration(text, bantime)).toEqual({ ok: true, seconds: s })
    }
    expect(durationInputText(600)).toBe('10m')
    expect(durationInputText(5400)).toBe('90m')
    expect(durationInputText(-1)).toBe('permanent')
  })
})
