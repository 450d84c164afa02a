/**
 * The history store on real SQLite files: merge of a ban seen twice, retention, the rollup,
 * migration from an older schema, and a writer SIGKILLed mid-write.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migrate, SCHEMA_VERSION, userVersion } from '../src/main/history/schema.ts'
import { HistoryStore, type NewEvent } from '../src/main/history/store.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bangui-history-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const ban = (ip: string, time: number, extra: Partial<NewEvent> = {}): NewEvent => ({
  server: 'local',
  jail: 'sshd',
  ip,
  time,
  kind: 'ban',
  source: 'observed',
  ...extra
})

describe('HistoryStore', () => {
  it('creates a WAL database at the latest schema version', () => {
    const s = new HistoryStore(join(dir, 'h.sqlite'))
    expect(userVersion(s.db)).toBe(SCHEMA_VERSION)
    expect(
      (s.db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode
    ).toBe('wal')
    s.close()
  })

  it('merges the same ban seen by the monitor and the importer into one row', () => {
    const s = new HistoryStore(join(dir, 'h.sqlite'))
    s.insert([ban('192.0.2.1', 1000, { bantime: 600 })])
    s.insert([
      ban('192.0.2.1', 1000, {
        source: 'imported',
        failures: 3,
        matches: ['l1', 'l2'],
        bancount: 2
      })
    ])
    const rows = s.db.prepare('SELECT * FROM events').all() as Record<string, unknown>[]
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      source: 'observed',
      bantime: 600,
      failures: 3,
      bancount: 2,
      matches: '["l1","l2"]'
    })
    // the rollup counted the ban once
    expect(s.db.prepare('SELECT sum(n) AS n FROM ban_hours').get()).toEqual({ n: 1 })
    s.close()
  })

  it('keeps one unban when the app and then the monitor report it', () => {
    const s = new HistoryStore(join(dir, 'h.sqlite'))
    const unban = (time: number, source: NewEvent['source']): NewEvent => ({
      ...ban('192.0.2.1', time),
      kind: 'unban',
      source
    })
    s.insert([ban('192.0.2.1', 1000), unban(1100, 'manual')])
    s.insert([unban(1104, 'observed')])
    s.insert([ban('192.0.2.1', 1200), unban(1300, 'observed')])
    expect(s.db.prepare('SELECT kind, time, source FROM events ORDER BY time').all()).toEqual([
      { kind: 'ban', time: 1000, source: 'observed' },
      { kind: 'unban', time: 1100, source: 'manual' },
      { kind: 'ban', time: 1200, source: 'observed' },
      { kind: 'unban', time: 1300, source: 'observed' }
    ])
    s.close()
  })

  it('rolls back a whole batch when one event is invalid', () => {
    const s = new HistoryStore(join(dir, 'h.sqlite'))
    expect(() =>
      s.insert([ban('192.0.2.1', 1000), { ...ban('192.0.2.2', 1001), kind: 'bogus' as 'ban' }])
    ).toThrow(/CHECK/)
    expect(s.count()).toBe(0)
    s.close()
  })

  it('deletes events older than the retention, rollup included', () => {
    const s = new HistoryStore(join(dir, 'h.sqlite'))
    const now = 100 * 86_400
    s.insert([
      ban('192.0.2.1', now - 40 * 86_400),
      ban('192.0.2.2', now - 10 * 86_400),
      ban('192.0.2.3', now)
    ])
    expect(s.purgeOlderThan(30, now)).toBe(1)
    expect(s.count()).toBe(2)
    expect(s.db.prepare('SELECT sum(n) AS n FROM ban_hours').get()).toEqual({ n: 2 })
    expect(s.db.prepare('SELECT sum(n) AS n FROM ban_days').get()).toEqual({ n: 2 })
    s.close()
  })

  it('keeps the import cursor per server', () => {
    const s = new HistoryStore(join(dir, 'h.sqlite'))
    expect(s.cursor('a')).toEqual({ lastRowid: 0, lastTime: 0 })
    s.setCursor('a', { lastRowid: 7, lastTime: 1234 })
    s.setCursor('a', { lastRowid: 9, lastTime: 1300 })
    expect(s.cursor('a')).toEqual({ lastRowid: 9, lastTime: 1300 })
    expect(s.cursor('b')).toEqual({ lastRowid: 0, lastTime: 0 })
    s.close()
  })

  it('migrates a version 1 database, keeping its events and filling the rollup', () => {
    const file = join(dir, 'old.sqlite')
    const old = new DatabaseSync(file)
    expect(migrate(old, 1)).toBe(1)
    const ins = old.prepare(
      "INSERT INTO events (server, jail, ip, time, bantime, kind, source) VALUES ('local', ?, ?, ?, 600, ?, 'observed')"
    )
    ins.run('sshd', '192.0.2.1', 3600 * 5 + 1, 'ban')
    ins.run('sshd', '192.0.2.1', 3600 * 5 + 1, 'ban') // a duplicate v1 allowed
    ins.run('sshd', '192.0.2.2', 3600 * 5 + 2, 'ban')
    ins.run('web', '192.0.2.2', 3600 * 6, 'ban')
    ins.run('sshd', '192.0.2.1', 3600 * 7, 'unban')
    old.close()

    const s = new HistoryStore(file)
    expect(userVersion(s.db)).toBe(2)
    expect(s.count()).toBe(4)
    expect(
      s.db.prepare('SELECT server, jail, hour, n FROM ban_hours ORDER BY hour, jail').all()
    ).toEqual([
      { server: 'local', jail: 'sshd', hour: 5, n: 2 },
      { server: 'local', jail: 'web', hour: 6, n: 1 }
    ])
    expect(s.db.prepare('SELECT server, jail, day, n FROM ban_days ORDER BY jail').all()).toEqual([
      { server: 'local', jail: 'sshd', day: 0, n: 2 },
      { server: 'local', jail: 'web', day: 0, n: 1 }
    ])
    const r = s.db
      .prepare(
        "SELECT bancount, failures, matches FROM events WHERE ip = '192.0.2.2' AND jail = 'sshd'"
      )
      .get()
    expect(r).toEqual({ bancount: null, failures: null, matches: null })
    // and new rows go through the v2 merge
    s.insert([ban('192.0.2.2', 3600 * 5 + 2, { source: 'imported', failures: 5 })])
    expect(s.count()).toBe(4)
    s.close()
  })

  it('refuses a database from a newer BanGUI', () => {
    const file = join(dir, 'new.sqlite')
    const db = new DatabaseSync(file)
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`)
    db.close()
    expect(() => new HistoryStore(file)).toThrow(/newer than this BanGUI knows/)
  })

  it('loses nothing committed when the writer is SIGKILLed mid-write, and opens again', async () => {
    const file = join(dir, 'crash.sqlite')
    const storeUrl = new URL('../src/main/history/store.ts', import.meta.url).href
    const BATCH = 200
    // The child commits batches forever and reports each commit right after it returns.
    const script = `
      import { writeSync } from 'node:fs'
      import { HistoryStore } from ${JSON.stringify(storeUrl)}
      const s = new HistoryStore(${JSON.stringify(file)})
      for (let b = 0; ; b++) {
        const batch = []
        for (let i = 0; i < ${BATCH}; i++)
          batch.push({ server: 'local', jail: 'sshd', ip: '10.' + (b >> 8 & 255) + '.' + (b & 255) + '.' + (i & 255),
                       time: 1_000_000 + b * ${BATCH} + i, kind: 'ban', source: 'observed', matches: ['x'.repeat(200)] })
        s.insert(batch)
        writeSync(1, (b + 1) * ${BATCH} + '\\n')
      }`
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: resolve(import.meta.dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let reported = 0
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    await new Promise<void>((done, fail) => {
      let buf = ''
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString()
        const lines = buf.split('\n')
        buf = lines.pop()!
        for (const l of lines) reported = Number(l)
        // kill at an arbitrary point after a fair number of commits, while it is writing
        if (reported >= 30 * BATCH) {
          child.kill('SIGKILL')
          done()
        }
      })
      child.on('exit', (code, sig) => {
        if (sig !== 'SIGKILL') fail(new Error(`writer exited early (${code}): ${stderr}`))
      })
    })
    await new Promise((r) => child.once('close', r))
    expect(child.signalCode).toBe('SIGKILL')

    const s = new HistoryStore(file)
    const n = s.count()
    // every reported commit is there; at most the one batch committed before its report
    // arrived is extra; never part of a batch
    expect(n).toBeGreaterThanOrEqual(reported)
    expect(n).toBeLessThanOrEqual(reported + BATCH)
    expect(n % BATCH).toBe(0)
    expect(s.integrity()).toBe('ok')
    expect(s.db.prepare('SELECT sum(n) AS n FROM ban_hours').get()).toEqual({ n })
    expect(s.db.prepare('SELECT sum(n) AS n FROM ban_days').get()).toEqual({ n })
    s.insert([ban('192.0.2.9', 5)])
    expect(s.count()).toBe(n + 1)
    s.close()
  })
})
