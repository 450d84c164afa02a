/** The fleet feature: merged-ban order, debounced refresh, fleet-wide search, ban and unban. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { FleetBanColumns } from '../../src/shared/servers.ts'
import {
  actionBlocker,
  initialFleetActionState,
  useFleetActionStore
} from '../../src/renderer/src/features/fleet/action-store.ts'
import {
  fleetOrder,
  nextFleetSort,
  rowAt,
  rowCount,
  type FleetSort
} from '../../src/renderer/src/features/fleet/lib/merged-bans.ts'
import {
  initialFleetSearchState,
  useFleetSearchStore
} from '../../src/renderer/src/features/fleet/search-store.ts'
import { jailNames, resultText } from '../../src/renderer/src/features/fleet/selectors.ts'
import {
  fleetDigest,
  initialFleetState,
  REFRESH_DEBOUNCE_MS,
  useFleetStore
} from '../../src/renderer/src/features/fleet/store.ts'
import { createFakeBangui, deferred, failure, type FakeBangui } from './fake-bangui.ts'
import { server } from './servers-fixtures.ts'

let fake: FakeBangui
beforeEach(() => {
  fake = createFakeBangui()
  vi.stubGlobal('window', { bangui: fake.api })
  useFleetStore.setState(initialFleetState)
  useFleetSearchStore.setState(initialFleetSearchState)
  useFleetActionStore.setState(initialFleetActionState)
})
afterEach(() => {
  vi.useRealTimers()
})

/** Columns from rows [server, jail, ip, bannedAt s, expiresAt s | null]. */
function columns(rows: [string, string, string, number, number | null][]): FleetBanColumns {
  return {
    server: rows.map((r) => r[0]),
    jail: rows.map((r) => r[1]),
    ip: rows.map((r) => r[2]),
    bannedAt: rows.map((r) => r[3] * 1000),
    bantime: rows.map((r) => (r[4] === null ? -1 : r[4] - r[3])),
    expiresAt: rows.map((r) => (r[4] === null ? null : r[4] * 1000)),
    errors: []
  }
}

const c = columns([
  ['web', 'sshd', '10.0.0.10', 100, 700],
  ['db', 'sshd', '10.0.0.2', 300, null],
  ['local', 'nginx', '2001:db8::1', 200, 800],
  ['web', 'nginx', '10.0.0.2', 300, 900],
  ['db', 'apache', '192.0.2.1', 50, 650]
])
const names = new Map([
  ['local', 'this machine'],
  ['web', 'Web'],
  ['db', 'Database']
])
const ipsIn = (sort: FleetSort, filter = '') =>
  Array.from(fleetOrder(c, sort, filter, names), (i) => `${c.server[i]}/${c.ip[i]}`)

