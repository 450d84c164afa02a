/**
 * The history's questions, answered in SQL on the store: bans by jail in a window (with a
 * diagnostic when the window looks empty or incomplete), timeline buckets per jail for a zoom
 * level, top and repeat offenders, per-IP history, top countries, and the window's events for
 * export. Windows are [since, until) in epoch seconds; `server` null means every server.
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite'
import type {
  BansByJail,
  CountryCount,
  HistoryEvent,
  Offender,
  Timeline
} from '../../shared/history.ts'
import { rowToEvent } from './store.ts'

export interface Window {
  server: string | null
  since: number
  until: number
}

/** Bucket widths the timeline picks from (seconds). */
export const BUCKETS_S = [60, 300, 900, 3600, 3 * 3600, 6 * 3600, 86_400, 7 * 86_400] as const
/** At most this many buckets per series (a screen's width in points). */
export const MAX_BUCKETS = 400

/** `AND server = ?` and its parameter when one server is asked for. */
function serverClause(w: Window, column = 'server'): [string, SQLInputValue[]] {
  return w.server === null ? ['', []] : [` AND ${column} = ?`, [w.server]]
}

/** "1 day", "12 hours", "90 seconds". */
export function describeAge(seconds: number): string {
  const unit = (n: number, u: string): string => `${n} ${u}${n === 1 ? '' : 's'}`
  if (seconds % 86_400 === 0) return unit(seconds / 86_400, 'day')
  if (seconds % 3600 === 0) return unit(seconds / 3600, 'hour')
  if (seconds % 60 === 0) return unit(seconds / 60, 'minute')
  return unit(seconds, 'second')
}

const isoS = (s: number): string => new Date(s * 1000).toISOString().replace('.000Z', 'Z')

export interface BansByJailOptions extends Window {
  nowS?: number
  /** fail2ban's dbpurgeage (seconds), when known: explains where old bans come from. */
  purgeAgeS?: number | null
}

/**
 * Bans per jail in the window, most bans first, with a diagnostic. Counted from the rollups:
 * whole UTC days from `ban_days`, whole hours left at the edges from `ban_hours`, and only the
 * partial hours at both ends from the events, so a month costs a few hundred rows, not every ban.
 */
export function bansByJail(db: DatabaseSync, o: BansByJailOptions): BansByJail {
  const counts = new Map<string, number>()
  const add = (rows: unknown[]): void => {
    for (const r of rows as { jail: string; c: number }[])
      counts.set(r.jail, (counts.get(r.jail) ?? 0) + r.c)
  }
  const [sc, sp] = serverClause(o)
  const events = (a: number, b: number): void => {
    if (a < b)
      add(
        db
          .prepare(
            `SELECT jail, count(*) AS c FROM events
             WHERE kind = 'ban' AND time >= ? AND time < ?${sc} GROUP BY jail`
          )
          .all(a, b, ...sp)
      )
  }
  const rollup = (table: 'ban_hours' | 'ban_days', col: string, a: number, b: number): void => {
    if (a < b)
      add(
        db
          .prepare(
            `SELECT jail, sum(n) AS c FROM ${table} WHERE ${col} >= ? AND ${col} < ?${sc} GROUP BY jail`
          )
          .all(a, b, ...sp)
      )
  }
  const h0 = Math.ceil(o.since / 3600)
  const h1 = Math.floor(o.until / 3600)
  if (h0 >= h1) events(o.since, o.until)
  else {
    const d0 = Math.ceil(h0 / 24)
    const d1 = Math.floor(h1 / 24)
    events(o.since, h0 * 3600)
    if (d0 < d1) {
      rollup('ban_hours', 'hour', h0, d0 * 24)
      rollup('ban_days', 'day', d0, d1)
      rollup('ban_hours', 'hour', d1 * 24, h1)
    } else rollup('ban_hours', 'hour', h0, h1)
    events(h1 * 3600, o.until)
  }
  const rows = [...counts]
    .filter(([, bans]) => bans > 0)
    .map(([jail, bans]) => ({ jail, bans }))
    .sort((a, b) => b.bans - a.bans || (a.jail < b.jail ? -1 : a.jail > b.jail ? 1 : 0))
  const total = rows.reduce((n, r) => n + r.bans, 0)
  return { since: o.since, until: o.until, rows, total, diagnostic: diagnose(db, o, total) }
}

