/**
 * The monitor: polls the server (default every 5 s), diffs, and emits events.
 * - every poll: jail names and `status J short` per jail (a few hundred bytes each);
 * - the watched jail (the one on screen): its full ban list, fetched only when its counts
 *   changed, diffed into bans added/removed.
 * Jails that disappear (stopped) stay listed as not running, so the UI can start them again.
 */
import type { Ban, Jail, JailCounts } from '../../shared/model.ts'
import type { Fail2BanCommands } from '../fail2ban/index.ts'
import type { ConnectionService } from './connection.service.ts'
import type { EventSink } from './events.ts'

export interface MonitorOptions {
  commands: Fail2BanCommands
  connection: ConnectionService
  emit: EventSink
  intervalMs?: number
}

const ZERO: JailCounts = { currentlyFailed: 0, totalFailed: 0, currentlyBanned: 0, totalBanned: 0 }

export class MonitorService {
  readonly #o: MonitorOptions
  intervalMs: number
  #timer: ReturnType<typeof setTimeout> | null = null
  #running = false
  #paused = false
  #jails = new Map<string, Jail>()
  #watched: string | null = null
  #watchedBans = new Map<string, Ban>()
  #watchedCounts: JailCounts | null = null
  #polling: Promise<void> | null = null

  constructor(opts: MonitorOptions) {
    this.#o = opts
    this.intervalMs = opts.intervalMs ?? 5000
  }

  /** The last jail list seen. */
  get jails(): Jail[] {
    return [...this.#jails.values()].sort((a, b) => a.name.localeCompare(b.name))
  }

  get paused(): boolean {
    return this.#paused
  }

  start(): void {
    if (this.#running) return
    this.#running = true
    this.#schedule(0)
  }

  stop(): void {
    this.#running = false
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
  }

  /** Pause/resume polling (tray menu). */
  setPaused(paused: boolean): void {
    this.#paused = paused
    if (!paused && this.#running) this.#schedule(0)
  }

  /** Sets the jail whose full ban list is on screen; null for none. */
  watch(jail: string | null): void {
    if (jail === this.#watched) return
    this.#watched = jail
    this.#watchedBans = new Map()
    this.#watchedCounts = null
  }

  /**
   * Seeds the watched jail's known bans (after the UI fetched the list itself), with the jail's
   * last known counts, so the next poll does not fetch the same full list again.
   */
  seedWatched(jail: string, bans: readonly Ban[]): void {
    if (jail !== this.#watched) return
    this.#watchedBans = new Map(bans.map((b) => [b.ip, b]))
    const known = this.#jails.get(jail)
    if (known && known.currentlyBanned === bans.length) this.#watchedCounts = known
  }

  /** One poll now; concurrent callers share it. Errors go to the connection service. */
  pollNow(): Promise<void> {
    this.#polling ??= this.#poll().finally(() => (this.#polling = null))
    return this.#polling
  }

  #schedule(ms: number): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = setTimeout(() => {
      this.#timer = null
      void this.pollNow().finally(() => {
        if (this.#running && !this.#paused) this.#schedule(this.intervalMs)
      })
    }, ms)
    this.#timer.unref?.()
  }

  async #poll(): Promise<void> {
    const { commands, connection } = this.#o
    if (!connection.connected) {
      await connection.check()
      if (!connection.connected) return
    }
    try {
      const counts = await commands.allJailCounts()
      connection.reportSuccess()
      this.ingest(counts)
      const w = this.#watched
      const wc = w === null ? undefined : counts.get(w)
      if (w !== null && wc && !sameBanCounts(wc, this.#watchedCounts)) {
        const bans = await commands.banList(w)
        if (this.#watched === w) {
          this.#watchedCounts = wc
          this.#diffBans(w, bans)
        }
      }
    } catch (err) {
      connection.reportError(err)
    }
  }

  /**
   * Takes counts fetched by someone else (the UI's own list request), so one fetch serves both;
   * emits `jailsChanged` if anything changed. Returns the jail list.
   */
  ingest(counts: Map<string, JailCounts>): Jail[] {
    if (this.#applyCounts(counts)) this.#o.emit('jailsChanged', this.jails)
    return this.jails
  }

  /** Merges fresh counts into the jail map; true if anything changed. */
  #applyCounts(counts: Map<string, JailCounts>): boolean {
    let changed = false
    for (const [name, c] of counts) {
      const prev = this.#jails.get(name)
      if (!prev || !prev.running || !sameCounts(prev, c)) {
        this.#jails.set(name, { name, running: true, ...c })
        changed = true
      }
    }
    for (const [name, j] of this.#jails) {
      if (!counts.has(name) && j.running) {
        this.#jails.set(name, { ...j, ...ZERO, running: false })
        changed = true
      }
    }
    return changed
  }

  #diffBans(jail: string, bans: Ban[]): void {
    const next = new Map(bans.map((b) => [b.ip, b]))
    const added: Ban[] = []
    const removed: string[] = []
    for (const [ip, b] of next) {
      const old = this.#watchedBans.get(ip)
      if (!old || old.expiresAt !== b.expiresAt) added.push(b)
    }
    for (const ip of this.#watchedBans.keys()) if (!next.has(ip)) removed.push(ip)
    this.#watchedBans = next
    if (added.length || removed.length) this.#o.emit('bansChanged', { jail, added, removed })
  }
}

function sameCounts(a: JailCounts, b: JailCounts | null): boolean {
  return (
    b !== null &&
    a.currentlyBanned === b.currentlyBanned &&
    a.totalBanned === b.totalBanned &&
    a.currentlyFailed === b.currentlyFailed &&
    a.totalFailed === b.totalFailed
  )
}

/** The ban set can only have changed if the current or total ban count did. */
function sameBanCounts(a: JailCounts, b: JailCounts | null): boolean {
  return b !== null && a.currentlyBanned === b.currentlyBanned && a.totalBanned === b.totalBanned
}
