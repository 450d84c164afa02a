/**
 * The audit log on real files (temp dir): JSONL append in order, the tail read from the end of
 * a large file, torn lines skipped, rotation; the handler wrapper records every admin action
 * with its outcome, and the registry's dispatch goes through it.
 */
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { invokeNames } from '../src/shared/channels.ts'
import type { AuditEntry } from '../src/shared/model.ts'
import { Fail2BanCommandError } from '../src/main/fail2ban/index.ts'
import {
  AUDITED_CHANNELS,
  auditedHandlers,
  UNAUDITED_CHANNELS
} from '../src/main/ipc/audited-handlers.ts'
import { createDispatch, type Handlers } from '../src/main/ipc/registry.ts'
import { createAppServices } from '../src/main/services/app-services.ts'
import { AuditService, auditIpList, MAX_ENTRY_BYTES } from '../src/main/services/audit.service.ts'

let dir: string
let file: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bangui-audit-'))
  file = join(dir, 'sub', 'audit.jsonl')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const entry = (i: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  time: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
  action: 'ban',
  target: 'sshd',
  params: { ips: auditIpList([`192.0.2.${i % 250}`]), i },
  result: { ok: true, value: { newlyBanned: 1 } },
  durationMs: 3,
  ...over
})

describe('audit log file', () => {
  it('appends JSON lines in order (0600, directory created) and reads the last N newest first', async () => {
    const appended: AuditEntry[] = []
    const log = new AuditService({ file, onAppend: (e) => appended.push(e) })
    await Promise.all(Array.from({ length: 30 }, (_, i) => log.append(entry(i))))
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n')
    expect(lines).toHaveLength(30)
    expect(lines.map((l) => (JSON.parse(l) as AuditEntry).params.i)).toEqual(
      Array.from({ length: 30 }, (_, i) => i)
    )
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(appended).toHaveLength(30)

    const last = await log.tail(5)
    expect(last.map((e) => e.params.i)).toEqual([29, 28, 27, 26, 25])
    expect(last[0]).toEqual(entry(29))
    expect((await log.tail(100)).length).toBe(30)
  })

  it('no file yet: an empty list', async () => {
    expect(await new AuditService({ file }).tail(10)).toEqual([])
  })

  it('reads only the end of a large file', async () => {
    const log = new AuditService({ file })
    await log.append(entry(0))
    const big = Array.from({ length: 40_000 }, (_, i) => JSON.stringify(entry(i + 1))).join('\n')
    appendFileSync(file, `${big}\n`)
    const size = statSync(file).size
    expect(size).toBeGreaterThan(4 * 1024 * 1024)
    const t0 = performance.now()
    const last = await log.tail(50)
    const ms = performance.now() - t0
    expect(last.map((e) => e.params.i)).toEqual(Array.from({ length: 50 }, (_, i) => 40_000 - i))
    expect(log.lastTailBytes).toBeLessThanOrEqual(64 * 1024)
    expect(ms).toBeLessThan(500)
  })

  it('skips torn or foreign lines, and handles a first chunk cut mid-line and mid-character', async () => {
    const log = new AuditService({ file })
    mkdirSync(dirname(file), { recursive: true })
    const pad = 'é'.repeat(40_000) // 2-byte characters across the 64 KiB chunk boundary
    writeFileSync(
      file,
      [
        JSON.stringify(entry(1, { params: { pad } })),
        '{"time": "2025-01-01T00:00:00Z", "action": "ban", "res', // torn write
        'not json',
        '42',
        JSON.stringify(entry(2, { params: { pad } })),
        JSON.stringify(entry(3)),
        ''
      ].join('\n')
    )
    const got = await log.tail(10)
    expect(got.map((e) => e.time)).toEqual([entry(3).time, entry(2).time, entry(1).time])
    expect(got[1]!.params.pad).toBe(pad)
  })

  it('keeps several generations and reads across them, newest first', async () => {
    const log = new AuditService({ file, maxBytes: 600, generations: 3 })
    for (let i = 0; i < 60; i++) await log.append(entry(i))
    const { existsSync } = await import('node:fs')
    expect([1, 2, 3].map((g) => existsSync(`${file}.${g}`))).toEqual([true, true, true])
    expect(existsSync(`${file}.4`)).toBe(false) // the oldest generation is dropped
    const kept = [file, `${file}.1`, `${file}.2`, `${file}.3`]
      .map((f) => readFileSync(f, 'utf8').trimEnd().split('\n').length)
      .reduce((a, b) => a + b)
    const all = await log.tail(1000)
    expect(all).toHaveLength(kept)
    expect(all.length).toBeGreaterThan(readFileSync(file, 'utf8').trimEnd().split('\n').length)
    const ids = all.map((e) => (e.params as { i: number }).i)
    expect(ids).toEqual([...ids].sort((a, b) => b - a)) // newest first across files
    expect(ids[0]).toBe(59)
  })

  it('bounds an entry: long messages clipped, oversized parameters dropped', async () => {
    const log = new AuditService({ file })
    await log.append({
      ...entry(1),
      params: { junk: 'x'.repeat(100_000) },
      result: { ok: false, code: 'invalid-argument', message: 'y'.repeat(50_000) }
    })
    const line = readFileSync(file, 'utf8').trimEnd()
    expect(Buffer.byteLength(line)).toBeLessThanOrEqual(MAX_ENTRY_BYTES)
    expect(JSON.parse(line)).toMatchObject({
      params: { truncated: true },
      result: { ok: false, code: 'invalid-argument' }
    })
  })

  it('records refused requests at most N a minute, then one "K more refused" summary', async () => {
    let t = Date.parse('2025-11-25T10:00:00.000Z')
    const log = new AuditService({ file, refusalsPerMinute: 3, now: () => t })
    for (let i = 0; i < 50; i++) {
      await log.refused({ ...entry(i), action: 'refused' })
      t += 100
    }
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(3)
    t += 60_000
    const got = await log.tail(10) // reading the log writes the pending summary
    expect(got[0]).toMatchObject({
      action: 'refused',
      params: { suppressed: 47 },
      result: {
        ok: false,
        code: 'rate-limited',
        message: expect.stringMatching(/^47 more refused/)
      }
    })
    expect(got).toHaveLength(4)
  })

  it('rotates to <file>.1 past maxBytes', async () => {
    const log = new AuditService({ file, maxBytes: 2000 })
    for (let i = 0; i < 30; i++) await log.append(entry(i))
    const current = readFileSync(file, 'utf8').trimEnd().split('\n')
    const older = readFileSync(`${file}.1`, 'utf8').trimEnd().split('\n')
    expect(statSync(file).size).toBeLessThan(2000 + 400)
    const ids = [...older, ...current].map((l) => (JSON.parse(l) as AuditEntry).params.i)
    expect(ids.at(-1)).toBe(29)
    expect(ids).toEqual([...ids].sort((a, b) => Number(a) - Number(b)))
  })

  it('in memory: keeps the last entries', async () => {
    const log = new AuditService({ file: null, memoryLimit: 3 })
    for (let i = 0; i < 5; i++) await log.append(entry(i))
    expect((await log.tail(10)).map((e) => e.params.i)).toEqual([4, 3, 2])
  })

  it('IP lists are kept as a count and the first 20', () => {
    const ips = Array.from({ length: 2500 }, (_, i) => `10.0.${i >> 8}.${i & 255}`)
    expect(auditIpList(ips)).toEqual({ count: 2500, first: ips.slice(0, 20) })
  })
})