describe('merged ban order', () => {
  it('sorts IPs by address (10.0.0.2 before 10.0.0.10, IPv4 before IPv6), ties in list order', () => {
    expect(ipsIn({ key: 'ip', dir: 1 })).toEqual([
      'db/10.0.0.2',
      'web/10.0.0.2',
      'web/10.0.0.10',
      'db/192.0.2.1',
      'local/2001:db8::1'
    ])
    // descending flips the addresses but equal IPs keep list order
    expect(ipsIn({ key: 'ip', dir: -1 }).slice(3)).toEqual(['db/10.0.0.2', 'web/10.0.0.2'])
  })

  it('sorts IPv6 by address too, networks before their first address', () => {
    const v6 = columns([
      ['web', 'sshd', '2001:db8::10', 1, 2],
      ['web', 'sshd', '2001:db8::9', 1, 2],
      ['web', 'sshd', '2001:db8::/64', 1, 2],
      ['web', 'sshd', '192.0.2.0/24', 1, 2],
      ['web', 'sshd', '192.0.2.0', 1, 2]
    ])
    const order = fleetOrder(v6, { key: 'ip', dir: 1 }, '', names)
    expect(Array.from(order, (i) => v6.ip[i])).toEqual([
      '192.0.2.0/24',
      '192.0.2.0',
      '2001:db8::/64',
      '2001:db8::9',
      '2001:db8::10'
    ])
  })

  it('sorts times as numbers, newest first by default; permanent bans expire last', () => {
    expect(ipsIn({ key: 'bannedAt', dir: -1 })).toEqual([
      'db/10.0.0.2',
      'web/10.0.0.2',
      'local/2001:db8::1',
      'web/10.0.0.10',
      'db/192.0.2.1'
    ])
    expect(ipsIn({ key: 'expiresAt', dir: 1 }).at(-1)).toBe('db/10.0.0.2')
  })

  it('sorts servers by the name shown, then IP; filters on IP, jail or server name', () => {
    expect(ipsIn({ key: 'server', dir: 1 })).toEqual([
      'db/10.0.0.2',
      'db/192.0.2.1',
      'local/2001:db8::1',
      'web/10.0.0.2',
      'web/10.0.0.10'
    ])
    expect(ipsIn({ key: 'ip', dir: 1 }, 'DATA')).toEqual(['db/10.0.0.2', 'db/192.0.2.1'])
    expect(ipsIn({ key: 'ip', dir: 1 }, 'nginx')).toEqual(['web/10.0.0.2', 'local/2001:db8::1'])
    expect(ipsIn({ key: 'ip', dir: 1 }, '10.0.0.1')).toEqual(['web/10.0.0.10'])
  })

  it('never reads past the shortest column; rows are built on demand', () => {
    const short = { ...c, expiresAt: c.expiresAt.slice(0, 3) }
    expect(rowCount(short)).toBe(3)
    expect(fleetOrder(short, { key: 'ip', dir: 1 }, '', names)).toHaveLength(3)
    expect(rowAt(c, 1)).toEqual({
      index: 1,
      server: 'db',
      jail: 'sshd',
      ip: '10.0.0.2',
      bannedAt: 300_000,
      bantime: -1,
      expiresAt: null
    })
  })

  it('a column flips on a second click, another starts at its natural direction', () => {
    expect(nextFleetSort({ key: 'ip', dir: 1 }, 'ip')).toEqual({ key: 'ip', dir: -1 })
    expect(nextFleetSort({ key: 'ip', dir: -1 }, 'bannedAt')).toEqual({ key: 'bannedAt', dir: -1 })
    expect(nextFleetSort({ key: 'bannedAt', dir: -1 }, 'server')).toEqual({ key: 'server', dir: 1 })
  })

  it('orders 100 000 rows (what the view is built for)', () => {
    const n = 100_000
    const big: FleetBanColumns = {
      server: Array.from({ length: n }, (_, i) => `s${i % 3}`),
      jail: Array.from({ length: n }, () => 'sshd'),
      ip: Array.from({ length: n }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`),
      bannedAt: Array.from({ length: n }, (_, i) => (n - i) * 1000),
      bantime: Array.from({ length: n }, () => 600),
      expiresAt: Array.from({ length: n }, (_, i) => (n - i) * 1000 + 600_000),
      errors: []
    }
    const order = fleetOrder(big, { key: 'ip', dir: 1 }, '', new Map())
    expect(order).toHaveLength(n)
    expect(big.ip[order[0]!]).toBe('10.0.0.0')
    expect(big.ip[order[n - 1]!]).toBe('10.1.134.159')
  })
})

describe('All servers view store', () => {
  const overview = {
    servers: [{ id: 'web', name: 'Web', status: 'connected' as const, jails: [] }],
    totals: { servers: 1, connected: 1, jails: 0, banned: 5 }
  }

  it('shows, loads both parts and orders the bans; a failed part keeps what was shown', async () => {
    fake.answers.fleetOverview = overview
    fake.answers.fleetBans = c
    useFleetStore.getState().show()
    await vi.waitFor(() => expect(useFleetStore.getState().bansStatus).toBe('ready'))
    expect(useFleetStore.getState().order).toHaveLength(5)
    fake.answers.fleetBans = failure('timeout', 'db did not answer')
    await useFleetStore.getState().refresh()
    expect(useFleetStore.getState()).toMatchObject({
      bansStatus: 'ready',
      bansError: 'db did not answer'
    })
    expect(useFleetStore.getState().bans).toBe(c)
  })

  it('server changes refresh once per burst, and only while the view is shown', async () => {
    vi.useFakeTimers()
    fake.answers.fleetOverview = overview
    fake.answers.fleetBans = c
    useFleetStore.getState().scheduleRefresh()
    await vi.advanceTimersByTimeAsync(REFRESH_DEBOUNCE_MS * 2)
    expect(fake.names()).toEqual([])
    useFleetStore.setState({ open: true })
    for (let i = 0; i < 5; i++) {
      useFleetStore.getState().scheduleRefresh()
      await vi.advanceTimersByTimeAsync(REFRESH_DEBOUNCE_MS / 2)
    }
    expect(fake.names()).toEqual([])
    await vi.advanceTimersByTimeAsync(REFRESH_DEBOUNCE_MS)
    expect(fake.names().sort()).toEqual(['fleetBans', 'fleetOverview'])
    // closing cancels a pending refresh
    useFleetStore.getState().scheduleRefresh()
    useFleetStore.getState().close()
    await vi.advanceTimersByTimeAsync(REFRESH_DEBOUNCE_MS * 2)
    expect(fake.names()).toHaveLength(2)
  })

  it('a server report with the same states and counts does not reload the view', async () => {
    vi.useFakeTimers()
    fake.answers.fleetOverview = overview
    fake.answers.fleetBans = c
    useFleetStore.setState({ open: true })
    const report = (banned: number) =>
      fleetDigest([server('web', { banned }), server('db', { status: 'failed' })])
    useFleetStore.getState().scheduleRefresh(report(5))
    await vi.advanceTimersByTimeAsync(REFRESH_DEBOUNCE_MS * 2)
    useFleetStore.getState().scheduleRefresh(report(5))
    await vi.advanceTimersByTimeAsync(REFRESH_DEBOUNCE_MS * 2)
    expect(fake.names().filter((n) => n === 'fleetBans')).toHaveLength(1)
    useFleetStore.getState().scheduleRefresh(report(6))
    await vi.advanceTimersByTimeAsync(REFRESH_DEBOUNCE_MS * 2)
    expect(fake.names().filter((n) => n === 'fleetBans')).toHaveLength(2)
    // shown again later: the same report is news to the fresh view
    useFleetStore.getState().close()
    useFleetStore.setState({ open: true })
    useFleetStore.getState().scheduleRefresh(report(6))
    await vi.advanceTimersByTimeAsync(REFRESH_DEBOUNCE_MS * 2)
    expect(fake.names().filter((n) => n === 'fleetBans')).toHaveLength(3)
  })

  it('a late answer after close is dropped', async () => {
    const late = deferred<unknown>()
    fake.answers.fleetOverview = () => late.promise
    fake.answers.fleetBans = c
    useFleetStore.getState().show()
    useFleetStore.getState().close()
    late.resolve(overview)
    await new Promise((r) => setTimeout(r, 0))
    expect(useFleetStore.getState().overview).toBeNull()
  })
})

describe('fleet-wide search', () => {
  it('checks the IP first, then shows each server’s answer', async () => {
    useFleetSearchStore.getState().setQuery('999.1.1.1')
    await useFleetSearchStore.getState().search()
    expect(useFleetSearchStore.getState().status).toBe('error')
    expect(fake.calls).toEqual([])
    const results = [
      { server: 'web', ok: true, value: { ip: '192.0.2.1', jails: ['sshd'], networks: [] } },
      { server: 'db', ok: false, message: 'Not connected.' }
    ]
    fake.answers.fleetFind = results
    useFleetSearchStore.getState().setQuery(' 192.0.2.1 ')
    await useFleetSearchStore.getState().search()
    expect(fake.calls).toEqual([{ name: 'fleetFind', request: { ip: '192.0.2.1' } }])
    expect(useFleetSearchStore.getState()).toMatchObject({
      status: 'done',
      ip: '192.0.2.1',
      result: results
    })
  })
})

describe('fleet-wide ban and unban', () => {
  const all = ['local', 'web', 'db']

  it('needs servers, a jail (to ban) and valid IPs before it sends anything', () => {
    const a = useFleetActionStore.getState()
    a.show('ban', ['web'])
    expect(actionBlocker(useFleetActionStore.getState())).toBe('Name the jail to ban in.')
    a.setJail('sshd')
    expect(actionBlocker(useFleetActionStore.getState())).toMatch(/at least one IP/)
    a.setText('192.0.2.1 nonsense')
    expect(actionBlocker(useFleetActionStore.getState())).toMatch(/invalid/)
    a.setText('192.0.2.1')
    a.toggleServer('web', all)
    expect(actionBlocker(useFleetActionStore.getState())).toBe('Choose at least one server.')
    a.show('unban', ['web'], '192.0.2.1')
    expect(actionBlocker(useFleetActionStore.getState())).toBeNull()
  })

  it('bans on the chosen servers with one operation id; progress of other operations is ignored', async () => {
    const a = useFleetActionStore.getState()
    a.show('ban', ['web'])
    a.toggleServer('db', all)
    a.toggleServer('local', all)
    expect(useFleetActionStore.getState().servers).toEqual(['local', 'web', 'db'])
    a.toggleServer('local', all)
    a.setJail(' sshd ')
    a.setText('192.0.2.1\n192.0.2.1, 198.51.100.0/24')
    const answer = deferred<unknown>()
    fake.answers.fleetBan = () => answer.promise
    const running = a.submit()
    const { operationId, status } = useFleetActionStore.getState()
    expect(status).toBe('running')
    expect(fake.calls[0]).toEqual({
      name: 'fleetBan',
      request: {
        servers: ['web', 'db'],
        jail: 'sshd',
        ips: ['192.0.2.1', '198.51.100.0/24'],
        operationId
      }
    })
    a.applyProgress({
      operationId: 'other',
      server: 'web',
      done: 1,
      total: 2,
      ok: true,
      message: null
    })
    expect(useFleetActionStore.getState().progress).toEqual({})
    a.applyProgress({
      operationId: operationId!,
      server: 'db',
      done: 1,
      total: 2,
      ok: false,
      message: 'no jail sshd'
    })
    expect(Object.keys(useFleetActionStore.getState().progress)).toEqual(['db'])
    const results = [
      { server: 'web', ok: true, value: 2 },
      { server: 'db', ok: false, message: 'fail2ban has no jail named "sshd"' }
    ]
    answer.resolve(results)
    await running
    expect(useFleetActionStore.getState()).toMatchObject({ status: 'done', results })
    expect(resultText('ban', results[0] as never)).toBe('newly banned 2')
    expect(resultText('unban', { server: 'x', ok: true, value: 0 })).toBe('nothing to unban')
  })

  it('unban sends no jail; a refused request is an error, not a result', async () => {
    fake.answers.fleetUnban = failure('invalid-argument', 'servers: no server chosen')
    const a = useFleetActionStore.getState()
    a.show('unban', ['db'], '192.0.2.1')
    await a.submit()
    expect(fake.calls[0]!.request).toMatchObject({ servers: ['db'], ips: ['192.0.2.1'] })
    expect(fake.calls[0]!.request).not.toHaveProperty('jail')
    expect(useFleetActionStore.getState()).toMatchObject({
      status: 'error',
      error: 'servers: no server chosen'
    })
  })

  it('suggests every jail name of the fleet once', () => {
    expect(
      jailNames([{ jails: [{ name: 'sshd' }, { name: 'nginx' }] }, { jails: [{ name: 'sshd' }] }])
    ).toEqual(['nginx', 'sshd'])
  })
})
