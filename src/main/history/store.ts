/**
 * The durable ban history: one SQLite file (node:sqlite, no native module to package) in WAL mode
 * with synchronous=FULL, so a committed batch survives a crash of the app or the machine, and a
 * write cut short is rolled back on the next open. Writes are batched in transactions.
 * Never imports electron: main, tests and the bench use it alike.
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite'
import type { HistoryEvent, HistoryKind, HistorySource } from '../../shared/history.ts'
import { migrate } from './schema.ts'

/** An event to record; unknown fields may be left out. */
export interface NewEvent {
  server: string
  jail: string
  ip: string
  time: number
  kind: HistoryKind
  source: HistorySource
  bantime?: number | null
  bancount?: number | null
  failures?: number | null
  matches?: readonly string[] | null
}

export interface ImportCursor {
  lastRowid: number
  lastTime: number
}

export interface HistoryStoreOptions {
  /** How long a write waits for another connection's lock before failing (ms). */
  busyTimeoutMs?: number
}

const DAY_S = 86_400

export class HistoryStore {
  readonly db: DatabaseSync
  readonly path: string
  #insert: StatementSync
  #near: StatementSync
  #addHour: StatementSync
  #addDay: StatementSync
  #last: StatementSync
  #markManual: StatementSync
  #closed = false

