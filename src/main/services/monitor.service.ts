/**
 * The monitor: polls the server (default every 5 s), diffs, and emits events. It is also the one
 * place that makes what the window shows fresh again after the app changed something.
 * - every poll: jail names and `status J short` per jail (a few hundred bytes each);
 * - the watched jail (the one on screen) also: its settings (a few small `get`s, compared with
 *   the last seen) and its full ban list with end times, diffed into bans added/changed/removed.
 *   End times change without any count changing (a bantime edit, bantime.increment prolonging a
 *   ban, a reload), so a list up to {@link MonitorOptions.fullListUpTo} bans is fetched every
 *   poll; a bigger one when its counts change and every {@link MonitorOptions.bigListEvery} polls.
 * - {@link MonitorService.refresh} after every mutation: counts, the watched jail's list and
 *   settings at once, and the settings of the jails the mutation named, pushed as events before
 *   the mutation's answer goes back.
 * Jails that disappear (stopped) stay listed as not running, so the UI can start them again;
 * jails a reload reported as failed are listed with their problem until they run again.
 */
import type { Ban, Jail, JailCounts, JailSettings, ReloadFailure } from '../../shared/model.ts'
import type { Fail2BanCommands } from '../fail2ban/index.ts'
import type { ConnectionService } from './connection.service.ts'
import type { EventSink } from './events.ts'

export interface MonitorOptions {
  commands: Fail2BanCommands
  connection: ConnectionService
  emit: EventSink
  intervalMs?: number
  /** The watched jail's list is fetched every poll up to this many bans. Default 5000. */
  fullListUpTo?: number
  /** A bigger watched list is fetched at least every this many polls. Default 12 (1 min). */
  bigListEvery?: number
  /** The watched jail's settings are compared at most this often (ms). Default 4000. */
  settingsEveryMs?: number
  now?: () => number
}

/** How long after `watch` the monitor leaves the first fetch to the UI (it seeds the monitor). */
const SEED_WAIT_MS = 15_000

