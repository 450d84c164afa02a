/**
 * The history wired into the app's services over a real fail2ban-server, through the handler
 * registry: this app's bans (manual), the monitor's diff (observed), the importer (merged into
 * the same rows), the queries over IPC, and hostile requests refused.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDispatch, type Dispatch } from '../src/main/ipc/registry.ts'
import { createAppServices, type AppServices } from '../src/main/services/app-services.ts'
import type { HistorySummary, IpHistory, Timeline } from '../src/shared/history.ts'
import { f2bAvailable, startTestServer, type TestServer } from './support/f2b-server.ts'

const skip = !f2bAvailable()
if (skip) console.warn('history.service.real: skipped, fail2ban-server is not installed')

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe.skipIf(skip)('history in the app services', () => {
  let server: TestServer
  let services: AppServices
  let dispatch: Dispatch
  let dir: string

  beforeAll(async () => {
    server = await startTestServer()
    dir = mkdtempSync(join(tmpdir(), 'bangui-hist-svc-'))
    services = createAppServices({
      socketPath: server.socketPath,
      pollIntervalMs: 200,
      historyFile: join(dir, 'history.sqlite')
    })
    await services.start()
    dispatch = createDispatch(services)
  }, 30_000)
  afterAll(async () => {
    await services?.dispose()
    await server?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const ok = async <T>(name: string, req?: unknown): Promise<T> => {
    const r = await dispatch(name, req)
    if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`)
    return r.value as T
  }
  const rows = (): Record<string, unknown>[] =>
    services.history.store.db
      .prepare('SELECT jail, ip, kind, source, failures FROM events ORDER BY id')
      .all() as Record<string, unknown>[]

  it('records this app’s bans and unbans as manual, the monitor’s ban as observed, and merges the import', async () => {
    await ok('watchJail', { jail: 'webapp' })
    await ok('banIps', { jail: 'webapp', ips: ['192.0.2.50', '198.51.100.7'], operationId: 'h1' })
    expect(rows().filter((r) => r.kind === 'ban')).toEqual([
      { jail: 'webapp', ip: '192.0.2.50', kind: 'ban', source: 'manual', failures: null },
      { jail: 'webapp', ip: '198.51.100.7', kind: 'ban', source: 'manual', failures: null }
    ])
    // a log-triggered ban, seen by the monitor (the watched jail) before any import
    await server.appendFailures('webapp', '203.0.113.9', 3)
    const deadline = Date.now() + 10_000
    while (!rows().some((r) => r.ip === '203.0.113.9')) {
      if (Date.now() > deadline)
        throw new Error(`the monitor did not record the ban: ${JSON.stringify(rows())}`)
      await sleep(100)
    }
    expect(rows().find((r) => r.ip === '203.0.113.9')).toMatchObject({
      source: 'observed',
      failures: null
    })

    const report = await ok<{ read: number; skipped: number }>('historyImport')
    expect(report).toMatchObject({ read: 3, skipped: 0 })
    // one row per ban: the import filled in fail2ban's failure count
    const bans = rows().filter((r) => r.kind === 'ban')
    expect(bans).toHaveLength(3)
    expect(bans.find((r) => r.ip === '203.0.113.9')!.failures).toBeGreaterThanOrEqual(2)

    await ok('unbanIps', { jail: 'webapp', ips: ['192.0.2.50'] })
    // the monitor sees the same unban on its next polls: still one unban
    await services.monitor.pollNow()
    await services.monitor.pollNow()
    expect(rows().filter((r) => r.kind === 'unban')).toEqual([
      { jail: 'webapp', ip: '192.0.2.50', kind: 'unban', source: 'manual', failures: null }
    ])
  }, 30_000)

  it('answers the History view’s questions over the registry', async () => {
    const now = Math.floor(Date.now() / 1000)
    const win = { server: null, since: now - 3600, until: now + 60 }
    const s = await ok<HistorySummary>('historySummary', win)
    expect(s.servers).toEqual(['local'])
    expect(s.byJail.rows).toEqual([{ jail: 'webapp', bans: 3 }])
    expect(s.byJail.diagnostic).toBeNull()
    expect(s.top.map((o) => o.ip).sort()).toEqual(['192.0.2.50', '198.51.100.7', '203.0.113.9'])
    expect(s.warnings).toEqual([])
    const t = await ok<Timeline>('historyTimeline', win)
    expect(t.series.map((x) => [x.jail, x.counts.reduce((a, b) => a + b, 0)])).toEqual([
      ['webapp', 3]
    ])
    const ip = await ok<IpHistory>('historyIp', { ip: '192.0.2.50' })
    expect(ip.events.map((e) => e.kind)).toEqual(['unban', 'ban'])
    const old = await ok<HistorySummary>('historySummary', {
      ...win,
      since: now - 30 * 86_400,
      until: now - 7 * 86_400
    })
    expect(old.byJail.diagnostic).toMatch(/^no event in this window; /)
  })

  it('refuses hostile requests before they reach the store', async () => {
    const now = Math.floor(Date.now() / 1000)
    for (const [name, req] of [
      ['historySummary', { server: null, since: now, until: now - 1 }],
      ['historySummary', { server: null, since: -1, until: now }],
      ['historySummary', { server: null, since: 0, until: now, limit: 1e9 }],
      ['historyTimeline', { server: null, since: 0.5, until: now }],
      ['historyTimeline', { server: null, since: 0, until: now, extra: 1 }],
      ['historyIp', { ip: "1.2.3.4' OR 1=1 --" }],
      ['historyEvents', { server: 'x'.repeat(300), since: 0, until: now }],
      ['historyImport', { now: true }]
    ] as const) {
      const r = await dispatch(name, req)
      expect(r.ok, `${name} ${JSON.stringify(req)}`).toBe(false)
      if (!r.ok) expect(r.error.code).toBe('invalid-argument')
    }
  })

  it('uses the admin’s GeoIP database when set, and says so when it cannot be read', async () => {
    await ok('updateSettings', { geoipDatabasePath: '/nonexistent/own.mmdb' })
    const now = Math.floor(Date.now() / 1000)
    const s = await ok<HistorySummary>('historySummary', {
      server: null,
      since: now - 3600,
      until: now + 60
    })
    expect(s.warnings[0]).toMatch(/cannot read the GeoIP database \/nonexistent\/own\.mmdb/)
    expect(s.top.find((o) => o.ip === '203.0.113.9')?.country).toBeNull() // documentation range
    const bad = await dispatch('updateSettings', { geoipDatabasePath: 'relative.mmdb' })
    expect(bad.ok).toBe(false)
    await ok('updateSettings', { geoipDatabasePath: null })
  })
})
