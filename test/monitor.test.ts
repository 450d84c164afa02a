/**
 * MonitorService decisions that need no server: which fetches a poll makes, what it emits when
 * end times or settings change behind the app's back, and what a reply that cannot be decoded
 * does to the connection state. Fakes stand in for the server only where a real one cannot
 * misbehave on demand (garbage replies); the rest is in services.real.test.ts.
 */
import { describe, expect, it } from 'vitest'
import type { Ban, JailCounts, JailSettings } from '../src/shared/model.ts'
import { Fail2BanProtocolError, type Fail2BanCommands } from '../src/main/fail2ban/index.ts'
import { ConnectionService } from '../src/main/services/connection.service.ts'
import { MonitorService } from '../src/main/services/monitor.service.ts'

const counts = (banned: number, total = banned): JailCounts => ({
  currentlyFailed: 0,
  totalFailed: 0,
  currentlyBanned: banned,
  totalBanned: total
})
const ban = (ip: string, expiresAt = 2): Ban => ({
  ip,
  jail: 'sshd',
  bannedAt: 1,
  bantime: 600,
  expiresAt,
  permanent: false
})
const settings = (bantime = 600): JailSettings => ({
  name: 'sshd',
  bantime,
  findtime: 600,
  maxretry: 3,
  logpath: [],
  ignoreip: [],
  failregex: [],
  actions: [],
  usedns: 'warn',
  increment: {
    enabled: false,
    factor: null,
    formula: null,
    multipliers: null,
    maxtime: null,
    rndtime: null,
    overalljails: null
  }
})

interface State {
  counts: JailCounts
  bans: Ban[]
  bantime?: number
  garbage?: boolean
}

function setup(state: State, opts: { fullListUpTo?: number; settingsEveryMs?: number } = {}) {
  const clock = { now: 1_000_000 }
  const fetched: string[] = []
  const events: { name: string; payload: unknown }[] = []
  const emit = (name: string, payload: unknown) => events.push({ name, payload })
  const commands = {
    version: async () => '1.0.2',
    allJailCounts: async () => {
      if (state.garbage) throw new Fail2BanProtocolError('undecodable reply: stack underflow')
      return new Map([['sshd', state.counts]])
    },
    banList: async (jail: string) => {
      fetched.push(jail)
      return state.bans
    },
    jailSettings: async () => settings(state.bantime)
  } as unknown as Fail2BanCommands
  const connection = new ConnectionService({
    socketPath: '/run/test.sock',
    probe: () => commands.allJailCounts(),
    emit,
    backoffMs: 60_000
  })
  const monitor = new MonitorService({ commands, connection, emit, now: () => clock.now, ...opts })
  const of = (name: string) => events.filter((e) => e.name === name).map((e) => e.payload)
  return { monitor, connection, fetched, events, of, clock }
}

