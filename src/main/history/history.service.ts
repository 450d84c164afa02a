/**
 * The ban history for the app: records what the monitor observes and what this app does,
 * imports fail2ban's own database on a timer, applies the retention, and answers the History
 * view's questions. Never imports electron.
 */
import { accessSync, constants } from 'node:fs'
import type { Ban } from '../../shared/model.ts'
import type {
  HistoryEvent,
  HistoryKind,
  HistorySummary,
  ImportReport,
  IpHistory,
  Timeline
} from '../../shared/history.ts'
import { fileSource, importBans, type F2bRowSource } from './f2b-import.ts'
import { bundledGeoIpPath, GeoIp } from './geoip.ts'
import {
  bansByJail,
  countries,
  ipEvents,
  offenders,
  timeline,
  windowEvents,
  type Window
} from './queries.ts'
import { HistoryStore, type NewEvent } from './store.ts'

export interface HistoryLogger {
  info(msg: string, meta?: Record<string, unknown>): void
  warn(msg: string, meta?: Record<string, unknown>): void
}

/** What the importer needs to know about one server's fail2ban database. */
export interface F2bDbInfo {
  dbfile: string | null
  /** seconds */
  dbpurgeage: number
}

export interface HistoryServiceOptions {
  /** The store's file (':memory:' for none). */
  file: string
  /** The id under which this server's events are stored. */
  server: string
  /** The server's database settings (`get dbfile`, `get dbpurgeage`). */
  dbInfo?: () => Promise<F2bDbInfo>
  /** How to read rows when the file is not readable by this process (the helper verb). */
  helperSource?: F2bRowSource
  retentionDays: () => number
  /** The admin's .mmdb, or null for the bundled DB-IP Lite database. */
  geoipPath: () => string | null
  importIntervalMs?: number
  logger?: HistoryLogger
}

export interface SummaryRequest extends Window {
  limit: number
  minRepeat: number
}

const DAY_MS = 86_400_000

export class HistoryService {
  readonly store: HistoryStore
  readonly #o: HistoryServiceOptions
  #geo: { path: string; geo: GeoIp | null; warning: string | null } | null = null
  #timer: ReturnType<typeof setInterval> | null = null
  #purgeAgeS: number | null = null
  #importing: Promise<ImportReport | null> | null = null
  readonly #remoteImports = new Map<string, Promise<ImportReport>>()
  #lastPurge = 0

  constructor(opts: HistoryServiceOptions) {
    this.#o = opts
    this.store = new HistoryStore(opts.file)
  }

  /** Imports now and then every `importIntervalMs` (default 60 s); applies the retention daily. */
  start(): void {
    if (this.#timer) return
    const tick = (): void => {
      void this.importNow().catch((err: unknown) =>
        this.#o.logger?.warn('history import failed', { err: String(err) })
      )
      if (Date.now() - this.#lastPurge > DAY_MS) {
        this.#lastPurge = Date.now()
        const n = this.store.purgeOlderThan(this.#o.retentionDays())
        if (n > 0) this.#o.logger?.info('history retention applied', { deleted: n })
      }
    }
    tick()
    this.#timer = setInterval(tick, this.#o.importIntervalMs ?? 60_000)
    this.#timer.unref?.()
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
  }

  close(): void {
    this.stop()
    this.store.close()
  }

  /**
   * The monitor's ban diff: `added` bans (new, or with a new end time) and `removed` IPs
   * (unbanned or expired) in one jail, at `at` (epoch ms).
   */
  recordObserved(
    server: string,
    jail: string,
    added: readonly Ban[],
    removed: readonly string[],
    at: number
  ): void {
    const events: NewEvent[] = added.map((b) => ({
      server,
      jail,
      ip: b.ip,
      time: Math.floor(b.bannedAt / 1000),
      kind: 'ban',
      source: 'observed',
      bantime: b.bantime
    }))
    for (const ip of removed)
      events.push({
        server,
        jail,
        ip,
        time: Math.floor(at / 1000),
        kind: 'unban',
        source: 'observed'
      })
    this.store.insert(events)
  }

  /** Bans or unbans done from this app (before the monitor sees them). */
  recordManual(
    server: string,
    jail: string,
    ips: readonly string[],
    kind: HistoryKind,
    at: number
  ): void {
    this.store.insert(
      ips.map((ip) => ({ server, jail, ip, time: Math.floor(at / 1000), kind, source: 'manual' }))
    )
  }

  /**
   * One import pass of another server's fail2ban database through `source` (an SSH server's
   * helper: that database is never read as a file here, even if a file of the same path
   * exists on this machine). Concurrent callers for one server share the pass.
   */
  importFrom(server: string, source: F2bRowSource): Promise<ImportReport> {
    let run = this.#remoteImports.get(server)
    if (!run) {
      run = importBans(this.store, server, source).finally(() => this.#remoteImports.delete(server))
      this.#remoteImports.set(server, run)
    }
    return run
  }

  /** One import pass now (concurrent callers share it); null when the server keeps no database. */
  importNow(): Promise<ImportReport | null> {
    this.#importing ??= this.#import().finally(() => (this.#importing = null))
    return this.#importing
  }

  async #import(): Promise<ImportReport | null> {
    if (!this.#o.dbInfo) return null
    const info = await this.#o.dbInfo()
    this.#purgeAgeS = info.dbpurgeage
    if (info.dbfile === null || info.dbfile === ':memory:') return null
    const source = readable(info.dbfile) ? fileSource(info.dbfile) : this.#o.helperSource
    if (!source) {
      throw new Error(
        `cannot read fail2ban's database ${info.dbfile}: run as root or through the helper`
      )
    }
    return importBans(this.store, this.#o.server, source)
  }

  summary(r: SummaryRequest): HistorySummary {
    const { country, warnings } = this.#country()
    const servers = (
      this.store.db.prepare('SELECT DISTINCT server FROM ban_hours ORDER BY server').all() as {
        server: string
      }[]
    ).map((x) => x.server)
    return {
      servers,
      byJail: bansByJail(this.store.db, { ...r, purgeAgeS: this.#purgeAgeS }),
      top: offenders(this.store.db, { ...r, limit: r.limit, country }),
      repeat: offenders(this.store.db, { ...r, limit: 500, minBans: r.minRepeat, country }),
      countries: countries(this.store.db, { ...r, limit: 20, country }),
      warnings
    }
  }

  timeline(w: Window): Timeline {
    return timeline(this.store.db, w)
  }

  ip(ip: string): IpHistory {
    return { ip, country: this.#country().country(ip), events: ipEvents(this.store.db, ip) }
  }

  events(w: Window, limit: number): HistoryEvent[] {
    return windowEvents(this.store.db, w, limit)
  }

  /** The country lookup for the configured database; falls back to the bundled one. */
  #country(): { country: (ip: string) => string | null; warnings: string[] } {
    const path = this.#o.geoipPath() ?? bundledGeoIpPath()
    if (this.#geo?.path !== path) {
      let geo: GeoIp | null
      let warning: string | null = null
      try {
        geo = new GeoIp(path)
      } catch (err) {
        warning = (err as Error).message
        try {
          geo = new GeoIp()
        } catch {
          geo = null
        }
      }
      this.#geo = { path, geo, warning }
    }
    const g = this.#geo
    return {
      country: (ip) => (g.geo ? g.geo.country(ip) : null),
      warnings: g.warning ? [g.warning] : []
    }
  }
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK)
    return true
  } catch {
    return false
  }
}
