import { describe, expect, it } from 'vitest'
import type { Ban } from '../../src/shared/model.ts'
import {
  applyBanDiff,
  banComparator,
  filterBans,
  ipSortKey,
  nextSort,
  rowsFromColumns,
  sortBans,
  type SortSpec
} from '../../src/renderer/src/features/bans/lib/ban-view.ts'
import { toBanColumns } from '../../src/shared/ban-columns.ts'

const ban = (ip: string, bannedAt: number, expiresAt: number | null): Ban => ({
  ip,
  jail: 'j',
  bannedAt,
  bantime: expiresAt === null ? -1 : 600,
  expiresAt,
  permanent: expiresAt === null
})

const bans = [
  ban('10.0.0.10', 3, 30),
  ban('9.1.1.1', 1, null),
  ban('2001:db8::2', 2, 20),
  ban('10.0.0.9', 4, 10),
  ban('2001:db8::10', 5, 40)
]
const ips = (list: readonly Ban[]) => list.map((b) => b.ip)
/** Every neighbour pair is in order by the comparator. */
function expectSorted(list: readonly Ban[], sort: SortSpec): void {
  const cmp = banComparator(sort)
  for (let i = 1; i < list.length; i++) {
    if (cmp(list[i - 1]!, list[i]!) > 0) {
      throw new Error(`rows ${i - 1} and ${i} out of order: ${list[i - 1]!.ip}, ${list[i]!.ip}`)
    }
  }
}

