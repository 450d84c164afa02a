import { describe, expect, it } from 'vitest'
import type { Ban } from '../../src/shared/model.ts'
import {
  bansToCsv,
  bansToJson,
  exportFileName
} from '../../src/renderer/src/features/bans/lib/export.ts'
import { csvField } from '../../src/renderer/src/lib/csv.ts'

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

describe('CSV export', () => {
  it('has a header row, ISO 8601 UTC times and CRLF line ends', () => {
    expect(bansToCsv(bans)).toBe(
      'ip,jail,banned_at,bantime_seconds,expires_at,permanent\r\n' +
        '192.0.2.1,sshd,2026-11-25T06:00:00.000Z,600,2026-11-25T06:10:00.000Z,false\r\n' +
        '2001:db8::1,sshd,2026-11-25T07:00:00.000Z,-1,,true\r\n'
    )
  })

  it('an empty list is the header alone', () => {
    expect(bansToCsv([])).toBe('ip,jail,banned_at,bantime_seconds,expires_at,permanent\r\n')
  })

  it('quotes separators, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField('plain')).toBe('plain')
  })

  it('neutralises spreadsheet formulas but keeps negative numbers', () => {
    expect(csvField('=1+1')).toBe("'=1+1")
    expect(csvField('+cmd')).toBe("'+cmd")
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvField('-1')).toBe('-1')
    const odd = [{ ...bans[0]!, ip: '=cmd|"calc"', jail: 'a,b' }]
    expect(bansToCsv(odd).split('\r\n')[1]).toBe(
      `"'=cmd|""calc""","a,b",2026-11-25T06:00:00.000Z,600,2026-11-25T06:10:00.000Z,false`
    )
  })
})

it('JSON export keeps every field, with ISO times and null for permanent', () => {
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

it('file names carry the jail and the local time, and nothing a path could abuse', () => {
  const t = new Date(2026, 10, 25, 6, 26, 1).getTime()
  expect(exportFileName('sshd', 'csv', t)).toBe('bangui-sshd-bans-20261125-062601.csv')
  expect(exportFileName('a/b:c', 'json', t)).toBe('bangui-a_b_c-bans-20261125-062601.json')
})
