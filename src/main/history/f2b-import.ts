/**
 * Import from fail2ban's own database (`get dbfile`), whose `bans` table keeps one row per ban
 * (jail, ip, timeofban, bantime, bancount, data JSON with `failures` and `matches`) until
 * `dbpurgeage` (1 day by default) or the unban deletes it.
 *
 * Two sources behind one interface: the file read directly (the app runs as root) or rows asked
 * of the privileged helper (`bangui-dbrows`), so it works over SSH too. Both return at most
 * `limit` rows with `timeofban >= since` and `rowid > afterRowid`, ordered by rowid. The file is
 * opened read-only with a busy timeout for each import and read in small pages, so the server's
 * writes wait at most one short page.
 *
 * Incremental: each server has a cursor (the newest rowid and timeofban imported). fail2ban
 * reuses rowids (an unban deletes the row; a new ban can take its rowid), so a pass asks for
 * every row since the newest imported time minus a margin and pages by rowid; rows seen before
 * merge into their existing event (one row per server, jail, ip and time).
 *
 * Everything read is checked: a row with a bad jail, IP or number is skipped and counted.
 */
import { DatabaseSync } from 'node:sqlite'
import type { ImportReport } from '../../shared/history.ts'
import { checkIp, checkJailName } from '../../shared/validation.ts'
import type { HistoryStore, NewEvent } from './store.ts'

/** One `bans` row: [rowid, jail, ip, timeofban, bantime, bancount, data_json_text]. */
export type F2bBanRow = [number, string, string, number, number, number, string | null]

export interface F2bRowSource {
  readonly kind: 'file' | 'helper'
  rows(sinceS: number, afterRowid: number, limit: number): Promise<unknown[]>
}

export const HELPER_VERB = 'bangui-dbrows'
/** Rows per page: small, so a page holds fail2ban's write lock back for a moment only. */
export const PAGE_ROWS = 500
/** Late rows (a ban dated from its last failure, written a little later) are caught by this. */
export const IMPORT_MARGIN_S = 600
const MAX_MATCHES = 100
const MAX_LINE = 4_000

/** Reads fail2ban's database file directly, read-only, with a busy timeout. */
export function fileSource(path: string, busyTimeoutMs = 1_000): F2bRowSource {
  return {
    kind: 'file',
    async rows(sinceS, afterRowid, limit) {
      let db: DatabaseSync
      try {
        db = new DatabaseSync(path, { readOnly: true, timeout: busyTimeoutMs })
      } catch (err) {
        throw new Error(
          `cannot open fail2ban's database ${path} read-only: ${(err as Error).message}`,
          { cause: err }
        )
      }
      try {
        const stmt = db.prepare(
          `SELECT rowid, jail, ip, timeofban, bantime, bancount, data FROM bans
           WHERE timeofban >= ? AND rowid > ? ORDER BY rowid LIMIT ?`
        )
        stmt.setReturnArrays(true)
        return stmt.all(sinceS, afterRowid, limit) as unknown[]
      } finally {
        db.close()
      }
    }
  }
}

/**
 * Asks the privileged helper for the rows (numeric arguments only; the helper runs the same
 * read-only query). `send` is the fail2ban client's send over the helper transport.
 */
export function helperSource(
  send: (tokens: readonly (string | number)[]) => Promise<unknown>
): F2bRowSource {
  return {
    kind: 'helper',
    async rows(sinceS, afterRowid, limit) {
      const reply = await send([HELPER_VERB, Math.floor(sinceS), Math.floor(afterRowid), limit])
      if (!Array.isArray(reply))
        throw new Error(`the helper answered ${HELPER_VERB} with ${typeof reply}, not a row list`)
      return reply as unknown[]
    }
  }
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v)

/** A checked row as an event, or null when any field is unusable. */
export function rowToImported(server: string, row: unknown): (NewEvent & { rowid: number }) | null {
  if (!Array.isArray(row) || row.length < 7) return null
  const [rowid, jail, ip, timeofban, bantime, bancount, data] = row as unknown[]
  const rid = typeof rowid === 'bigint' ? Number(rowid) : rowid
  if (!isInt(rid) || rid <= 0) return null
  const j = checkJailName(jail)
  const a = checkIp(ip)
  if (!j.ok || !a.ok) return null
  if (!isInt(timeofban) || timeofban < 0) return null
  const bt = isInt(bantime) && bantime >= -1 ? bantime : null
  const bc = isInt(bancount) && bancount >= 0 ? bancount : null
  const { failures, matches } = parseData(data)
  return {
    rowid: rid,
    server,
    jail: j.value,
    ip: a.value,
    time: timeofban,
    kind: 'ban',
    source: 'imported',
    bantime: bt,
    bancount: bc,
    failures,
    matches
  }
}

/** `data` is JSON text (bytes in some builds): `{"matches": [...], "failures": n, ...}`. */
export function parseData(data: unknown): { failures: number | null; matches: string[] } {
  let text: string | null = null
  if (typeof data === 'string') text = data
  else if (data instanceof Uint8Array) text = new TextDecoder().decode(data)
  if (text === null || text.length > 1_000_000) return { failures: null, matches: [] }
  let obj: unknown
  try {
    obj = JSON.parse(text)
  } catch {
    return { failures: null, matches: [] }
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
    return { failures: null, matches: [] }
  const o = obj as Record<string, unknown>
  const failures = isInt(o.failures) && o.failures >= 0 ? o.failures : null
  const matches: string[] = []
  if (Array.isArray(o.matches)) {
    for (const m of o.matches.slice(0, MAX_MATCHES)) {
      // a match is a line, or (older fail2ban) the line's parts
      const line =
        typeof m === 'string'
          ? m
          : Array.isArray(m)
            ? m.filter((p) => typeof p === 'string').join('')
            : null
      if (line !== null) matches.push(line.slice(0, MAX_LINE))
    }
  }
  return { failures, matches }
}

/** Imports every row new since the server's cursor; resolves with what was read. */
export async function importBans(
  store: HistoryStore,
  server: string,
  source: F2bRowSource,
  opts: { pageRows?: number; marginS?: number } = {}
): Promise<ImportReport> {
  const page = opts.pageRows ?? PAGE_ROWS
  const cursor = store.cursor(server)
  const since = Math.max(0, cursor.lastTime - (opts.marginS ?? IMPORT_MARGIN_S))
  let after = 0
  let read = 0
  let skipped = 0
  let { lastRowid, lastTime } = cursor
  for (;;) {
    const rows = await source.rows(since, after, page)
    const events: NewEvent[] = []
    const pageStart = after
    for (const row of rows) {
      const e = rowToImported(server, row)
      const rid = Array.isArray(row) ? Number(row[0]) : NaN
      if (Number.isSafeInteger(rid) && rid > after) after = rid
      if (!e) {
        skipped++
        continue
      }
      events.push(e)
      lastRowid = e.rowid
      if (e.time > lastTime) lastTime = e.time
    }
    store.insert(events)
    read += rows.length
    // a full page that did not move the rowid on would repeat forever: stop
    if (rows.length < page || after <= pageStart) break
  }
  store.setCursor(server, { lastRowid, lastTime })
  return { server, read, skipped, lastRowid, lastTime }
}