function diagnose(db: DatabaseSync, o: BansByJailOptions, total: number): string | null {
  const [sc, sp] = serverClause(o)
  // the first and last ban walking the time index (no count of every ban)
  const edge = (order: 'ASC' | 'DESC'): number | null => {
    const r = db
      .prepare(`SELECT time FROM events WHERE kind = 'ban'${sc} ORDER BY time ${order} LIMIT 1`)
      .get(...sp) as { time: number } | undefined
    return r ? r.time : null
  }
  const newest = edge('DESC')
  const span = { oldest: newest === null ? null : edge('ASC'), newest }
  const now = o.nowS ?? Math.floor(Date.now() / 1000)
  const purge = o.purgeAgeS ?? null
  const purgeNote =
    purge !== null && purge > 0
      ? `fail2ban's database only keeps ${describeAge(purge)} (dbpurgeage): older bans come from BanGUI's own history`
      : null
  if (total === 0) {
    if (span.newest === null) {
      return (
        'no ban recorded yet: BanGUI records bans while it runs and imports what fail2ban still keeps' +
        (purge ? ` (${describeAge(purge)}, its dbpurgeage)` : '')
      )
    }
    const where = span.newest < o.since ? 'newest is' : 'the nearest is after it; newest is'
    return `no event in this window; ${where} ${isoS(span.newest)}`
  }
  if (purgeNote && o.since < now - purge!) {
    const start =
      span.oldest !== null && span.oldest > o.since
        ? ` (BanGUI's history starts at ${isoS(span.oldest)})`
        : ''
    return purgeNote + start
  }
  return null
}

/** The bucket width for a window: the smallest that gives at most {@link MAX_BUCKETS}. */
export function bucketFor(rangeS: number): number {
  for (const b of BUCKETS_S) if (rangeS / b <= MAX_BUCKETS) return b
  return Math.ceil(rangeS / MAX_BUCKETS / (7 * 86_400)) * 7 * 86_400
}

/**
 * Bans per jail per bucket. Buckets of whole days come from the daily rollup (a year is 365
 * rows per jail and server), of whole hours from the hourly one; shorter ones count events. Buckets start at multiples
 * of their width (UTC), so panning keeps bucket edges still.
 */
export function timeline(db: DatabaseSync, w: Window & { bucketS?: number }): Timeline {
  const bucketS = w.bucketS ?? bucketFor(Math.max(1, w.until - w.since))
  const start = Math.floor(w.since / bucketS) * bucketS
  const n = Math.max(1, Math.ceil((w.until - start) / bucketS))
  const end = start + n * bucketS
  const [sc, sp] = serverClause(w)
  // node:sqlite binds JS numbers as REAL: the division is cast back to a bucket index
  const rows = (
    bucketS % 86_400 === 0
      ? db
          .prepare(
            `SELECT jail, CAST((day * 86400 - ?) / ? AS INTEGER) AS b, sum(n) AS c FROM ban_days
             WHERE day >= ? AND day < ?${sc} GROUP BY jail, b`
          )
          .all(start, bucketS, start / 86_400, end / 86_400, ...sp)
      : bucketS % 3600 === 0
        ? db
            .prepare(
              `SELECT jail, CAST((hour * 3600 - ?) / ? AS INTEGER) AS b, sum(n) AS c FROM ban_hours
               WHERE hour >= ? AND hour < ?${sc} GROUP BY jail, b`
            )
            .all(start, bucketS, start / 3600, end / 3600, ...sp)
        : db
            .prepare(
              `SELECT jail, CAST((time - ?) / ? AS INTEGER) AS b, count(*) AS c FROM events
               WHERE kind = 'ban' AND time >= ? AND time < ?${sc} GROUP BY jail, b`
            )
            .all(start, bucketS, start, end, ...sp)
  ) as { jail: string; b: number; c: number }[]
  const byJail = new Map<string, number[]>()
  for (const r of rows) {
    let counts = byJail.get(r.jail)
    if (!counts) byJail.set(r.jail, (counts = new Array<number>(n).fill(0)))
    counts[r.b] = r.c
  }
  const starts = Array.from({ length: n }, (_, i) => start + i * bucketS)
  const series = [...byJail]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([jail, counts]) => ({ jail, counts }))
  return { since: start, until: end, bucketS, starts, series }
}