describe('sorting', () => {
  it('IPs sort numerically, IPv4 before IPv6, both directions', () => {
    expect(ips(sortBans(bans, { key: 'ip', dir: 1 }))).toEqual([
      '9.1.1.1',
      '10.0.0.9',
      '10.0.0.10',
      '2001:db8::2',
      '2001:db8::10'
    ])
    expect(ips(sortBans(bans, { key: 'ip', dir: -1 }))[0]).toBe('2001:db8::10')
  })

  it('expiry ascending puts the soonest first and permanent bans last', () => {
    expect(ips(sortBans(bans, { key: 'expiresAt', dir: 1 }))).toEqual([
      '10.0.0.9',
      '2001:db8::2',
      '10.0.0.10',
      '2001:db8::10',
      '9.1.1.1'
    ])
  })

  it('banned-at descending is newest first', () => {
    expect(sortBans(bans, { key: 'bannedAt', dir: -1 }).map((b) => b.bannedAt)).toEqual([
      5, 4, 3, 2, 1
    ])
  })

  it('equal times keep the list order (stable), reversed when descending', () => {
    const same = [ban('192.0.2.3', 7, 9), ban('192.0.2.1', 7, 9), ban('192.0.2.2', 7, 9)]
    expect(ips(sortBans(same, { key: 'bannedAt', dir: 1 }))).toEqual([
      '192.0.2.3',
      '192.0.2.1',
      '192.0.2.2'
    ])
    expect(ips(sortBans(same, { key: 'bannedAt', dir: -1 }))).toEqual([
      '192.0.2.2',
      '192.0.2.1',
      '192.0.2.3'
    ])
  })

  it('sortBans agrees with banComparator (the binary insertion relies on it)', () => {
    const many = Array.from({ length: 300 }, (_, i) =>
      ban(
        i % 3 ? `10.${i % 7}.${i % 11}.${i}` : `2001:db8::${i.toString(16)}`,
        1_700_000_000_000 + (i % 13) * 1000,
        i % 17 ? 1_700_000_600_000 + (i % 5) * 1000 : null
      )
    )
    for (const key of ['ip', 'bannedAt', 'expiresAt'] as const) {
      for (const dir of [1, -1] as const) {
        const sort = { key, dir }
        const out = sortBans(many, sort)
        expectSorted(out, sort)
        expect(ips(out).sort()).toEqual(ips(many).sort())
      }
    }
    // IPs are unique: there the order is fully determined.
    const byIp = { key: 'ip', dir: 1 } as const
    expect(ips(sortBans(many, byIp))).toEqual(ips(many.slice().sort(banComparator(byIp))))
  })

  it('times that do not pack (sub-millisecond, huge spans) still sort', () => {
    const odd = [ban('192.0.2.1', 2.5, 9), ban('192.0.2.2', 1.25, 9), ban('192.0.2.3', 8e15, null)]
    expect(ips(sortBans(odd, { key: 'bannedAt', dir: 1 }))).toEqual([
      '192.0.2.2',
      '192.0.2.1',
      '192.0.2.3'
    ])
    const wide = [ban('192.0.2.1', 0, 9), ban('192.0.2.2', 8e15, 9), ban('192.0.2.3', 4e15, 9)]
    expect(ips(sortBans(wide, { key: 'bannedAt', dir: -1 }))).toEqual([
      '192.0.2.2',
      '192.0.2.3',
      '192.0.2.1'
    ])
  })

  it('fractional times between whole ones sort by value', () => {
    const frac = [ban('192.0.2.1', 3, 9), ban('192.0.2.2', 2.5, 9), ban('192.0.2.3', 1, 9)]
    expect(ips(sortBans(frac, { key: 'bannedAt', dir: 1 }))).toEqual([
      '192.0.2.3',
      '192.0.2.2',
      '192.0.2.1'
    ])
  })

  it('an IP listed twice keeps both rows (no row is lost or doubled)', () => {
    const twice = [ban('192.0.2.9', 1, 9), ban('192.0.2.1', 2, 9), ban('192.0.2.9', 3, 9)]
    const out = sortBans(twice, { key: 'ip', dir: 1 })
    expect(ips(out)).toEqual(['192.0.2.1', '192.0.2.9', '192.0.2.9'])
    expect(out.map((b) => b.bannedAt).sort()).toEqual([1, 2, 3])
  })

  // Correctness at size only: speed is measured in the bench (bench/render.ts), never in a
  // timed unit test on a shared machine.
  it('100 000 rows sort correctly both ways', () => {
    const big = Array.from({ length: 100_000 }, (_, i) =>
      ban(
        `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`,
        1_700_000_000_000 + ((i * 7919) % 3600) * 1000,
        null
      )
    )
    const out = sortBans(big, { key: 'bannedAt', dir: -1 })
    const byIp = sortBans(out, { key: 'ip', dir: 1 })
    expectSorted(out, { key: 'bannedAt', dir: -1 })
    expect(byIp[0]!.ip).toBe('10.0.0.0')
    expect(byIp.at(-1)!.ip).toBe('10.1.134.159')
  })

  it('does not mutate its input', () => {
    const copy = bans.slice()
    sortBans(bans, { key: 'ip', dir: 1 })
    expect(bans).toEqual(copy)
  })

  it('ipSortKey orders addresses by value and networks before their first address', () => {
    expect(ipSortKey('9.0.0.0') < ipSortKey('10.0.0.0')).toBe(true)
    expect(ipSortKey('255.255.255.255') < ipSortKey('::1')).toBe(true)
    expect(ipSortKey('::1') < ipSortKey('::2')).toBe(true)
    expect(ipSortKey('2001:DB8::1')).toBe(ipSortKey('2001:db8::1'))
    expect(ipSortKey('2001:db8::/32') < ipSortKey('2001:db8::1')).toBe(true)
    expect(ipSortKey('192.0.2.0/24') < ipSortKey('192.0.2.0')).toBe(true)
    expect(ipSortKey('1:2:3:4:5:6:7:8') < ipSortKey('1:2:3:4:5:6:7:9')).toBe(true)
  })

  it('nextSort flips the same column and starts others at their natural direction', () => {
    const s: SortSpec = { key: 'bannedAt', dir: -1 }
    expect(nextSort(s, 'bannedAt')).toEqual({ key: 'bannedAt', dir: 1 })
    expect(nextSort(s, 'ip')).toEqual({ key: 'ip', dir: 1 })
    expect(nextSort(s, 'expiresAt')).toEqual({ key: 'expiresAt', dir: 1 })
    expect(nextSort({ key: 'ip', dir: 1 }, 'bannedAt')).toEqual({ key: 'bannedAt', dir: -1 })
  })
})