  /** Opens (creating if needed) and migrates the store at `path` (':memory:' for none). */
  constructor(path: string, opts: HistoryStoreOptions = {}) {
    this.path = path
    this.db = new DatabaseSync(path, { timeout: opts.busyTimeoutMs ?? 5_000 })
    try {
      this.db.exec('PRAGMA journal_mode = WAL')
      this.db.exec('PRAGMA synchronous = FULL')
      this.db.exec('PRAGMA foreign_keys = ON')
      migrate(this.db)
    } catch (err) {
      this.db.close()
      throw new Error(`cannot open the ban history at ${path}: ${(err as Error).message}`, {
        cause: err
      })
    }
    this.#near = this.db.prepare(
      `SELECT time FROM events WHERE kind = 'ban' AND time BETWEEN ? AND ?
         AND jail = ? AND server = ? AND ip = ? LIMIT 1`
    )
    this.#last = this.db.prepare(
      `SELECT id, kind FROM events WHERE ip = ? AND server = ? AND jail = ?
       ORDER BY time DESC, id DESC LIMIT 1`
    )
    this.#markManual = this.db.prepare(`UPDATE events SET source = 'manual' WHERE id = ?`)
    this.#addDay = this.db.prepare(
      `INSERT INTO ban_days (server, jail, day, n) VALUES (?, ?, ?, ?)
       ON CONFLICT (day, jail, server) DO UPDATE SET n = n + excluded.n`
    )
    this.#addHour = this.db.prepare(
      `INSERT INTO ban_hours (server, jail, hour, n) VALUES (?, ?, ?, ?)
       ON CONFLICT (hour, jail, server) DO UPDATE SET n = n + excluded.n`
    )
    // A ban seen twice (monitor and importer) is one row: the later source fills in what the
    // first one did not know (fail2ban's failures and matched lines, the ban count). A ban this
    // app made stays "manual" whichever report came first (the monitor's refresh after the
    // app's own ban may arrive before the app records it).
    this.#insert = this.db.prepare(
      `INSERT INTO events (server, jail, ip, time, bantime, bancount, kind, source, failures, matches)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (time, jail, server, ip) WHERE kind = 'ban' DO UPDATE SET
         bantime = coalesce(excluded.bantime, bantime),
         bancount = coalesce(excluded.bancount, bancount),
         failures = coalesce(excluded.failures, failures),
         matches = coalesce(excluded.matches, matches),
         source = CASE WHEN excluded.source = 'manual' THEN 'manual' ELSE source END`
    )
  }

  /**
   * Records events in one transaction; all or nothing. Returns how many were given.
   * A ban within a second of a stored ban of the same IP in the same jail is that ban: the
   * monitor reads times truncated to the second, fail2ban's database keeps them rounded.
   */
  insert(events: readonly NewEvent[]): number {
    if (events.length === 0) return 0
    // new bans per server, jail and hour, added to the rollup once per batch
    const hours = new Map<string, { server: string; jail: string; hour: number; n: number }>()
    const days = new Map<string, { server: string; jail: string; day: number; n: number }>()
    this.db.exec('BEGIN IMMEDIATE')
    try {
      for (const e of events) {
        let time = Math.floor(e.time)
        if (e.kind === 'ban') {
          const near = this.#near.get(time - 1, time + 1, e.jail, e.server, e.ip) as
            { time: number } | undefined
          if (near) time = near.time
          else {
            const hour = Math.floor(time / 3600)
            const key = `${e.server}\n${e.jail}\n${hour}`
            const h = hours.get(key)
            if (h) h.n++
            else hours.set(key, { server: e.server, jail: e.jail, hour, n: 1 })
            const day = Math.floor(time / 86_400)
            const dkey = `${e.server}\n${e.jail}\n${day}`
            const d = days.get(dkey)
            if (d) d.n++
            else days.set(dkey, { server: e.server, jail: e.jail, day, n: 1 })
          }
        }
        // an unban right after an unban (the app's own, then the monitor's) is the same unban
        if (e.kind === 'unban') {
          const last = this.#last.get(e.ip, e.server, e.jail) as
            { id: number; kind: string } | undefined
          if (last?.kind === 'unban') {
            if (e.source === 'manual') this.#markManual.run(last.id)
            continue
          }
        }
        this.#insert.run(...eventRow(e, time))
      }
      for (const h of hours.values()) this.#addHour.run(h.server, h.jail, h.hour, h.n)
      for (const d of days.values()) this.#addDay.run(d.server, d.jail, d.day, d.n)
      this.db.exec('COMMIT')
    } catch (err) {
      this.db.exec('ROLLBACK')
      throw err
    }
    return events.length
  }

  /**
   * Loads many events into an empty or disjoint store at once: indexes dropped, one
   * transaction, indexes rebuilt, rollups recounted. No merge of bans seen twice: for a first
   * import of a large history, the bench and tests.
   */
  bulkLoad(events: readonly NewEvent[]): void {
    const indexes = this.db
      .prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL"
      )
      .all() as { name: string; sql: string }[]
    const ins = this.db.prepare(
      `INSERT INTO events (server, jail, ip, time, bantime, bancount, kind, source, failures, matches)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    )
    this.db.exec('BEGIN IMMEDIATE')
    try {
      for (const i of indexes) this.db.exec(`DROP INDEX ${i.name}`)
      for (const e of events) {
        ins.run(...eventRow(e, Math.floor(e.time)))
      }
      for (const i of indexes) this.db.exec(i.sql)
      this.db.exec('COMMIT')
    } catch (err) {
      this.db.exec('ROLLBACK')
      throw err
    }
    this.rebuildRollup()
  }

  /** Recounts the hourly rollup from the events (after a bulk load that bypassed `insert`). */
  rebuildRollup(): void {
    this.db.exec(`BEGIN IMMEDIATE;
      DELETE FROM ban_hours;
      INSERT INTO ban_hours (server, jail, hour, n)
        SELECT server, jail, time / 3600, count(*) FROM events WHERE kind = 'ban'
        GROUP BY server, jail, time / 3600;
      DELETE FROM ban_days;
      INSERT INTO ban_days (server, jail, day, n)
        SELECT server, jail, time / 86400, count(*) FROM events WHERE kind = 'ban'
        GROUP BY server, jail, time / 86400;
      COMMIT`)
  }

  /**
   * Deletes events older than `days` days (cut at the start of a UTC day, so the rollups stay
   * exact). Returns the number of events deleted.
   */
  purgeOlderThan(days: number, nowS = Math.floor(Date.now() / 1000)): number {
    const cutDay = Math.floor((nowS - days * DAY_S) / DAY_S)
    const cut = cutDay * DAY_S
    this.db.exec('BEGIN IMMEDIATE')
    try {
      // per kind (literal, so each delete walks its own partial time index)
      let changes = Number(
        this.db.prepare("DELETE FROM events WHERE kind = 'ban' AND time < ?").run(cut).changes
      )
      changes += Number(
        this.db.prepare("DELETE FROM events WHERE kind = 'unban' AND time < ?").run(cut).changes
      )
      this.db.prepare('DELETE FROM ban_hours WHERE hour < ?').run(cutDay * 24)
      this.db.prepare('DELETE FROM ban_days WHERE day < ?').run(cutDay)
      this.db.exec('COMMIT')
      return changes
    } catch (err) {
      this.db.exec('ROLLBACK')
      throw err
    }
  }

  cursor(server: string): ImportCursor {
    const row = this.db
      .prepare('SELECT last_rowid, last_time FROM import_cursors WHERE server = ?')
      .get(server) as { last_rowid: number; last_time: number } | undefined
    return row
      ? { lastRowid: row.last_rowid, lastTime: row.last_time }
      : { lastRowid: 0, lastTime: 0 }
  }

  setCursor(server: string, c: ImportCursor, nowS = Math.floor(Date.now() / 1000)): void {
    this.db
      .prepare(
        `INSERT INTO import_cursors (server, last_rowid, last_time, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (server) DO UPDATE SET last_rowid = excluded.last_rowid,
           last_time = excluded.last_time, updated_at = excluded.updated_at`
      )
      .run(server, c.lastRowid, c.lastTime, nowS)
  }

  /** Number of events (all kinds). */
  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n
  }

  /** `PRAGMA integrity_check`: 'ok' or the problems SQLite found. */
  integrity(): string {
    const rows = this.db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[]
    return rows.map((r) => r.integrity_check).join('; ')
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.db.close()
  }
}

/** A stored row as the UI sees it. */
export function rowToEvent(r: Record<string, unknown>): HistoryEvent {
  return {
    server: String(r.server),
    jail: String(r.jail),
    ip: String(r.ip),
    time: Number(r.time),
    bantime: r.bantime === null ? null : Number(r.bantime),
    bancount: r.bancount === null ? null : Number(r.bancount),
    kind: r.kind as HistoryKind,
    source: r.source as HistorySource,
    failures: r.failures === null ? null : Number(r.failures),
    matches: typeof r.matches === 'string' ? (JSON.parse(r.matches) as string[]) : []
  }
}

/** One event as the values of `INSERT INTO events (server, jail, ip, time, …, matches)`. */
function eventRow(e: NewEvent, time: number): SQLInputValue[] {
  return [
    e.server,
    e.jail,
    e.ip,
    time,
    e.bantime ?? null,
    e.bancount ?? null,
    e.kind,
    e.source,
    e.failures ?? null,
    e.matches && e.matches.length > 0 ? JSON.stringify(e.matches) : null
  ]
}
