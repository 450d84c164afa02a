import { describe, expect, it } from 'vitest'
import type { Ban } from '../../src/shared/model.ts'
import { bansToCsv, bansToJson } from '../../src/renderer/src/lib/export.ts'
import {
  formatCount,
  formatCountdown,
  formatDateTime,
  formatDuration
} from '../../src/renderer/src/lib/format.ts'

describe('formatDuration', () => {
  it.each([
    [600, '10 min'],
    [5400, '1 h 30 min'],
    [86400, '1 d'],
    [90061, '1 d 1 h'],
    [45, '45 s'],
    [0, '0 s'],
    [-1, 'permanent'],
    [604800 * 2, '2 w'],
    [null, '—']
  ])('%s s → %s', (s, text) => expect(formatDuration(s)).toBe(text))
})

describe('formatCountdown', () => {
  const now = 1_000_000_000_000
  it.each([
    [now + 598_000, '9:58'],
    [now + 3_723_000, '1:02:03'],
    [now + 3 * 86400_000 + 4 * 3600_000, '3 d 4 h'],
    [now - 1, 'expired'],
    [null, 'never']
  ])('%s → %s', (at, text) => expect(formatCountdown(at, now)).toBe(text))
})

it('formatDateTime and formatCount', () => {
  expect(formatDateTime(new Date(2026, 10, 25, 6, 5, 4).getTime())).toBe('2026-11-25 06:05:04')
  expect(formatCount(100000)).toBe('100,000')
})

describe('exports', () => {
  const bans: Ban[] = [
    {
      ip: '192.0.2.1',
      jail: 'sshd',
      bannedAt: Date.UTC(2026, 10, 25, 6, 0, 0),
      bantime: 600,
      expiresAt: Date.UTC(2026, 10, 25, 6, 10, 0),
      permanent: false
    },
    {
      ip: '2001:db8::1',
      jail: 'sshd',
      bannedAt: Date.UTC(2026, 10, 25, 7, 0, 0),
      bantime: -1,
      expiresAt: null,
      permanent: true
    }
  ]

  it('CSV has a header, ISO times and CRLF rows', () => {
    expect(bansToCsv(bans)).toBe(
      'ip,jail,banned_at,bantime_seconds,expires_at,permanent\r\n' +
        '192.0.2.1,sshd,2026-11-25T06:00:00.000Z,600,2026-11-25T06:10:00.000Z,false\r\n' +
        '2001:db8::1,sshd,2026-11-25T07:00:00.000Z,-1,,true\r\n'
    )
  })

  it('CSV quotes separators and neutralises spreadsheet formulas', () => {
    const odd = [{ ...bans[0]!, ip: '=cmd|"calc"', jail: 'a,b' }]
    expect(bansToCsv(odd).split('\r\n')[1]).toBe(
      `"'=cmd|""calc""","a,b",2026-11-25T06:00:00.000Z,600,2026-11-25T06:10:00.000Z,false`
    )
  })

  it('JSON keeps every field with ISO times', () => {
    expect(JSON.parse(bansToJson(bans))).toEqual([
      {
        ip: '192.0.2.1',
        jail: 'sshd',
        bannedAt: '2026-11-25T06:00:00.000Z',
        bantime: 600,
        expiresAt: '2026-11-25T06:10:00.000Z',
        permanent: false
      },
      {
        ip: '2001:db8::1',
        jail: 'sshd',
        bannedAt: '2026-11-25T07:00:00.000Z',
        bantime: -1,
        expiresAt: null,
        permanent: true
      }
    ])
  })
})