describe('filter', () => {
  it('matches a case-insensitive, trimmed substring of the IP', () => {
    expect(ips(filterBans(bans, ' 10.0.0. '))).toEqual(['10.0.0.10', '10.0.0.9'])
    expect(ips(filterBans(bans, 'DB8::1'))).toEqual(['2001:db8::10'])
    expect(filterBans(bans, 'nothing-like-it')).toEqual([])
  })

  it('an empty filter returns the same array (memoized views stay equal)', () => {
    expect(filterBans(bans, '')).toBe(bans)
    expect(filterBans(bans, '   ')).toBe(bans)
  })
})

describe('applying monitor diffs to a sorted list', () => {
  const sort: SortSpec = { key: 'bannedAt', dir: -1 }
  const sorted = sortBans(bans, sort)

  it('inserts added bans in order and drops removed ones', () => {
    const next = applyBanDiff(sorted, [ban('192.0.2.1', 4.5, 99)], ['9.1.1.1'], sort)
    expect(ips(next)).toEqual(['2001:db8::10', '192.0.2.1', '10.0.0.9', '10.0.0.10', '2001:db8::2'])
  })

  it('a re-added IP replaces its old row (a new ban time)', () => {
    const next = applyBanDiff(sorted, [ban('10.0.0.9', 6, 77)], [], sort)
    expect(next).toHaveLength(sorted.length)
    expect(next[0]).toMatchObject({ ip: '10.0.0.9', expiresAt: 77 })
  })

  it('returns the input itself when nothing changes', () => {
    expect(applyBanDiff(sorted, [], [], sort)).toBe(sorted)
    expect(applyBanDiff(sorted, [], ['203.0.113.1'], sort)).toBe(sorted)
  })

  it('a large diff gives the same result as a full sort', () => {
    const added = Array.from({ length: 1000 }, (_, i) =>
      ban(`198.51.${i >> 8}.${i & 255}`, i % 9, i)
    )
    const next = applyBanDiff(sorted, added, ['10.0.0.10'], sort)
    expect(next).toEqual(sortBans([...bans.filter((b) => b.ip !== '10.0.0.10'), ...added], sort))
  })

  it('small diffs keep every sort order intact', () => {
    for (const key of ['ip', 'bannedAt', 'expiresAt'] as const) {
      const s: SortSpec = { key, dir: 1 }
      const base = sortBans(bans, s)
      const add = [ban('10.0.0.11', 3, 25), ban('1.1.1.1', 0, null)]
      const next = applyBanDiff(base, add, ['2001:db8::2'], s)
      expectSorted(next, s)
      expect(ips(next).sort()).toEqual(
        ips([...bans.filter((b) => b.ip !== '2001:db8::2'), ...add]).sort()
      )
    }
  })

  it('does not mutate the list it is given', () => {
    const copy = sorted.slice()
    applyBanDiff(sorted, [ban('192.0.2.9', 1, 2)], ['9.1.1.1'], sort)
    expect(sorted).toEqual(copy)
  })
})

describe('rowsFromColumns', () => {
  const list = (times: number[]) =>
    times.map((t, i) =>
      ban(
        `10.0.0.${i}`,
        1_700_000_000_000 + t * 1000,
        i === 3 ? null : 1_700_000_600_000 + t * 1000
      )
    )
  const specs: SortSpec[] = [
    { key: 'bannedAt', dir: -1 },
    { key: 'bannedAt', dir: 1 },
    { key: 'expiresAt', dir: 1 },
    { key: 'ip', dir: 1 }
  ]

  it('agrees with sortBans for lists in order (the one-pass path), with ties', () => {
    const sorted = list([1, 2, 2, 2, 5, 9])
    for (const spec of specs)
      expect(rowsFromColumns(toBanColumns('j', sorted), spec)).toEqual(sortBans(sorted, spec))
  })

  it('agrees with sortBans for lists out of order (the sorting path)', () => {
    const shuffled = list([5, 1, 9, 2, 2, 7])
    for (const spec of specs)
      expect(rowsFromColumns(toBanColumns('j', shuffled), spec)).toEqual(sortBans(shuffled, spec))
  })
})
