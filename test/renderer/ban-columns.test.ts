/** Ban lists cross IPC as columns: the round trip keeps every field, and bad columns throw. */
import { describe, expect, it } from 'vitest'
import { fromBanColumns, toBanColumns } from '../../src/shared/ban-columns.ts'
import type { Ban } from '../../src/shared/model.ts'

const bans: Ban[] = [
  {
    ip: '192.0.2.1',
    jail: 'sshd',
    bannedAt: 1_700_000_000_000,
    bantime: 600,
    expiresAt: 1_700_000_600_000,
    permanent: false
  },
  {
    ip: '2001:db8::1',
    jail: 'sshd',
    bannedAt: 1_700_000_001_000,
    bantime: -1,
    expiresAt: null,
    permanent: true
  }
]

describe('ban columns', () => {
  it('round-trips every field, permanent bans included', () => {
    const c = toBanColumns('sshd', bans)
    expect(c).toEqual({
      jail: 'sshd',
      ip: ['192.0.2.1', '2001:db8::1'],
      bannedAt: [1_700_000_000_000, 1_700_000_001_000],
      bantime: [600, -1],
      expiresAt: [1_700_000_600_000, null]
    })
    expect(fromBanColumns(c)).toEqual(bans)
    // What the e2e harness's JSON transport does to it changes nothing.
    expect(fromBanColumns(JSON.parse(JSON.stringify(c)))).toEqual(bans)
  })

  it('refuses columns of different lengths', () => {
    const c = toBanColumns('sshd', bans)
    c.bantime.pop()
    expect(() => fromBanColumns(c)).toThrow(/different lengths/)
  })
})