export interface OffenderOptions extends Window {
  limit: number
  /** Only IPs with at least this many bans (1 for a plain top list). */
  minBans?: number
  country?: (ip: string) => string | null
}

/**
 * IPs with the most bans in the window, across jails and servers. Two steps: rank IPs by count
 * (one grouping, no distinct aggregates over the whole window), then fetch the jails and
 * servers of the few ranked IPs through the per-IP index.
 */
export function offenders(db: DatabaseSync, o: OffenderOptions): Offender[] {
  const [sc, sp] = serverClause(o)
  const ranked = db
    .prepare(
      `SELECT ip, count(*) AS bans, max(time) AS last FROM events
       WHERE kind = 'ban' AND time >= ? AND time < ?${sc}
       GROUP BY ip HAVING count(*) >= ? ORDER BY bans DESC, last DESC, ip LIMIT ?`
    )
    .all(o.since, o.until, ...sp, o.minBans ?? 1, o.limit) as {
    ip: string
    bans: number
    last: number
  }[]
  const where = db.prepare(
    `SELECT DISTINCT jail, server FROM events
     WHERE ip = ? AND kind = 'ban' AND time >= ? AND time < ?${sc}`
  )
  return ranked.map((r) => {
    const places = where.all(r.ip, o.since, o.until, ...sp) as { jail: string; server: string }[]
    return {
      ip: r.ip,
      bans: r.bans,
      jails: [...new Set(places.map((p) => p.jail))].sort(),
      servers: new Set(places.map((p) => p.server)).size,
      lastBan: r.last,
      country: o.country ? o.country(r.ip) : null
    }
  })
}

/** Bans and distinct IPs per country in the window, most bans first. */
export function countries(
  db: DatabaseSync,
  o: Window & { limit: number; country: (ip: string) => string | null }
): CountryCount[] {
  const [sc, sp] = serverClause(o)
  const stmt = db.prepare(
    `SELECT ip, count(*) AS n FROM events WHERE kind = 'ban' AND time >= ? AND time < ?${sc}
     GROUP BY ip`
  )
  stmt.setReturnArrays(true)
  const acc = new Map<string | null, CountryCount>()
  for (const [ip, n] of stmt.iterate(o.since, o.until, ...sp) as Iterable<[string, number]>) {
    const c = o.country(ip)
    let e = acc.get(c)
    if (!e) acc.set(c, (e = { country: c, bans: 0, ips: 0 }))
    e.bans += n
    e.ips++
  }
  return [...acc.values()]
    .sort((a, b) => b.bans - a.bans || String(a.country).localeCompare(String(b.country)))
    .slice(0, o.limit)
}

/** Every event of one IP (newest first), across jails and servers. */
export function ipEvents(db: DatabaseSync, ip: string, limit = 5_000): HistoryEvent[] {
  return (
    db
      .prepare('SELECT * FROM events WHERE ip = ? ORDER BY time DESC, id DESC LIMIT ?')
      .all(ip, limit) as Record<string, unknown>[]
  ).map(rowToEvent)
}

/** The window's events, oldest first (export). */
export function windowEvents(db: DatabaseSync, w: Window, limit: number): HistoryEvent[] {
  const [sc, sp] = serverClause(w)
  return (
    db
      .prepare(`SELECT * FROM events WHERE time >= ? AND time < ?${sc} ORDER BY time, id LIMIT ?`)
      .all(w.since, w.until, ...sp, limit) as Record<string, unknown>[]
  ).map(rowToEvent)
}
