/**
 * Every command of the typed layer against a private real fail2ban-server.
 */
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  Fail2BanArgumentError,
  Fail2BanClient,
  Fail2BanCommands,
  Fail2BanUnknownJailError
} from '../src/main/fail2ban/index.ts'
import { fail2banClient, startTestServer, type TestServer } from './support/f2b-server.ts'

let server: TestServer
let client: Fail2BanClient
let f2b: Fail2BanCommands

beforeAll(async () => {
  server = await startTestServer()
  client = new Fail2BanClient({ socketPath: server.socketPath })
  f2b = new Fail2BanCommands(client)
})
afterAll(async () => {
  await client?.close()
  await server?.stop()
})

/** Polls until `check` passes or the time is up (log-triggered bans take about one poll cycle). */
async function eventually<T>(
  fn: () => Promise<T>,
  check: (v: T) => boolean,
  ms = 8000
): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (check(v) || Date.now() > end) return v
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('server', () => {
  it('version', async () => {
    await expect(f2b.version()).resolves.toBe('1.0.2')
    await expect(f2b.supports('statusAll')).resolves.toBe(false)
  })

  it('jail names, sorted', async () => {
    await expect(f2b.jailNames()).resolves.toEqual(['bulk', 'sshd', 'webapp'])
  })

  it('db settings', async () => {
    await expect(f2b.dbSettings()).resolves.toEqual({
      dbfile: `${server.dir}/f2b.sqlite3`,
      dbpurgeage: 86400,
      dbmaxmatches: 10
    })
  })
})

describe('bans', () => {
  it('bans IPv4, IPv6 and CIDR, lists them with times, and unbans them', async () => {
    const before = Date.now()
    await expect(f2b.banIps('sshd', ['192.0.2.1', '2001:DB8::1', '198.51.100.0/24'])).resolves.toBe(
      3
    )
    await expect(f2b.banIps('sshd', ['192.0.2.1'])).resolves.toBe(0)
    const bans = await f2b.banList('sshd')
    expect(bans.map((b) => b.ip).sort()).toEqual(['192.0.2.1', '198.51.100.0/24', '2001:db8::1'])
    for (const b of bans) {
      expect(b).toMatchObject({ jail: 'sshd', bantime: 600, permanent: false })
      expect(b.bannedAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000)
      expect(b.bannedAt).toBeLessThanOrEqual(Date.now())
      expect(b.expiresAt! - b.bannedAt).toBeGreaterThanOrEqual(600_000)
      expect(b.expiresAt! - b.bannedAt).toBeLessThanOrEqual(601_000)
    }
    // the dummy action really ran
    const actions = await readFile(server.actionsFile('sshd'), 'utf8')
    expect(actions).toContain('+192.0.2.1')
    const counts = await f2b.jailCounts('sshd')
    expect(counts.currentlyBanned).toBe(3)
    expect(counts.totalBanned).toBeGreaterThanOrEqual(3)
    const status = await f2b.jailStatus('sshd')
    expect(status.bannedIps?.sort()).toEqual(['192.0.2.1', '198.51.100.0/24', '2001:db8::1'])
    expect(status.files).toEqual([server.logFile('sshd')])
    await expect(f2b.bannedIps('sshd')).resolves.toHaveLength(3)
    await expect(f2b.unbanIps('sshd', ['192.0.2.1', '203.0.113.99'])).resolves.toBe(1)
    await expect(f2b.unbanIps('sshd', ['2001:db8::1', '198.51.100.0/24'])).resolves.toBe(2)
    await expect(f2b.banList('sshd')).resolves.toEqual([])
  })

  it('permanent bans: bantime -1 and no expiry', async () => {
    await expect(f2b.setBantime('webapp', -1)).resolves.toBe(-1)
    await f2b.banIps('webapp', ['203.0.113.5'])
    const [ban] = await f2b.banList('webapp')
    expect(ban).toMatchObject({ ip: '203.0.113.5', bantime: -1, expiresAt: null, permanent: true })
    await f2b.setBantime('webapp', 600)
    await f2b.unbanIps('webapp', ['203.0.113.5'])
  })

  it('banned: all jails, and by IP; unban in every jail; unban all', async () => {
    await f2b.banIps('sshd', ['192.0.2.50'])
    await f2b.banIps('webapp', ['192.0.2.50', '192.0.2.51'])
    const all = await f2b.bannedAll()
    expect(all).toEqual({
      sshd: ['192.0.2.50'],
      webapp: ['192.0.2.50', '192.0.2.51'],
      bulk: expect.any(Array)
    })
    await expect(f2b.jailsBanning(['192.0.2.50', '192.0.2.51', '192.0.2.52'])).resolves.toEqual([
      ['sshd', 'webapp'],
      ['webapp'],
      []
    ])
    await expect(f2b.unbanEverywhere(['192.0.2.50'])).resolves.toBe(2)
    await f2b.banIps('bulk', ['192.0.2.60', '192.0.2.61'])
    const removed = await f2b.unbanAll()
    expect(removed).toBeGreaterThanOrEqual(3)
    const after = await f2b.bannedAll()
    expect(Object.values(after).flat()).toEqual([])
  })

  it('a log-triggered ban shows up in counts and in the ban list', async () => {
    await server.appendFailures('webapp', '198.51.100.77', 2)
    const counts = await eventually(
      () => f2b.jailCounts('webapp'),
      (c) => c.currentlyBanned === 1
    )
    expect(counts.currentlyBanned).toBe(1)
    const bans = await f2b.banList('webapp')
    expect(bans.map((b) => b.ip)).toEqual(['198.51.100.77'])
    await f2b.unbanIps('webapp', ['198.51.100.77'])
  })

  it('refuses invalid IPs before sending anything (the server would ban any string)', async () => {
    await expect(f2b.banIps('sshd', ['not-an-ip'])).rejects.toBeInstanceOf(Fail2BanArgumentError)
    await expect(f2b.banIps('sshd', ['192.0.2.1', '999.1.1.1'])).rejects.toThrow(/not a valid IPv4/)
    await expect(f2b.banIps('sshd', [])).rejects.toThrow(/no IP/)
    await expect(f2b.bannedIps('sshd')).resolves.toEqual([])
  })

  it('a jail the server does not run, or a bad jail name, is refused locally', async () => {
    await expect(f2b.banList('nosuchjail')).rejects.toBeInstanceOf(Fail2BanUnknownJailError)
    await expect(f2b.jailCounts('nosuchjail')).rejects.toThrow(
      'fail2ban has no running jail named "nosuchjail"; nothing was sent'
    )
    await expect(f2b.jailCounts('--all')).rejects.toBeInstanceOf(Fail2BanArgumentError)
    await expect(f2b.stopJail('')).rejects.toBeInstanceOf(Fail2BanArgumentError)
  })
})