export interface RefreshOptions {
  /** Jails whose settings the mutation changed (emitted even when they are not watched). */
  settingsOf?: readonly string[]
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
  /** The watched jail's settings as last emitted (JSON), to notice changes. */
  #watchedSettings: string | null = null
  #polls = 0
  /** When `watch` was called, while the UI's own first fetch (the seed) is awaited. */
  #seedPendingSince: number | null = null
  #settingsAt = 0
  #polling: Promise<void> | null = null
  #refreshing: Promise<void> | null = null

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
    this.#watchedSettings = null
    this.#seedPendingSince = jail === null ? null : this.#now()
  }

  #now(): number {
    return (this.#o.now ?? Date.now)()
  }

  /**
   * Seeds the watched jail's known bans (after the UI fetched the list itself), with the jail's
   * last known counts, so the next poll does not fetch the same full list again.
   */
  seedWatched(jail: string, bans: readonly Ban[]): void {
    if (jail !== this.#watched) return
    this.#seedPendingSince = null
    this.#watchedBans = new Map(bans.map((b) => [b.ip, b]))
    const known = this.#jails.get(jail)
    if (known && known.currentlyBanned === bans.length) this.#watchedCounts = known
  }

  /** Seeds the watched jail's settings (the UI fetched them itself): no event for the same. */
  seedSettings(settings: JailSettings): void {
    if (settings.name !== this.#watched) return
    this.#watchedSettings = JSON.stringify(settings)
    this.#settingsAt = this.#now()
  }

  /** One poll now; concurrent callers share it. Errors go to the connection service. */
  pollNow(): Promise<void> {
    this.#polling ??= this.#poll(false, []).finally(() => (this.#polling = null))
    return this.#polling
  }

  /**
   * After a mutation: one poll that starts after it (never one already under way, which may have
   * read the old state), fetching the watched jail's list and settings whatever the counts say.
   * Never throws: a failure is the connection's business, not the mutation's.
   */
  async refresh(opts: RefreshOptions = {}): Promise<void> {
    const settingsOf = opts.settingsOf ?? []
    const after = Promise.allSettled([this.#polling, this.#refreshing])
    const run = after.then(() => this.#poll(true, settingsOf))
    this.#refreshing = run
    try {
      await run
    } finally {
      if (this.#refreshing === run) this.#refreshing = null
    }
  }

  /**
   * Marks jails a reload or start reported as failed; they stay listed (not running, with the
   * reason) until a poll sees them run.
   */
  markFailed(failures: readonly ReloadFailure[]): void {
    if (failures.length === 0) return
    for (const f of failures) {
      const prev = this.#jails.get(f.jail)
      if (prev?.running) continue
      this.#jails.set(f.jail, {
        ...(prev ?? { name: f.jail, ...ZERO }),
        running: false,
        problem: f.reason
      })
    }
    this.#o.emit('jailsChanged', this.jails)
  }

  /**
   * After a reload of the whole configuration: jails listed as failed that the configuration no
   * longer enables are dropped (the admin removed them; nothing will bring them back).
   */
  forgetFailedExcept(configured: readonly string[]): void {
    const keep = new Set(configured)
    let changed = false
    for (const [name, j] of this.#jails) {
      if (!j.running && j.problem !== undefined && !keep.has(name)) {
        this.#jails.delete(name)
        changed = true
      }
    }
    if (changed) this.#o.emit('jailsChanged', this.jails)
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

  async #poll(force: boolean, settingsOf: readonly string[]): Promise<void> {
    const { commands, connection } = this.#o
    if (!connection.connected) {
      await connection.check()
      if (!connection.connected) return
    }
    try {
      const counts = await commands.allJailCounts()
      connection.reportSuccess()
      this.ingest(counts)
      this.#polls++
      const w = this.#watched
      const wc = w === null ? undefined : counts.get(w)
      const extra = settingsOf.filter((j) => j !== w && counts.has(j))
      await Promise.all([
        w !== null && wc ? this.#pollWatched(w, wc, force) : null,
        ...extra.map(async (j) =>
          this.#o.emit('jailSettingsChanged', await commands.jailSettings(j))
        )
      ])
    } catch (err) {
      connection.reportError(err)
    }
  }

  async #pollWatched(jail: string, counts: JailCounts, force: boolean): Promise<void> {
    const { commands } = this.#o
    const now = this.#now()
    // Right after `watch`, the UI fetches the list and settings itself and seeds them here: a
    // second fetch of a big list at the same time would only double the server's work.
    const seedPending =
      this.#seedPendingSince !== null && now - this.#seedPendingSince < SEED_WAIT_MS
    const listDue =
      force ||
      (!seedPending &&
        (!sameBanCounts(counts, this.#watchedCounts) ||
          counts.currentlyBanned <= (this.#o.fullListUpTo ?? 5000) ||
          this.#polls % (this.#o.bigListEvery ?? 12) === 0))
    const settingsDue =
      force ||
      (!(seedPending && this.#watchedSettings === null) &&
        now - this.#settingsAt >= (this.#o.settingsEveryMs ?? 4000))
    // One after the other: while the server builds a big list it accepts no new connection,
    // and the settings' parallel gets would need some (its listen backlog is 1).
    const bans = listDue ? await commands.banList(jail) : null
    const settings = settingsDue ? await commands.jailSettings(jail) : null
    if (this.#watched !== jail) return
    if (settings) {
      this.#settingsAt = now
      const json = JSON.stringify(settings)
      if (force || json !== this.#watchedSettings) {
        this.#watchedSettings = json
        this.#o.emit('jailSettingsChanged', settings)
      }
    }
    if (bans) {
      this.#seedPendingSince = null
      this.#watchedCounts = counts
      this.#diffBans(jail, bans)
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
      if (!old || old.expiresAt !== b.expiresAt || old.bantime !== b.bantime) added.push(b)
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