describe('audited handlers', () => {
  function fakeHandlers(): Handlers {
    const h: Record<string, (req: unknown) => Promise<unknown>> = {}
    for (const name of invokeNames) h[name] = async () => `${name}-result`
    h.banIps = async () => ({ newlyBanned: 3, submitted: 25, cancelled: false })
    h.unbanAll = async () => {
      throw new Fail2BanCommandError('UnknownJailException', 'ghost')
    }
    h.reload = async () => ({
      ok: true,
      jails: ['a', 'b'],
      missing: [],
      output: 'x'.repeat(10_000),
      durationMs: 812
    })
    h.updateSettings = async () => ({ restartRequired: [], warnings: [] })
    return h as unknown as Handlers
  }

  it('every channel is either audited or deliberately not', () => {
    expect([...AUDITED_CHANNELS, ...UNAUDITED_CHANNELS].sort()).toEqual([...invokeNames].sort())
    expect(AUDITED_CHANNELS).toEqual(
      expect.arrayContaining([
        'banIps',
        'unbanIps',
        'unbanAll',
        'reload',
        'startJail',
        'stopJail',
        'updateSettings'
      ])
    )
  })

  it('records request and outcome; results and errors pass through unchanged', async () => {
    const log = new AuditService({ file })
    let t = Date.parse('2025-11-25T10:00:00.000Z')
    const h = auditedHandlers(fakeHandlers(), log, { now: () => new Date((t += 5)) })
    const ips = Array.from({ length: 25 }, (_, i) => `198.51.100.${i}`)

    await expect(h.banIps({ jail: 'sshd', ips, operationId: 'op-1' })).resolves.toEqual({
      newlyBanned: 3,
      submitted: 25,
      cancelled: false
    })
    const err = await h.unbanAll({ jail: 'ghost', confirm: 'ghost' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Fail2BanCommandError)
    await h.reload({ scope: { kind: 'include', jails: ['sshd'] }, restart: false, unban: false })
    await h.listJails(undefined) // read-only: not recorded
    await h.updateSettings({ pollIntervalMs: 9000 })

    const lines = readFileSync(file, 'utf8').trimEnd().split('\n')
    expect(lines).toHaveLength(4)
    const [ban, unbanAll, reload, settings] = lines.map((l) => JSON.parse(l) as AuditEntry)
    expect(ban).toEqual({
      time: '2025-11-25T10:00:00.005Z',
      action: 'ban',
      target: 'sshd',
      params: { ips: { count: 25, first: ips.slice(0, 20) }, operationId: 'op-1' },
      result: { ok: true, value: { newlyBanned: 3, submitted: 25, cancelled: false } },
      durationMs: 5
    })
    expect(unbanAll).toMatchObject({
      action: 'unbanAll',
      target: 'ghost',
      result: { ok: false, code: 'unknown-jail', message: 'fail2ban has no jail named "ghost"' }
    })
    expect(reload).toMatchObject({
      action: 'reload',
      target: 'sshd',
      result: { ok: true, value: { ok: true, jails: 2, missing: [], durationMs: 812 } }
    })
    expect(JSON.stringify(reload)).not.toContain('xxxx') // no reload output in the log
    expect(settings).toMatchObject({
      action: 'settingsChanged',
      target: null,
      params: { pollIntervalMs: 9000 }
    })
  })

  it('a no-op is not recorded: cancelling a ban operation that is not running', async () => {
    const log = new AuditService({ file })
    const handlers = { ...fakeHandlers(), cancelBan: async () => false }
    const h = auditedHandlers(handlers, log)
    for (let i = 0; i < 100; i++) await h.cancelBan({ operationId: `op-${i}` })
    const { existsSync } = await import('node:fs')
    expect(existsSync(file)).toBe(false)
    const h2 = auditedHandlers({ ...fakeHandlers(), cancelBan: async () => true }, log)
    await h2.cancelBan({ operationId: 'op-real' })
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(1)
  })

  it('a failing audit write never fails the action', async () => {
    const errors: string[] = []
    const h = auditedHandlers(
      fakeHandlers(),
      {
        append: async () => {
          throw new Error('disk full')
        }
      },
      { logger: { debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) } }
    )
    await expect(h.startJail({ jail: 'sshd' })).resolves.toBe('startJail-result')
    expect(errors).toEqual(['audit log write failed'])
  })

  it('dispatch audits by default: a refused action and a settings change are logged', async () => {
    const auditFile = join(dir, 'audit.jsonl')
    const services = createAppServices({
      socketPath: join(dir, 'no-such.sock'),
      auditFile,
      timeoutMs: 2000
    })
    const appended: AuditEntry[] = []
    services.events.subscribe(
      (name, p) => name === 'auditAppended' && appended.push(p as AuditEntry)
    )
    const dispatch = createDispatch(services)
    const r = await dispatch('stopJail', { jail: 'sshd' })
    expect(r).toMatchObject({ ok: false, error: { code: 'not-connected' } })
    await dispatch('updateSettings', { closeToTray: false })
    expect(await dispatch('listAudit', { limit: 10 })).toMatchObject({
      ok: true,
      value: [
        { action: 'settingsChanged', params: { closeToTray: false }, result: { ok: true } },
        { action: 'stopJail', target: 'sshd', result: { ok: false, code: 'not-connected' } }
      ]
    })
    expect(appended.map((e) => e.action)).toEqual(['stopJail', 'settingsChanged'])
    // a request refused by its schema never reaches a handler: recorded as refused, with why
    await dispatch('banIps', { jail: 'sshd', ips: ['not-an-ip'], operationId: 'x' })
    const lines = readFileSync(auditFile, 'utf8').trimEnd().split('\n')
    expect(lines).toHaveLength(3)
    expect(JSON.parse(lines[2]!)).toMatchObject({
      action: 'refused',
      params: { channel: 'banIps' },
      result: { ok: false, code: 'invalid-argument', message: expect.stringMatching(/not-an-ip/) }
    })
    await services.dispose()
  })
})
