/**
 * Desktop notifications on new bans, coalesced. The monitor sends the whole jail list with its
 * counts (`jailsChanged`); the notifier diffs each jail's `totalBanned` against the last value it
 * saw, collects the new bans for a short window (3 s by default) and then shows one message:
 * "12 new bans in sshd", or "15 new bans in 3 jails". An attack that bans in bursts gives one
 * notification per window, not one per poll.
 *
 * Quiet rules: nothing while notifications are off or the jail is switched off, and nothing
 * while the window has focus (the user is looking at the numbers). The first list seen is only a
 * baseline (starting BanGUI is not news), and so is a jail whose total went down (it restarted:
 * bans restored from fail2ban's DB are not new).
 *
 * Pure logic: `show` and `isQuiet` are injected (Electron's Notification and the window's focus in
 * main; fakes in tests). Timers are the global ones, so fake timers drive it in tests.
 */
import type { NotificationSettings } from '../../shared/settings.ts'
import type { Jail } from '../../shared/model.ts'
import { displayJailName, displayServerName } from '../../shared/validation.ts'
import type { EventSink } from './events.ts'

export interface NotifierOptions {
  /** Shows one desktop notification. */
  show(title: string, body: string): void
  /** True while notifications should stay quiet (the window has focus). */
  isQuiet(): boolean
  /** The current notification settings (read at each event, so changes apply at once). */
  settings(): NotificationSettings
  /** How long new bans are collected before one notification. Default 3000 ms. */
  windowMs?: number
  /** The SSH server these jails are on; the title names it. Absent for this machine. */
  server?: string
}

/** At most this many jails are named in a notification's body. */
const MAX_JAILS_LISTED = 5

export class NotifierService {
  readonly #o: NotifierOptions
  readonly #windowMs: number
  /** Last totalBanned per jail; absent until the jail was seen once. */
  #seen = new Map<string, number>()
  /** New bans collected in the current window, per jail. */
  #pending = new Map<string, number>()
  #timer: ReturnType<typeof setTimeout> | null = null

  constructor(opts: NotifierOptions) {
    this.#o = opts
    this.#windowMs = opts.windowMs ?? 3000
  }

  /** An event sink to subscribe to the services' EventHub. */
  readonly sink: EventSink = (name, payload) => {
    if (name === 'jailsChanged') this.update(payload as Jail[])
  }

  /** Takes a fresh jail list. */
  update(jails: readonly Jail[]): void {
    const cfg = this.#o.settings()
    for (const j of jails) {
      if (!j.running) {
        // A stopped jail starts counting from zero again when it comes back.
        this.#seen.delete(j.name)
        continue
      }
      const before = this.#seen.get(j.name)
      this.#seen.set(j.name, j.totalBanned)
      if (before === undefined || j.totalBanned <= before) continue
      if (!cfg.enabled || cfg.perJail[j.name] === false) continue
      this.#pending.set(j.name, (this.#pending.get(j.name) ?? 0) + (j.totalBanned - before))
    }
    if (this.#pending.size > 0 && this.#timer === null) {
      this.#timer = setTimeout(() => this.flush(), this.#windowMs)
      this.#timer.unref?.()
    }
  }

  /** Ends the current window now: shows what was collected unless quiet. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    const pending = this.#pending
    this.#pending = new Map()
    if (pending.size === 0 || this.#o.isQuiet() || !this.#o.settings().enabled) return
    const message = formatNewBans(pending, this.#o.server)
    this.#o.show(message.title, message.body)
  }

  /** Drops pending bans and the timer. */
  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    this.#pending.clear()
  }
}

/**
 * The notification text for new bans per jail. Jail names come from the server: they are shown
 * through displayJailName, since notification servers read the body as markup.
 */
export function formatNewBans(
  perJail: ReadonlyMap<string, number>,
  server?: string
): {
  title: string
  body: string
} {
  const where = server === undefined ? '' : ` on ${displayServerName(server)}`
  const entries = [...perJail]
    .map(([name, n]): [string, number] => [displayJailName(name), Math.max(0, Math.floor(n))])
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
  const total = entries.reduce((n, [, c]) => n + c, 0)
  const bans = `${total} new ban${total === 1 ? '' : 's'}`
  if (entries.length === 1) {
    return {
      title: `${bans} in ${entries[0]![0]}${where}`,
      body: 'BanGUI: open it to see who was banned.'
    }
  }
  const listed = entries.slice(0, MAX_JAILS_LISTED).map(([name, c]) => `${name} ${c}`)
  const more = entries.length - listed.length
  return {
    title: `${bans} in ${entries.length} jails${where}`,
    body: listed.join(', ') + (more > 0 ? `, and ${more} more jail${more === 1 ? '' : 's'}` : '')
  }
}