describe('MonitorService', () => {
  it('a big watched list is not fetched again right after the UI seeded it', async () => {
    const state = { counts: counts(2), bans: [ban('192.0.2.1'), ban('192.0.2.2')] }
    const { monitor, connection, fetched } = setup(state, { fullListUpTo: 1 })
    await connection.check()
    await monitor.pollNow()
    monitor.watch('sshd')
    monitor.seedWatched('sshd', state.bans)
    await monitor.pollNow()
    expect(fetched).toEqual([])
  })

  it('fetches and diffs the watched list once its counts change', async () => {
    const state = { counts: counts(1), bans: [ban('192.0.2.1')] }
    const { monitor, connection, fetched, of } = setup(state, { fullListUpTo: 0 })
    await connection.check()
    await monitor.pollNow()
    monitor.watch('sshd')
    monitor.seedWatched('sshd', state.bans)
    state.counts = counts(1, 2)
    state.bans = [ban('192.0.2.9')]
    await monitor.pollNow()
    expect(fetched).toEqual(['sshd'])
    expect(of('bansChanged').at(-1)).toEqual({
      jail: 'sshd',
      added: [ban('192.0.2.9')],
      removed: ['192.0.2.1']
    })
  })

  it('leaves the first fetch after watch to the UI, and fetches itself if no seed comes', async () => {
    const { monitor, connection, fetched, clock } = setup({
      counts: counts(1),
      bans: [ban('192.0.2.1')]
    })
    await connection.check()
    monitor.watch('sshd')
    await monitor.pollNow()
    expect(fetched).toEqual([])
    clock.now += 15_000
    await monitor.pollNow()
    expect(fetched).toEqual(['sshd'])
  })

  it('notices an end time that changed without any count changing (bantime.increment)', async () => {
    const state = { counts: counts(1), bans: [ban('192.0.2.1', 2)] }
    const { monitor, connection, of } = setup(state)
    await connection.check()
    monitor.watch('sshd')
    monitor.seedWatched('sshd', state.bans)
    await monitor.pollNow()
    expect(of('bansChanged')).toEqual([])
    state.bans = [ban('192.0.2.1', 5000)]
    await monitor.pollNow()
    expect(of('bansChanged')).toEqual([{ jail: 'sshd', added: [state.bans[0]], removed: [] }])
  })

  it('notices the watched jail’s settings changing behind the app’s back', async () => {
    const state: State = { counts: counts(0), bans: [], bantime: 600 }
    const { monitor, connection, of } = setup(state, { settingsEveryMs: 0 })
    await connection.check()
    monitor.watch('sshd')
    monitor.seedSettings(settings(600))
    await monitor.pollNow()
    expect(of('jailSettingsChanged')).toEqual([])
    state.bantime = 3600
    await monitor.pollNow()
    expect(of('jailSettingsChanged')).toEqual([settings(3600)])
    await monitor.pollNow()
    expect(of('jailSettingsChanged')).toHaveLength(1)
  })

  it('refresh() re-fetches the watched list and settings even when nothing seems changed', async () => {
    const state = { counts: counts(1), bans: [ban('192.0.2.1')] }
    const { monitor, connection, fetched, of } = setup(state, { fullListUpTo: 0 })
    await connection.check()
    monitor.watch('sshd')
    monitor.seedWatched('sshd', state.bans)
    monitor.seedSettings(settings())
    await monitor.pollNow()
    fetched.length = 0
    await monitor.refresh()
    expect(fetched).toEqual(['sshd'])
    expect(of('jailSettingsChanged')).toHaveLength(1)
  })

  it('markFailed lists a failed jail with its reason until a poll sees it run', async () => {
    const state = { counts: counts(0), bans: [] }
    const { monitor, connection, of } = setup(state)
    await connection.check()
    await monitor.pollNow()
    monitor.markFailed([{ jail: 'broken', reason: "Unable to read the filter 'x'" }])
    expect(monitor.jails.find((j) => j.name === 'broken')).toMatchObject({
      running: false,
      problem: "Unable to read the filter 'x'"
    })
    await monitor.pollNow()
    expect(monitor.jails.find((j) => j.name === 'broken')?.problem).toMatch(/filter/)
    expect(of('jailsChanged').length).toBeGreaterThan(0)
  })

  it('forgets failed jails the configuration no longer has, keeps the others', async () => {
    const { monitor, connection } = setup({ counts: counts(0), bans: [] })
    await connection.check()
    await monitor.pollNow()
    monitor.markFailed([
      { jail: 'gone', reason: 'x' },
      { jail: 'still', reason: 'y' }
    ])
    monitor.forgetFailedExcept(['sshd', 'still'])
    expect(monitor.jails.map((j) => j.name)).toEqual(['sshd', 'still'])
  })

  it('a garbage reply mid-session is a visible state, not swallowed', async () => {
    const state: State = { counts: counts(1), bans: [] }
    const { monitor, connection, of } = setup(state)
    await connection.check()
    await monitor.pollNow()
    expect(connection.state.status).toBe('connected')
    state.garbage = true
    await monitor.pollNow()
    expect(connection.state.status).toBe('bad-reply')
    expect(connection.state.message).toMatch(/cannot read/)
    expect(of('connectionChanged').at(-1)).toMatchObject({ status: 'bad-reply' })
    // Once replies decode again, the next poll reconnects.
    state.garbage = false
    await monitor.pollNow()
    expect(connection.state.status).toBe('connected')
    connection.stop()
  })
})
