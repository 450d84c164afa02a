/**
 * Reply parsers on fixtures captured from a real fail2ban 1.0.2 (test/fixtures/pickle).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Fail2BanProtocolError } from '../src/main/fail2ban/errors.ts'
import {
  compareVersions,
  LocalTimeParser,
  parseBanListWithTime,
  parseBannedAll,
  parseBannedByIp,
  parseIncrement,
  parseJailList,
  parseJailStatus,
  parseStatusAll
} from '../src/main/fail2ban/parse.ts'
import { decodeReply } from '../src/main/fail2ban/pickle.ts'

/** The value of a captured `(0, value)` reply. */
function value(name: string): unknown {
  const reply = decodeReply(
    readFileSync(new URL(`./fixtures/pickle/${name}.pickle`, import.meta.url))
  )
  expect(Array.isArray(reply) && reply[0] === 0).toBe(true)
  return (reply as unknown[])[1]
}

const local = (s: string): number => new Date(s.replace(' ', 'T')).getTime()

describe('parsers on captured replies', () => {
  it('status → jail names', () => {
    expect(parseJailList(value('05-status'))).toEqual(['bulk', 'sshd', 'webapp'])
    expect(
      parseJailList([
        ['Number of jail', 0],
        ['Jail list', '']
      ])
    ).toEqual([])
  })

  it('status J (basic and short)', () => {
    expect(parseJailStatus(value('12-status-sshd'))).toEqual({
      currentlyFailed: 0,
      totalFailed: 0,
      currentlyBanned: 4,
      totalBanned: 4,
      files: ['/tmp/f2b-final/auth.log'],
      bannedIps: ['192.0.2.1', '198.51.100.7', '2001:db8::1', 'not-an-ip']
    })
    expect(parseJailStatus(value('14-status-sshd-short'))).toMatchObject({
      currentlyBanned: 4,
      bannedIps: null
    })
  })

  it('get J banip --with-time, server-local times', () => {
    const bans = parseBanListWithTime(value('18-get-sshd-banip-with-time'), 'sshd')
    expect(bans).toHaveLength(4)
    expect(bans[0]).toEqual({
      ip: '198.51.100.7',
      jail: 'sshd',
      bannedAt: local('2026-11-25 06:26:01'),
      bantime: 600,
      expiresAt: local('2026-11-25 06:36:01'),
      permanent: false
    })
    // the end is taken from the server, not recomputed (it may round up a second)
    expect(bans[2]!.expiresAt).toBe(local('2026-11-25 06:36:02'))
  })

  it('permanent bans', () => {
    const bans = parseBanListWithTime(value('61-get-webapp-banip-with-time-permanent'), 'webapp')
    expect(bans.map((b) => [b.ip, b.permanent, b.bantime, b.expiresAt])).toEqual([
      ['192.0.2.1', true, -1, null],
      ['192.0.2.200', true, -1, null]
    ])
  })

  it('20 000 bans with times', () => {
    const bans = parseBanListWithTime(value('bulk-bulk-20000-get-banip-with-time'), 'bulk')
    expect(bans).toHaveLength(20_000)
    expect(new Set(bans.map((b) => b.ip)).size).toBe(20_000)
    expect(
      bans.every(
        (b) => b.expiresAt! - b.bannedAt >= 600_000 && b.expiresAt! - b.bannedAt <= 601_000
      )
    ).toBe(true)
  })

  it('banned (all) and banned IP…', () => {
    expect(parseBannedAll(value('22-banned'))).toEqual({
      sshd: ['192.0.2.1', '198.51.100.7', '2001:db8::1', 'not-an-ip'],
      webapp: ['192.0.2.1'],
      bulk: []
    })
    expect(parseBannedByIp(value('24-banned-2'), 2)).toEqual([['sshd', 'webapp'], []])
    expect(() => parseBannedByIp(value('24-banned-2'), 3)).toThrow(Fail2BanProtocolError)
  })

  it('reject shapes they do not know', () => {
    expect(() => parseJailList('pong')).toThrow(Fail2BanProtocolError)
    expect(() =>
      parseJailStatus([
        ['Filter', []],
        ['Actions', []]
      ])
    ).toThrow(/Currently failed/)
    expect(() => parseBanListWithTime(['1.2.3.4'], 'x')).toThrow(/IP \\tstart/)
    expect(() => parseBanListWithTime(['1.2.3.4 \tyesterday + 600 = tomorrow'], 'x')).toThrow(
      /parseable times/
    )
  })
})

describe('helpers', () => {
  it('LocalTimeParser matches Date for many times, across hours and days', () => {
    const p = new LocalTimeParser()
    for (const t of [
      '2026-11-25 06:26:01',
      '2026-11-25 06:59:59',
      '2026-12-31 23:00:00',
      '2027-03-28 01:30:15'
    ]) {
      expect(p.parse(t)).toBe(local(t))
    }
    expect(p.parse('2026-11-25 06:61:00')).toBeNaN()
    expect(p.parse('garbage')).toBeNaN()
  })

  it('compareVersions', () => {
    expect(compareVersions('1.0.2', '1.1.0')).toBe(-1)
    expect(compareVersions('1.1.0', '1.1.0')).toBe(0)
    expect(compareVersions('1.1.1.dev1', '1.1.0')).toBe(1)
    expect(compareVersions('0.11.2', '1.0')).toBe(-1)
  })

  it('parseIncrement reads the server’s mixed types', () => {
    expect(
      parseIncrement({ increment: true, factor: '1.5', maxtime: 86400, overalljails: 'false' })
    ).toEqual({
      enabled: true,
      factor: '1.5',
      formula: null,
      multipliers: null,
      maxtime: 86400,
      rndtime: null,
      overalljails: false
    })
    expect(parseIncrement({})).toMatchObject({ enabled: false, factor: null })
  })

  it('parseStatusAll accepts a dict or pairs of jail statuses, and refuses a bare server status', () => {
    const short = value('14-status-sshd-short')
    const head = [
      ['Number of jail', 1],
      ['Jail list', 'sshd']
    ]
    expect(parseStatusAll([...head, ['Status', { sshd: short }]]).get('sshd')).toMatchObject({
      currentlyBanned: 4
    })
    expect(parseStatusAll([...head, ['sshd', short]]).get('sshd')).toMatchObject({ totalBanned: 4 })
    expect(() => parseStatusAll(head)).toThrow(Fail2BanProtocolError)
  })
})
