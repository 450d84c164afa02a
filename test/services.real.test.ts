/**
 * Main-process services and the IPC registry over a private real fail2ban-server: what the UI
 * asks for, validated, chunked, monitored, and the connection state machine across a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventContract, EventName } from '../src/shared/contract.ts'
import { createDispatch, type Dispatch } from '../src/main/ipc/registry.ts'
import { createAppServices, type AppServices } from '../src/main/services/app-services.ts'
import { fail2banClient, startTestServer, type TestServer } from './support/f2b-server.ts'

let server: TestServer
let services: AppServices
let dispatch: Dispatch
const events: { name: EventName; payload: unknown }[] = []

beforeAll(async () => {
  server = await startTestServer()
  services = createAppServices({
    socketPath: server.socketPath,
    confDir: `${server.dir}/conf`,
    pollIntervalMs: 200,
    reconnectBackoffMs: 100
  })
  services.events.subscribe((name, payload) => events.push({ name, payload }))
  dispatch = createDispatch(services)
  await services.start()
})
afterAll(async () => {
  await services?.dispose()
  await server?.stop()
})

async function ok<T = unknown>(name: string, req?: unknown): Promise<T> {
  const r = await dispatch(name, req)
  if (!r.ok) throw new Error(`${name} failed: ${r.error.code}: ${r.error.message}`)
  return r.value as T
}

function eventsOf<K extends EventName>(name: K): EventContract[K][] {
  return events.filter((e) => e.name === name).map((e) => e.payload as EventContract[K])
}

async function until(check: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('registry over real services', () => {
  it('is connected and lists jails with counts', async () => {
    expect((await ok<{ status: string }>('getConnection')).status).toBe('connected')
    const jails = await ok<{ name: string; running: boolean }[]>('listJails')
    expect(jails.map((j) => [j.name, j.running])).toEqual([
      ['bulk', true],
      ['sshd', true],
      ['webapp', true]
    ])
    await expect(ok('getServerInfo')).resolves.toMatchObject({
      version: '1.0.2',
      socketPath: server.socketPath
    })
  })

  it('has no raw command channel: unknown channels are refused', async () => {
    for (const name of ['send', 'raw', 'command', '__proto__', 'constructor']) {
      await expect(dispatch(name, ['stop'])).resolves.toMatchObject({
        ok: false,
        error: { code: 'forbidden' }
      })
    }
    await expect(ok('getConnection')).resolves.toMatchObject({ status: 'connected' })
  })

  it('bans 2500 IPs in chunks with progress events, then lists them', async () => {
    const ips = Array.from(
      { length: 2500 },
      (_, i) => `10.${(i >> 8) & 255}.${i & 255}.${1 + (i % 200)}`
    )
    const unique = new Set(ips).size
    const before = eventsOf('banProgress').length
    const r = await ok<{ newlyBanned: number; submitted: number; cancelled: boolean }>('banIps', {
      jail: 'bulk',
      ips,
      operationId: 'op-1'
    })
    expect(r).toEqual({ newlyBanned: unique, submitted: unique, cancelled: false })
    const progress = eventsOf('banProgress').slice(before)
    // Chunks are sized by a time budget: several of them, in order, ending at the total.
    const done = progress.map((p) => p.done)
    expect(done[0]).toBe(0)
    expect(done.at(-1)).toBe(unique)
    expect(done.length).toBeGreaterThan(3)
    expect(done.every((d, i) => i === 0 || d > done[i - 1]!)).toBe(true)
    const bans = await ok<{ ip: string[]; bannedAt: number[] }>('listBans', { jail: 'bulk' })
    // Columns, not 100 000 objects: one array per field.
    expect(bans.ip).toHaveLength(unique)
    expect(bans.bannedAt).toHaveLength(unique)
  })

  it('refuses a list with one invalid IP, with its reason, and sends nothing', async () => {
    const r = await dispatch('banIps', {
      jail: 'sshd',
      ips: ['192.0.2.1', 'not-an-ip'],
      operationId: 'op-2'
    })
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-argument' } })
    expect(!r.ok && r.error.message).toMatch(/ips\.1: "not-an-ip" is not a valid IPv4 address/)
    expect(await services.commands.bannedIps('sshd')).toEqual([])
  })

  it('refuses bad jail names and unknown fields', async () => {
    await expect(dispatch('listBans', { jail: 'sshd; rm -rf /' })).resolves.toMatchObject({
      error: { code: 'invalid-argument' }
    })
    await expect(dispatch('listBans', { jail: 'sshd', extra: 1 })).resolves.toMatchObject({
      error: { code: 'invalid-argument' }
    })
    await expect(dispatch('listBans', { jail: 'nosuchjail' })).resolves.toMatchObject({
      error: { code: 'unknown-jail' }
    })
  })

  it('finds an IP across jails, unbans in one jail and in all', async () => {
    await ok('banIps', { jail: 'sshd', ips: ['203.0.113.7'], operationId: 'op-3' })
    await ok('banIps', { jail: 'webapp', ips: ['203.0.113.7'], operationId: 'op-4' })
    await expect(ok('findIp', { ip: '203.0.113.7' })).resolves.toEqual({
      ip: '203.0.113.7',
      jails: ['sshd', 'webapp'],
      networks: []
    })
    await expect(ok('unbanIps', { jail: 'sshd', ips: ['203.0.113.7'] })).resolves.toBe(1)
    await expect(ok('unbanIps', { jail: null, ips: ['203.0.113.7'] })).resolves.toBe(1)
    await expect(ok('findIp', { ip: '203.0.113.7' })).resolves.toEqual({
      ip: '203.0.113.7',
      jails: [],
      networks: []
    })
  })

  it('search reports an IP covered by a banned network (fail2ban finds exact entries only)', async () => {
    await ok('banIps', { jail: 'sshd', ips: ['198.51.100.0/24'], operationId: 'op-net' })
    // What fail2ban itself says: not banned.
    expect((await fail2banClient(server.socketPath, ['banned', '198.51.100.7'])).trim()).toBe(
      '[[]]'
    )
    await expect(ok('findIp', { ip: '198.51.100.7' })).resolves.toEqual({
      ip: '198.51.100.7',
      jails: [],
      networks: [{ jail: 'sshd', network: '198.51.100.0/24' }]
    })
    await expect(ok('findIp', { ip: '198.51.101.7' })).resolves.toMatchObject({ networks: [] })
    await ok('unbanIps', { jail: 'sshd', ips: ['198.51.100.0/24'] })
  })

  it('unban all needs the jail name as confirmation', async () => {
    const wrong = await dispatch('unbanAll', { jail: 'bulk', confirm: 'yes' })
    expect(wrong).toMatchObject({ ok: false, error: { code: 'invalid-argument' } })
    expect((await services.commands.jailCounts('bulk')).currentlyBanned).toBeGreaterThan(0)
    const n = await ok<number>('unbanAll', { jail: 'bulk', confirm: 'bulk' })
    expect(n).toBeGreaterThan(2000)
    expect((await services.commands.jailCounts('bulk')).currentlyBanned).toBe(0)
  })

  it('sets values and ignoreip through the contract', async () => {
    await expect(ok('setJailValue', { jail: 'sshd', key: 'maxretry', value: 4 })).resolves.toBe(4)
    await expect(
      dispatch('setJailValue', { jail: 'sshd', key: 'maxretry', value: 0 })
    ).resolves.toMatchObject({ ok: false })
    await expect(
      ok('changeIgnoreIp', { jail: 'sshd', op: 'add', entry: '192.0.2.0/24' })
    ).resolves.toContain('192.0.2.0/24')
    await expect(
      ok('changeIgnoreIp', { jail: 'sshd', op: 'del', entry: '192.0.2.0/24' })
    ).resolves.not.toContain('192.0.2.0/24')
  })

  it('the monitor emits jail counts and ban diffs for the watched jail after a log-triggered ban', async () => {
    await ok('watchJail', { jail: 'webapp' })
    await ok('listBans', { jail: 'webapp' })
    const from = events.length
    await server.appendFailures('webapp', '198.51.100.23', 2)
    await until(() =>
      events
        .slice(from)
        .some(
          (e) =>
            e.name === 'bansChanged' &&
            (e.payload as EventContract['bansChanged']).added.some((b) => b.ip === '198.51.100.23')
        )
    )
    const jailsEvents = events.slice(from).filter((e) => e.name === 'jailsChanged')
    const last = jailsEvents.at(-1)!.payload as EventContract['jailsChanged']
    expect(last.find((j) => j.name === 'webapp')?.currentlyBanned).toBe(1)
    await ok('unbanIps', { jail: 'webapp', ips: ['198.51.100.23'] })
    await until(() =>
      events
        .slice(from)
        .some(
          (e) =>
            e.name === 'bansChanged' &&
            (e.payload as EventContract['bansChanged']).removed.includes('198.51.100.23')
        )
    )
  })

  describe('freshness: every mutation pushes what it changed before it answers', () => {
    const lastJails = (from: number) =>
      events
        .slice(from)
        .filter((e) => e.name === 'jailsChanged')
        .map((e) => e.payload as EventContract['jailsChanged'])
        .at(-1)
    /** `fail2ban-client get J banip --with-time` as {ip: end epoch ms}. */
    const cliEnds = async (jail: string): Promise<Map<string, number>> => {
      const out = await fail2banClient(server.socketPath, ['get', jail, 'banip', '--with-time'])
      const ends = new Map<string, number>()
      for (const m of out.matchAll(/^(\S+)\s+\S+ \S+ \+ (-?\d+) = (\S+ \S+)$/gm))
        ends.set(m[1]!, new Date(m[3]!.replace(' ', 'T')).getTime())
      return ends
    }

    it('ban and unban: the counts event arrives before the answer (no poll lag)', async () => {
      services.monitor.intervalMs = 60_000 // no poll can help within this test
      try {
        let from = events.length
        await ok('banIps', { jail: 'sshd', ips: ['192.0.2.50', '192.0.2.51'], operationId: 'fr-1' })
        expect(lastJails(from)?.find((j) => j.name === 'sshd')?.currentlyBanned).toBe(2)
        from = events.length
        await ok('unbanIps', { jail: 'sshd', ips: ['192.0.2.50'] })
        expect(lastJails(from)?.find((j) => j.name === 'sshd')?.currentlyBanned).toBe(1)
        from = events.length
        await ok('unbanAll', { jail: 'sshd', confirm: 'sshd' })
        expect(lastJails(from)?.find((j) => j.name === 'sshd')?.currentlyBanned).toBe(0)
      } finally {
        services.monitor.intervalMs = 200
      }
    })

    it('a bantime edit pushes the new settings and the watched bans’ new end times, as the CLI has them', async () => {
      await ok('watchJail', { jail: 'sshd' })
      await ok('banIps', { jail: 'sshd', ips: ['192.0.2.60'], operationId: 'fr-2' })
      await ok('listBans', { jail: 'sshd' })
      const from = events.length
      await ok('setJailValue', { jail: 'sshd', key: 'bantime', value: 7200 })
      const after = events.slice(from)
      const settings = after.filter((e) => e.name === 'jailSettingsChanged').at(-1)
        ?.payload as EventContract['jailSettingsChanged']
      expect(settings).toMatchObject({ name: 'sshd', bantime: 7200 })
      const diff = after.filter((e) => e.name === 'bansChanged').at(-1)
        ?.payload as EventContract['bansChanged']
      const pushed = diff.added.find((b) => b.ip === '192.0.2.60')!
      expect(pushed.bantime).toBe(7200)
      const cli = (await cliEnds('sshd')).get('192.0.2.60')!
      // The CLI prints whole seconds.
      expect(Math.abs(pushed.expiresAt! - cli)).toBeLessThan(1000)
      await ok('setJailValue', { jail: 'sshd', key: 'bantime', value: 600 })
      await ok('unbanAll', { jail: 'sshd', confirm: 'sshd' })
    })

    it('a bantime changed behind the app’s back reaches the UI on the next poll', async () => {
      await ok('watchJail', { jail: 'sshd' })
      await ok('getJailSettings', { jail: 'sshd' })
      const from = events.length
      await fail2banClient(server.socketPath, ['set', 'sshd', 'bantime', '3600'])
      await until(() =>
        events
          .slice(from)
          .some(
            (e) =>
              e.name === 'jailSettingsChanged' &&
              (e.payload as EventContract['jailSettingsChanged']).bantime === 3600
          )
      )
      await fail2banClient(server.socketPath, ['set', 'sshd', 'bantime', '600'])
    })

    it('ignoreip changes push the jail’s settings in fail2ban’s stored form', async () => {
      const from = events.length
      await ok('changeIgnoreIp', { jail: 'webapp', op: 'add', entry: '192.0.2.0/24' })
      const pushed = events
        .slice(from)
        .filter((e) => e.name === 'jailSettingsChanged')
        .map((e) => e.payload as EventContract['jailSettingsChanged'])
        .find((s) => s.name === 'webapp')
      expect(pushed?.ignoreip).toContain('192.0.2.0/24')
      await ok('changeIgnoreIp', { jail: 'webapp', op: 'del', entry: '192.0.2.0/24' })
    })
  })

  it('stop and start a jail; a stopped jail stays listed as not running', async () => {
    await ok('stopJail', { jail: 'webapp' })
    const jails = await ok<{ name: string; running: boolean }[]>('listJails')
    expect(jails.find((j) => j.name === 'webapp')).toMatchObject({ running: false })
    await ok('startJail', { jail: 'webapp' })
    const after = await ok<{ name: string; running: boolean }[]>('listJails')
    expect(after.find((j) => j.name === 'webapp')).toMatchObject({ running: true })
  })

  it('reload with verification', async () => {
    await expect(ok('reload', { scope: { kind: 'all' } })).resolves.toMatchObject({
      ok: true,
      missing: []
    })
    await expect(
      ok('reload', { scope: { kind: 'include', jails: ['sshd'] }, restart: true })
    ).resolves.toMatchObject({ ok: true, jails: ['sshd'] })
  })

  it('connection: server stopped → socket-missing → server back → connected again', async () => {
    const from = events.length
    await server.stop()
    await until(() => services.connection.state.status !== 'connected')
    expect(['socket-missing', 'not-answering', 'reconnecting']).toContain(
      services.connection.state.status
    )
    const failed = await dispatch('listJails', undefined)
    expect(failed).toMatchObject({ ok: false, error: { code: 'not-connected' } })
    await server.restart()
    await until(() => services.connection.state.status === 'connected', 15_000)
    const states = events
      .slice(from)
      .filter((e) => e.name === 'connectionChanged')
      .map((e) => (e.payload as { status: string }).status)
    expect(states).toContain('socket-missing')
    expect(states.at(-1)).toBe('connected')
    await expect(ok('listJails')).resolves.toHaveLength(3)
  })
})
