/**
 * The fleet through the IPC dispatch, as the window drives it: this machine plus SSH servers on
 * a private sshd, each reaching its own real fail2ban-server. What each server has is read back
 * with `fail2ban-client` on that server's socket, never through the app.
 */
import { copyFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Result } from '../src/shared/contract.ts'
import type { ServersState, ServerSummary } from '../src/shared/servers.ts'
import { mergedBans } from '../src/main/fleet/fleet-actions.ts'
import { importRemoteHistory } from '../src/main/fleet/remote-history.ts'
import { silentLogger } from '../src/main/fail2ban/index.ts'
import { createDispatch, type Dispatch } from '../src/main/ipc/registry.ts'
import { createAppServices, type AppServices } from '../src/main/services/app-services.ts'
import { ReconnectPolicy } from '../src/main/ssh/reconnect.ts'
import { fail2banClient } from './support/f2b-server.ts'
import { cmdline, descendants, sshLabUnavailable } from './support/sshd.ts'
import { startSshLab, type SshLab } from './support/ssh-lab.ts'

const why = sshLabUnavailable()
if (why) console.log(`SKIPPED fleet.real.test.ts: ${why}`)

let lab: SshLab
let services: AppServices
let dispatch: Dispatch
const changes: ServersState[] = []
const asked: string[] = []

beforeAll(async () => {
  if (why) return
  lab = await startSshLab(3)
  services = createAppServices({
    socketPath: lab.f2b[0]!.socketPath,
    confDir: `${lab.f2b[0]!.dir}/conf`,
    pollIntervalMs: 300,
    reconnectBackoffMs: 200,
    ssh: {
      helperSource: lab.helperSource,
      policy: new ReconnectPolicy({ baseMs: 100, jitter: 0 }),
      // the admin approves the lab's own ssh config file only
      approveSshConfig: async (_server, path) => {
        asked.push(path)
        return path === lab.sshConfig
      }
    }
  })
  services.events.subscribe((name, payload) => {
    if (name === 'serversChanged') changes.push(payload as ServersState)
  })
  await services.start()
  dispatch = createDispatch(services)
}, 120_000)
afterAll(async () => {
  await services?.dispose()
  await lab?.stop()
})

async function ok<T>(name: string, request?: unknown): Promise<T> {
  const r = (await dispatch(name, request)) as Result<T>
  if (!r.ok) throw new Error(`${name}: ${r.error.code}: ${r.error.message}`)
  return r.value
}