describe('settings', () => {
  it('reads a jail’s settings, increment family included', async () => {
    const s = await f2b.jailSettings('sshd')
    expect(s).toMatchObject({
      name: 'sshd',
      bantime: 600,
      findtime: 600,
      maxretry: 3,
      logpath: [server.logFile('sshd')],
      ignoreip: ['127.0.0.0/8', '::1'],
      actions: ['dummy'],
      usedns: 'warn',
      increment: { enabled: false, factor: null, maxtime: null }
    })
    expect(s.failregex.length).toBeGreaterThan(5)
    await expect(f2b.jailSettings('bulk')).resolves.toMatchObject({ actions: [] })
  })

  it('sets bantime, findtime, maxretry and refuses bad values locally', async () => {
    await expect(f2b.setBantime('sshd', 3600)).resolves.toBe(3600)
    await expect(f2b.setFindtime('sshd', 1200)).resolves.toBe(1200)
    await expect(f2b.setMaxretry('sshd', 5)).resolves.toBe(5)
    await expect(f2b.jailSettings('sshd')).resolves.toMatchObject({
      bantime: 3600,
      findtime: 1200,
      maxretry: 5
    })
    await expect(f2b.setMaxretry('sshd', 0)).rejects.toBeInstanceOf(Fail2BanArgumentError)
    await expect(f2b.setBantime('sshd', 1.5)).rejects.toBeInstanceOf(Fail2BanArgumentError)
    await f2b.setBantime('sshd', 600)
    await f2b.setFindtime('sshd', 600)
    await f2b.setMaxretry('sshd', 3)
  })

  it('adds and removes ignoreip entries', async () => {
    await expect(f2b.addIgnoreIp('sshd', '10.9.8.0/24')).resolves.toContain('10.9.8.0/24')
    await expect(f2b.delIgnoreIp('sshd', '10.9.8.0/24')).resolves.toEqual(['127.0.0.0/8', '::1'])
    await expect(f2b.addIgnoreIp('sshd', 'example<F2B_END_COMMAND>')).rejects.toBeInstanceOf(
      Fail2BanArgumentError
    )
  })

  it('stops and starts a jail', async () => {
    await f2b.stopJail('webapp')
    await expect(f2b.jailNames()).resolves.toEqual(['bulk', 'sshd'])
    // A stopped jail is gone from the server (so `start` is refused before it is sent); only
    // `reload --all` re-adds it.
    await expect(f2b.startJail('webapp')).rejects.toBeInstanceOf(Fail2BanUnknownJailError)
    await fail2banClient(server.socketPath, ['-c', `${server.dir}/conf`, 'reload', '--all'])
    await expect(f2b.jailNames()).resolves.toEqual(['bulk', 'sshd', 'webapp'])
  })

  it('allJailCounts gives every jail', async () => {
    const all = await f2b.allJailCounts()
    expect([...all.keys()].sort()).toEqual(['bulk', 'sshd', 'webapp'])
    expect(all.get('sshd')).toMatchObject({ currentlyBanned: 0 })
  })

  it('survives a restart mid-use: bans come back from the database', async () => {
    await f2b.banIps('bulk', ['192.0.2.200'])
    await server.restart()
    f2b.resetVersion()
    await expect(f2b.bannedIps('bulk')).resolves.toEqual(['192.0.2.200'])
  })
})
