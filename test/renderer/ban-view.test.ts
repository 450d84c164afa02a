import { describe, expect, it } from 'vitest'
import type { Ban } from '../../src/shared/model.ts'
import {
  applyBanDiff,
  filterBans,
  ipSortKey,
  rangeOf,
  sortBans
} from '../../src/renderer/src/lib/ban-view.ts'
import { handleShortcut } from '../../src/renderer/src/app/shortcuts.ts'

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

describe('sorting', () => {
  it('IPs sort numerically, IPv4 before IPv6, both directions', () => {
    expect(sortBans(bans, { key: 'ip', dir: 1 }).map((b) => b.ip)).toEqual([
      '9.1.1.1',
      '10.0.0.9',
      '10.0.0.10',
      '2001:db8::2',
      '2001:db8::10'
    ])
    expect(sortBans(bans, { key: 'ip', dir: -1 }).map((b) => b.ip)[0]).toBe('2001:db8::10')
  })

  it('expiry sorts permanent bans last (ascending)', () => {
    expect(sortBans(bans, { key: 'expiresAt', dir: 1 }).map((b) => b.ip)).toEqual([
      '10.0.0.9',
      '2001:db8::2',
      '10.0.0.10',
      '2001:db8::10',
      '9.1.1.1'
    ])
  })

  it('banned-at, newest first', () => {
    expect(sortBans(bans, { key: 'bannedAt', dir: -1 }).map((b) => b.bannedAt)).toEqual([
      5, 4, 3, 2, 1
    ])
  })

  it('does not mutate its input', () => {
    const copy = bans.slice()
    sortBans(bans, { key: 'ip', dir: 1 })
    expect(bans).toEqual(copy)
  })

  it('ipSortKey expands IPv6 and pads IPv4', () => {
    expect(ipSortKey('1.2.3.4')).toBe('4001.002.003.004/000')
    expect(ipSortKey('::1') < ipSortKey('::2')).toBe(true)
    expect(ipSortKey('2001:db8::/32') < ipSortKey('2001:db8::1')).toBe(true)
  })
})

it('filter, range and diff', () => {
  expect(filterBans(bans, ' 10.0.0. ').map((b) => b.ip)).toEqual(['10.0.0.10', '10.0.0.9'])
  expect(filterBans(bans, '')).toBe(bans)
  expect(rangeOf(bans, 3, 1)).toEqual(['9.1.1.1', '2001:db8::2', '10.0.0.9'])
  const next = applyBanDiff(bans, [ban('192.0.2.1', 9, 99), ban('10.0.0.9', 4, 77)], ['9.1.1.1'])
  expect(next.map((b) => b.ip).sort()).toEqual([
    '10.0.0.10',
    '10.0.0.9',
    '192.0.2.1',
    '2001:db8::10',
    '2001:db8::2'
  ])
  expect(next.find((b) => b.ip === '10.0.0.9')?.expiresAt).toBe(77)
})

describe('shortcuts', () => {
  const calls: string[] = []
  const actions = {
    focusSearch: () => calls.push('search'),
    openBan: () => calls.push('ban'),
    unbanSelected: () => calls.push('unban'),
    refresh: () => calls.push('refresh')
  }
  const key = (k: string, extra: Partial<{ ctrlKey: boolean; target: unknown }> = {}) =>
    handleShortcut(
      { key: k, ctrlKey: false, metaKey: false, altKey: false, target: null, ...extra } as never,
      actions
    )

  it('maps keys to actions', () => {
    calls.length = 0
    expect(key('/')).toBe(true)
    expect(key('b', { ctrlKey: true })).toBe(true)
    expect(key('Delete')).toBe(true)
    expect(key('r')).toBe(true)
    expect(key('x')).toBe(false)
    expect(calls).toEqual(['search', 'ban', 'unban', 'refresh'])
  })

  it('ignores plain keys while typing in a field, but Ctrl+B still opens the dialog', () => {
    calls.length = 0
    const input = { tagName: 'INPUT', isContentEditable: false, closest: () => null }
    expect(key('/', { target: input })).toBe(false)
    expect(key('Delete', { target: input })).toBe(false)
    expect(key('b', { ctrlKey: true, target: input })).toBe(true)
    expect(calls).toEqual(['ban'])
  })
})