/** Polls listServers until the server matches (the fleet reports changes as they happen). */
async function serverWhere(
  id: string,
  pred: (s: ServerSummary) => boolean,
  timeoutMs = 30_000
): Promise<ServerSummary> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const s = (await ok<ServersState>('listServers')).servers.find((x) => x.id === id)
    if (s && pred(s)) return s
    if (Date.now() > end) throw new Error(`${id} never matched; last: ${JSON.stringify(s)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

const banned = async (socket: string, jail: string): Promise<string> =>
  fail2banClient(socket, ['get', jail, 'banned'])

describe.skipIf(why)('the fleet over IPC: this machine and SSH servers', () => {
  it('adds a server, asks about its unknown host key by token, connects once accepted', async () => {
    const profile = lab.profile('srv-new', { remoteSocket: lab.f2b[1]!.socketPath })
    await ok('saveServer', { previous: null, profile })
    expect(services.settings.current.servers).toEqual([profile])
    const asked = await serverWhere('srv-new', (s) => s.hostKey !== null)
    expect(asked.status).toBe('failed')
    expect(asked.failure).toBe('host-key-unknown')
    const fp = lab.a.fingerprint()
    expect(asked.hostKey).toMatchObject({
      host: 'bangui-new',
      typeLabel: 'ED25519',
      fingerprint: fp
    })
    // no prompt loop: the failed link waits for the admin, the question is asked once
    await new Promise((r) => setTimeout(r, 1000))
    const again = await serverWhere('srv-new', () => true)
    expect(again.hostKey?.token).toBe(asked.hostKey!.token)
    // only main's own token is honoured, once
    const wrong = await dispatch('acceptHostKey', { token: 'x'.repeat(24) })
    expect(wrong).toMatchObject({ ok: false, error: { code: 'invalid-argument' } })
    expect(lab.a.log()).not.toMatch(/bangui-new/)
    await ok('acceptHostKey', { token: asked.hostKey!.token })
    const [audited] = await services.audit.tail(1)
    expect(audited).toMatchObject({
      action: 'acceptHostKey',
      result: { ok: true, value: { server: 'srv-new', host: 'bangui-new', fingerprint: fp } }
    })
    const used = await dispatch('acceptHostKey', { token: asked.hostKey!.token })
    expect(used).toMatchObject({ ok: false, error: { code: 'invalid-argument' } })
    const up = await serverWhere('srv-new', (s) => s.status === 'connected' && s.jails > 0)
    expect(up.version).toBe((await fail2banClient(lab.f2b[1]!.socketPath, ['version'])).trim())
    // its jails, as the window lists them once it is the active server
    await ok('selectServer', { id: 'srv-new' })
    const jails = await ok<{ name: string }[]>('listJails')
    const status = await fail2banClient(lab.f2b[1]!.socketPath, ['status'])
    const names = /Jail list:\s*(.*)$/m.exec(status)![1]!.split(/,\s*/)
    expect(jails.map((j) => j.name).sort()).toEqual(names.sort())
    await ok('selectServer', { id: 'local' })
  }, 90_000)

  it('the active server takes the jail channels: a ban reaches that server only, audited with its name', async () => {
    await ok('saveServer', {
      previous: null,
      profile: lab.profile('srv-root', {
        remoteSocket: lab.f2b[2]!.socketPath,
        remoteConf: `${lab.f2b[2]!.dir}/conf`
      })
    })
    await serverWhere('srv-root', (s) => s.status === 'connected')
    const state = await ok<ServersState>('selectServer', { id: 'srv-root' })
    expect(state.active).toBe('srv-root')
    expect(changes.at(-1)?.active ?? state.active).toBe('srv-root')
    await ok('banIps', { jail: 'sshd', ips: ['192.0.2.31'], operationId: 'active-1' })
    expect(await banned(lab.f2b[2]!.socketPath, 'sshd')).toContain('192.0.2.31')
    expect(await banned(lab.f2b[0]!.socketPath, 'sshd')).not.toContain('192.0.2.31')
    expect(await banned(lab.f2b[1]!.socketPath, 'sshd')).not.toContain('192.0.2.31')
    const [entry] = await services.audit.tail(1)
    expect(entry).toMatchObject({ action: 'ban', server: 'srv-root', target: 'sshd' })
    // a reload of that server runs through its helper there
    const reload = await ok<{ ok: boolean }>('reload', {
      scope: { kind: 'include', jails: ['sshd'] }
    })
    expect(reload.ok).toBe(true)
    await ok('unbanIps', { jail: 'sshd', ips: ['192.0.2.31'] })
    expect(await banned(lab.f2b[2]!.socketPath, 'sshd')).not.toContain('192.0.2.31')
    await ok('selectServer', { id: 'local' })
    await ok('banIps', { jail: 'sshd', ips: ['192.0.2.32'], operationId: 'active-2' })
    expect(await banned(lab.f2b[0]!.socketPath, 'sshd')).toContain('192.0.2.32')
    expect(await banned(lab.f2b[2]!.socketPath, 'sshd')).not.toContain('192.0.2.32')
    await ok('unbanIps', { jail: null, ips: ['192.0.2.32'] })
  }, 90_000)

  it('fleet-wide ban, search and unban across three servers, each answering for itself', async () => {
    await serverWhere('srv-new', (s) => s.status === 'connected')
    await serverWhere('srv-root', (s) => s.status === 'connected')
    const servers = ['local', 'srv-new', 'srv-root']
    const progress: unknown[] = []
    const off = services.events.subscribe((name, p) => {
      if (name === 'fleetProgress') progress.push(p)
    })
    const res = await ok<{ server: string; ok: boolean; value?: number }[]>('fleetBan', {
      servers,
      jail: 'sshd',
      ips: ['198.51.100.40', '198.51.100.41'],
      operationId: 'fleet-1'
    })
    off()
    expect(res).toEqual(servers.map((server) => ({ server, ok: true, value: 2 })))
    expect(progress).toHaveLength(3)
    expect(progress.map((p) => (p as { done: number }).done).sort()).toEqual([1, 2, 3])
    for (const s of lab.f2b) {
      const list = await banned(s.socketPath, 'sshd')
      expect(list).toContain('198.51.100.40')
      expect(list).toContain('198.51.100.41')
    }
    // the history records the fleet-wide ban on each server that took it, as this app's own
    const recorded = await ok<{ events: { server: string; kind: string; source: string }[] }>(
      'historyIp',
      { ip: '198.51.100.40' }
    )
    expect(
      recorded.events
        .filter((e) => e.kind === 'ban' && e.source === 'manual')
        .map((e) => e.server)
        .sort()
    ).toEqual([...servers].sort())
    const found = await ok<{ server: string; ok: boolean; value: { jails: string[] } }[]>(
      'fleetFind',
      { ip: '198.51.100.40' }
    )
    expect(found.map((f) => [f.server, f.ok, f.value.jails])).toEqual(
      servers.map((s) => [s, true, ['sshd']])
    )
    const merged = await ok<{ server: string[]; ip: string[] }>('fleetBans')
    const rows = merged.ip.map((ip, i) => `${merged.server[i]} ${ip}`)
    for (const s of servers) expect(rows).toContain(`${s} 198.51.100.41`)
    const overview = await ok<{ totals: { connected: number; banned: number } }>('fleetOverview')
    expect(overview.totals.connected).toBe(3)
    expect(overview.totals.banned).toBeGreaterThanOrEqual(6)
    const un = await ok<{ server: string; ok: boolean; value?: number }[]>('fleetUnban', {
      servers,
      ips: ['198.51.100.40', '198.51.100.41'],
      operationId: 'fleet-2'
    })
    expect(un).toEqual(servers.map((server) => ({ server, ok: true, value: 2 })))
    for (const s of lab.f2b)
      expect(await banned(s.socketPath, 'sshd')).not.toMatch(/198\.51\.100\.4[01]/)
  }, 90_000)

  it('an SSH server’s own fail2ban database reaches the history under its id, through its helper', async () => {
    await serverWhere('srv-root', (s) => s.status === 'connected')
    // banned behind the app's back, in a jail nobody watches: only the import can know
    await fail2banClient(lab.f2b[2]!.socketPath, ['set', 'webapp', 'banip', '198.51.100.80'])
    await importRemoteHistory(services.fleet, services.history, silentLogger)
    const h = await ok<{ events: { server: string; jail: string; source: string }[] }>(
      'historyIp',
      { ip: '198.51.100.80' }
    )
    expect(h.events.map((e) => [e.server, e.jail, e.source])).toEqual([
      ['srv-root', 'webapp', 'imported']
    ])
    await fail2banClient(lab.f2b[2]!.socketPath, ['set', 'webapp', 'unbanip', '198.51.100.80'])
  }, 60_000)

  it('a server that cannot act fails alone: sudo needing a password shows the line that fixes it', async () => {
    await ok('saveServer', {
      previous: null,
      profile: lab.profile('srv-password', {
        become: 'sudo',
        remoteSocket: lab.f2b[1]!.socketPath
      })
    })
    const failed = await serverWhere('srv-password', (s) => s.status === 'failed')
    expect(failed.failure).toBe('sudo-password')
    expect(failed.fix).toContain(`${lab.passwordUser.name} ALL=(root) NOPASSWD:`)
    const res = await ok<{ server: string; ok: boolean }[]>('fleetBan', {
      servers: ['srv-password', 'local', 'nope'],
      jail: 'sshd',
      ips: ['198.51.100.50'],
      operationId: 'fleet-3'
    })
    expect(res.map((r) => [r.server, r.ok])).toEqual([
      ['srv-password', false],
      ['local', true],
      ['nope', false]
    ])
    expect(await banned(lab.f2b[0]!.socketPath, 'sshd')).toContain('198.51.100.50')
    await ok('fleetUnban', { servers: ['local'], ips: ['198.51.100.50'], operationId: 'fleet-4' })
    // removed: disconnected, forgotten, saved without it
    await ok('removeServer', { id: 'srv-password' })
    expect((await ok<ServersState>('listServers')).servers.map((s) => s.id)).toEqual([
      'local',
      'srv-new',
      'srv-root'
    ])
    expect(services.settings.current.servers?.map((p) => p.name)).toEqual(['srv-new', 'srv-root'])
  }, 90_000)

  it('the server on screen can be edited and removed: the window follows, main stays usable', async () => {
    await ok('selectServer', { id: 'srv-root' })
    const root = services.settings.current.servers!.find((p) => p.name === 'srv-root')!
    // edit it under a new name: it stays on screen, under that name, on its new socket
    await ok('saveServer', {
      previous: 'srv-root',
      profile: { ...root, name: 'srv-root2', remoteSocket: lab.f2b[1]!.socketPath }
    })
    expect((await ok<ServersState>('listServers')).active).toBe('srv-root2')
    await serverWhere('srv-root2', (s) => s.status === 'connected')
    await ok('banIps', { jail: 'sshd', ips: ['192.0.2.33'], operationId: 'edit-1' })
    expect(await banned(lab.f2b[1]!.socketPath, 'sshd')).toContain('192.0.2.33')
    await ok('unbanIps', { jail: 'sshd', ips: ['192.0.2.33'] })
    // removed while on screen: this machine takes over, every channel still answers
    await ok('removeServer', { id: 'srv-root2' })
    const after = await ok<ServersState>('listServers')
    expect(after.active).toBe('local')
    expect(after.servers.map((x) => x.id)).not.toContain('srv-root2')
    expect((await ok<{ name: string }[]>('listJails')).length).toBeGreaterThan(0)
    await ok('saveServer', { previous: null, profile: root })
    await serverWhere('srv-root', (s) => s.status === 'connected')
  }, 90_000)

  it('a profile saved while the app is still starting is started once', async () => {
    const early = createAppServices({
      socketPath: lab.f2b[0]!.socketPath,
      ssh: { helperSource: lab.helperSource }
    })
    try {
      await early.fleet.save(
        null,
        lab.profile('srv-root', { name: 'early', remoteSocket: lab.f2b[2]!.socketPath })
      )
      await early.start()
      expect(early.fleet.servers.map((s) => s.id)).toEqual(['local', 'early'])
      await early.fleet.server('early')!.remote!.link.waitFor((s) => s.status === 'connected')
    } finally {
      await early.dispose()
    }
  }, 60_000)

  it('profile changes run one at a time: two saves of one name, one wins', async () => {
    const p = lab.profile('srv-root', { name: 'twin', remoteSocket: lab.f2b[2]!.socketPath })
    const [a, b] = await Promise.all([
      dispatch('saveServer', { previous: null, profile: p }),
      dispatch('saveServer', { previous: null, profile: p })
    ])
    expect([a.ok, b.ok].sort()).toEqual([false, true])
    expect(services.fleet.servers.filter((s) => s.id === 'twin')).toHaveLength(1)
    await ok('removeServer', { id: 'twin' })
  }, 60_000)

  it('an ssh config file the admin did not approve is refused before ssh starts', async () => {
    const other = `${lab.dir}/client/config-copy`
    copyFileSync(lab.sshConfig, other)
    // every ssh this process starts, sampled while the requests run: none may read that file
    const seen: string[] = []
    const sample = setInterval(() => {
      for (const pid of descendants(process.pid)) {
        const c = cmdline(pid)
        if (c.includes('config-copy')) seen.push(c)
      }
    }, 5)
    try {
      for (const [name, req] of [
        [
          'saveServer',
          { previous: null, profile: { ...lab.profile('srv-root'), name: 'x', sshConfig: other } }
        ],
        ['testServer', { profile: { ...lab.profile('srv-root'), name: 'x', sshConfig: other } }]
      ] as const) {
        const r = await dispatch(name, req)
        expect(r).toMatchObject({ ok: false, error: { code: 'invalid-argument' } })
      }
      await new Promise((r) => setTimeout(r, 300))
    } finally {
      clearInterval(sample)
    }
    expect(asked.filter((p) => p === other)).toHaveLength(2)
    expect(seen).toEqual([])
    expect(services.settings.current.servers?.map((p) => p.name)).not.toContain('x')
  }, 60_000)

  it('the merged ban list is bounded: cut at the row limit, with a message per server cut', async () => {
    await ok('fleetBan', {
      servers: ['local', 'srv-new', 'srv-root'],
      jail: 'sshd',
      ips: ['198.51.100.70', '198.51.100.71'],
      operationId: 'cap-1'
    })
    const capped = await mergedBans(services.fleet, { rows: 3, jails: 10 })
    expect(capped.ip).toHaveLength(3)
    expect(capped.errors.length).toBeGreaterThan(0)
    expect(capped.errors.every((e) => /stops at 3 bans/.test(e.message))).toBe(true)
    const fewJails = await mergedBans(services.fleet, { rows: 100, jails: 1 })
    expect(fewJails.errors.map((e) => e.message)).toContain(
      'local reports 3 jails; the first 1 are listed'
    )
    await ok('fleetUnban', {
      servers: ['local', 'srv-new', 'srv-root'],
      ips: ['198.51.100.70', '198.51.100.71'],
      operationId: 'cap-2'
    })
  }, 60_000)

  it('names are unique, "local" is this machine, and the test button reports without saving', async () => {
    const dup = await dispatch('saveServer', { previous: null, profile: lab.profile('srv-root') })
    expect(dup).toMatchObject({ ok: false, error: { code: 'invalid-argument' } })
    const local = await dispatch('saveServer', {
      previous: null,
      profile: { ...lab.profile('srv-root'), name: 'Local' }
    })
    expect(local).toMatchObject({ ok: false, error: { code: 'invalid-argument' } })
    const t = await ok<{ ok: boolean; jails?: string[] }>('testServer', {
      profile: lab.profile('srv-root', { name: 'probe', remoteSocket: lab.f2b[2]!.socketPath })
    })
    expect(t.ok).toBe(true)
    expect(t.jails).toContain('sshd')
    const unknown = await ok<{ ok: boolean; failure?: string; hostKey?: { host: string } }>(
      'testServer',
      { profile: lab.profile('srv-unknown', { remoteSocket: lab.f2b[2]!.socketPath }) }
    )
    expect(unknown).toMatchObject({ ok: false, failure: 'host-key-unknown' })
    expect(unknown.hostKey?.host).toBe('bangui-unknown')
    expect(services.settings.current.servers?.map((p) => p.name)).toEqual(['srv-new', 'srv-root'])
  }, 60_000)
})
