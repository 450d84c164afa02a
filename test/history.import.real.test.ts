/**
 * The importer against the database of a private real fail2ban-server: log-triggered and manual
 * bans, an unban, a purge, a restart; read directly and through a helper-shaped source.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  fileSource,
  helperSource,
  HELPER_VERB,
  importBans,
  parseData,
  rowToImported
} from '../src/main/history/f2b-import.ts'
import { HistoryStore } from '../src/main/history/store.ts'
import {
  f2bAvailable,
  fail2banClient,
  startTestServer,
  type TestServer
} from './support/f2b-server.ts'

const skip = !f2bAvailable()
if (skip) console.warn('history.import.real: skipped, fail2ban-server is not installed')

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe.skipIf(skip)('import from a real fail2ban database', () => {
  let server: TestServer
  let dir: string
  let store: HistoryStore
  let dbfile: string

  beforeAll(async () => {
    server = await startTestServer()
    dir = mkdtempSync(join(tmpdir(), 'bangui-hist-imp-'))
    store = new HistoryStore(join(dir, 'h.sqlite'))
    dbfile = String(await fail2banClient(server.socketPath, ['get', 'dbfile']))
      .trim()
      .split('\n')
      .pop()!
      .replace(/^`- /, '')
      .trim()
  }, 30_000)
  afterAll(async () => {
    store?.close()
    await server?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const bansRows = (): number =>
    (
      new DatabaseSync(dbfile, { readOnly: true })
        .prepare('SELECT count(*) AS n FROM bans')
        .get() as { n: number }
    ).n
  const waitRows = async (n: number): Promise<void> => {
    const deadline = Date.now() + 15_000
    while (bansRows() < n) {
      if (Date.now() > deadline)
        throw new Error(`fail2ban's database has ${bansRows()} bans, expected ${n}`)
      await sleep(100)
    }
  }
  const events = (): Record<string, unknown>[] =>
    store.db
      .prepare(
        "SELECT jail, ip, time, bantime, bancount, failures, matches, source FROM events WHERE kind = 'ban' ORDER BY ip"
      )
      .all() as Record<string, unknown>[]

  it('imports log-triggered bans with their failure count and matched lines', async () => {
    expect(dbfile).toBe(join(server.dir, 'f2b.sqlite3'))
    await server.appendFailures('webapp', '192.0.2.10', 3)
    await server.appendFailures('sshd', '192.0.2.11', 4)
    await waitRows(2)
    const r = await importBans(store, 'local', fileSource(dbfile))
    expect(r).toMatchObject({ read: 2, skipped: 0 })
    const ev = events()
    expect(ev).toHaveLength(2)
    expect(ev[0]).toMatchObject({
      jail: 'webapp',
      ip: '192.0.2.10',
      bantime: 600,
      bancount: 1,
      source: 'imported'
    })
    expect(ev[0]!.failures).toBeGreaterThanOrEqual(2)
    const lines = JSON.parse(String(ev[0]!.matches)) as string[]
    expect(lines.length).toBeGreaterThanOrEqual(2)
    expect(lines[0]).toMatch(/FAIL login user=bob from 192\.0\.2\.10/)
    expect(ev[1]).toMatchObject({ jail: 'sshd', ip: '192.0.2.11' })
    expect(String(ev[1]!.matches)).toMatch(/Failed password .* from 192\.0\.2\.11/)
    expect(store.cursor('local').lastRowid).toBe(2)
  }, 30_000)

  it('is incremental: a second import adds only the new bans, an unbanned one stays', async () => {
    // unban the newest row's IP: the unban deletes that row and the next ban takes its rowid
    const newest = new DatabaseSync(dbfile, { readOnly: true })
      .prepare('SELECT rowid, jail, ip FROM bans ORDER BY rowid DESC LIMIT 1')
      .get() as { rowid: number; jail: string; ip: string }
    expect(newest.rowid).toBe(2)
    await fail2banClient(server.socketPath, ['set', newest.jail, 'unbanip', newest.ip])
    await fail2banClient(server.socketPath, ['set', 'webapp', 'banip', '192.0.2.12', '192.0.2.13'])
    await waitRows(3)
    const reused = new DatabaseSync(dbfile, { readOnly: true })
      .prepare('SELECT ip FROM bans WHERE rowid = 2')
      .get() as { ip: string }
    expect(reused.ip).toBe('192.0.2.12')
    const r = await importBans(store, 'local', fileSource(dbfile))
    // rows since the newest imported time minus the margin: the old ones again (merged) + new
    expect(r.skipped).toBe(0)
    expect(events().map((e) => e.ip)).toEqual([
      '192.0.2.10',
      '192.0.2.11',
      '192.0.2.12',
      '192.0.2.13'
    ])
    const again = await importBans(store, 'local', fileSource(dbfile))
    expect(again.read).toBe(3)
    expect(store.count()).toBe(4)
  }, 30_000)

  it('keeps bans fail2ban purged, and imports nothing twice after a restart', async () => {
    // purge as dbpurgeage would: delete the rows older than "now" from the live database
    const w = new DatabaseSync(dbfile, { timeout: 5_000 })
    w.prepare("DELETE FROM bans WHERE ip IN ('192.0.2.11', '192.0.2.12')").run()
    w.close()
    await server.restart()
    await fail2banClient(server.socketPath, ['set', 'sshd', 'banip', '192.0.2.14'])
    await waitRows(2)
    const r = await importBans(store, 'local', fileSource(dbfile))
    expect(r.skipped).toBe(0)
    expect(events().map((e) => e.ip)).toEqual([
      '192.0.2.10',
      '192.0.2.11',
      '192.0.2.12',
      '192.0.2.13',
      '192.0.2.14'
    ])
    expect(store.integrity()).toBe('ok')
  }, 60_000)

  it('reads the same rows through a helper-shaped source (bangui-dbrows contract)', async () => {
    const sent: unknown[] = []
    // A small fake of the helper: checks the request shape the helper allows (numbers only)
    // and answers with the same read-only query on the real file.
    const fake = async (tokens: readonly (string | number)[]): Promise<unknown> => {
      sent.push(tokens)
      const [verb, since, after, limit] = tokens
      if (verb !== HELPER_VERB || ![since, after, limit].every((n) => Number.isInteger(n)))
        throw new Error('refused by the helper')
      return fileSource(dbfile).rows(since as number, after as number, limit as number)
    }
    const other = new HistoryStore(join(dir, 'via-helper.sqlite'))
    const r = await importBans(other, 'remote', helperSource(fake), { pageRows: 1 })
    expect(r.read).toBe(bansRows())
    expect(sent.length).toBe(r.read + 1) // one row per page, then an empty page
    expect(sent[0]).toEqual([HELPER_VERB, 0, 0, 1])
    const fromFile = await fileSource(dbfile).rows(0, 0, 1000)
    expect(other.count()).toBe(fromFile.length)
    other.close()
  }, 30_000)
})

describe('rows from fail2ban are checked', () => {
  it('skips rows with a bad IP, jail or numbers, and keeps what data it can', () => {
    const ok = [
      1,
      'sshd',
      '192.0.2.1',
      1000,
      600,
      2,
      '{"failures": 5, "matches": ["a", ["b", "c"]]}'
    ]
    expect(rowToImported('s', ok)).toMatchObject({
      ip: '192.0.2.1',
      failures: 5,
      matches: ['a', 'bc'],
      bancount: 2
    })
    expect(rowToImported('s', [1, 'sshd', 'not an ip', 1000, 600, 1, null])).toBeNull()
    expect(rowToImported('s', [1, 'bad jail\n', '192.0.2.1', 1000, 600, 1, null])).toBeNull()
    expect(rowToImported('s', [1, 'sshd', '192.0.2.1', -5, 600, 1, null])).toBeNull()
    expect(rowToImported('s', [0, 'sshd', '192.0.2.1', 5, 600, 1, null])).toBeNull()
    expect(rowToImported('s', 'junk')).toBeNull()
    expect(parseData('{broken')).toEqual({ failures: null, matches: [] })
    expect(parseData('[1,2]')).toEqual({ failures: null, matches: [] })
    expect(parseData(new TextEncoder().encode('{"failures": 2}'))).toEqual({
      failures: 2,
      matches: []
    })
  })

  it('stops when a hostile source repeats a full page without moving on', async () => {
    const store = new HistoryStore(':memory:')
    let calls = 0
    const stuck = {
      kind: 'helper' as const,
      rows: async () => (calls++, [[5, 'sshd', '192.0.2.1', 10, 60, 1, null]])
    }
    const r = await importBans(store, 'x', stuck, { pageRows: 1 })
    expect(calls).toBeLessThanOrEqual(2)
    expect(r.read).toBeLessThanOrEqual(2)
    store.close()
  })
})
