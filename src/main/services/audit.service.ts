/**
 * The audit log: one JSON line per admin action (ban, unban, unban all, reload, start/stop,
 * jail values, ignoreip, settings), appended to a file main keeps next to the settings. fail2ban
 * forgets who did what; this file is the app's own record. `tail(n)` reads only the end of the
 * file, so the UI's view stays fast however long the log grows.
 *
 * Entries are written in order (one append queue). When the file passes `maxBytes` it is renamed
 * to `<file>.1` (older ones move up to `<file>.<generations>`, the oldest is dropped) and a new
 * file is started; `tail` reads across the generations.
 *
 * Flood resistance (a hostile renderer can call as often as it likes): an entry is at most
 * {@link MAX_ENTRY_BYTES}; refused requests are recorded at most `refusalsPerMinute` times a
 * minute, the rest as one "K more refused" summary; no-op actions are not recorded at all
 * (the handler wrapper decides what is a no-op).
 */
import { appendFile, mkdir, open, rename, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { AuditEntry, AuditIpList } from '../../shared/model.ts'
import { silentLogger, type Logger } from '../fail2ban/index.ts'

/** Where audit entries go: the file-backed service, or a test double. */
export interface AuditSink {
  append(entry: AuditEntry): Promise<void>
  /** A request refused before anything was sent; rate-limited. Default: like `append`. */
  refused?(entry: AuditEntry): Promise<void>
}

export interface AuditServiceOptions {
  /** The JSONL file; null keeps the last `memoryLimit` entries in memory (tests, e2e). */
  file: string | null
  /** Called after each entry is stored (main forwards it to the UI as `auditAppended`). */
  onAppend?: (entry: AuditEntry) => void
  /** Rotate past this size. Default 20 MiB (~60 000 entries). */
  maxBytes?: number
  /** Rotated files kept (`<file>.1` … `<file>.N`). Default 5. */
  generations?: number
  /** Refused requests recorded one by one per minute; the rest are summarised. Default 20. */
  refusalsPerMinute?: number
  /** Clock (ms), for the refusal window. */
  now?: () => number
  memoryLimit?: number
  logger?: Logger
}

/** How many IPs of a list the log keeps verbatim. */
export const AUDIT_IPS_KEPT = 20

/** Shortens an IP list to its count and first {@link AUDIT_IPS_KEPT} entries. */
export function auditIpList(ips: readonly string[]): AuditIpList {
  return { count: ips.length, first: ips.slice(0, AUDIT_IPS_KEPT) }
}

const CHUNK = 64 * 1024
/** Longest entry written; a longer one keeps its action and outcome, not its parameters. */
export const MAX_ENTRY_BYTES = 16 * 1024
/** Longest error message kept in an entry. */
const MAX_MESSAGE = 1000
const MINUTE = 60_000

export class AuditService implements AuditSink {
  readonly file: string | null
  readonly #o: AuditServiceOptions
  readonly #logger: Logger
  #queue: Promise<unknown> = Promise.resolve()
  #memory: AuditEntry[] = []
  #dirReady = false
  /** Bytes the last `tail` read from disk (for tests and diagnostics). */
  lastTailBytes = 0
  #windowStart = Number.NEGATIVE_INFINITY
  #inWindow = 0
  #suppressed = 0
  #suppressedSince: number | null = null

  constructor(opts: AuditServiceOptions) {
    this.#o = opts
    this.file = opts.file
    this.#logger = opts.logger ?? silentLogger
  }

  /** Appends one entry; resolves once it is on disk. Rejects if it cannot be written. */
  append(entry: AuditEntry): Promise<void> {
    const run = this.#queue.then(() => this.#append(entry))
    this.#queue = run.catch(() => undefined)
    return run
  }

  /**
   * Records a refused request, at most `refusalsPerMinute` a minute; past that only counts it,
   * and the count is written as one summary entry when the next minute starts (or the log is read).
   */
  refused(entry: AuditEntry): Promise<void> {
    const now = this.#now()
    const summary = this.#rollWindow(now)
    const writes: Promise<void>[] = summary ? [this.append(summary)] : []
    if (this.#inWindow < (this.#o.refusalsPerMinute ?? 20)) {
      this.#inWindow++
      writes.push(this.append(entry))
    } else {
      this.#suppressed++
      this.#suppressedSince ??= now
    }
    return Promise.all(writes).then(() => undefined)
  }

  /** Starts a new refusal window if the current one is over; returns its summary, if any. */
  #rollWindow(now: number): AuditEntry | null {
    if (now - this.#windowStart < MINUTE) return null
    this.#windowStart = now
    this.#inWindow = 0
    if (this.#suppressed === 0) return null
    const summary: AuditEntry = {
      time: new Date(now).toISOString(),
      action: 'refused',
      target: null,
      params: {
        suppressed: this.#suppressed,
        since: new Date(this.#suppressedSince!).toISOString()
      },
      result: {
        ok: false,
        code: 'rate-limited',
        message: `${this.#suppressed} more refused requests since ${new Date(this.#suppressedSince!).toISOString()} were not recorded one by one`
      },
      durationMs: 0
    }
    this.#suppressed = 0
    this.#suppressedSince = null
    return summary
  }

  #now(): number {
    return this.#o.now?.() ?? Date.now()
  }

  async #append(raw: AuditEntry): Promise<void> {
    const entry = bounded(raw)
    const file = this.file
    if (file === null) {
      this.#memory.push(entry)
      const limit = this.#o.memoryLimit ?? 1000
      if (this.#memory.length > limit) this.#memory.splice(0, this.#memory.length - limit)
    } else {
      if (!this.#dirReady) {
        await mkdir(dirname(file), { recursive: true, mode: 0o700 })
        this.#dirReady = true
      }
      await this.#rotateIfNeeded(file)
      await appendFile(file, `${JSON.stringify(entry)}\n`, { mode: 0o600 })
    }
    try {
      this.#o.onAppend?.(entry)
    } catch (err) {
      this.#logger.warn('audit listener failed', { err: String(err) })
    }
  }

  get #generations(): number {
    return Math.max(1, this.#o.generations ?? 5)
  }

  async #rotateIfNeeded(file: string): Promise<void> {
    const max = this.#o.maxBytes ?? 20 * 1024 * 1024
    try {
      if ((await stat(file)).size < max) return
    } catch {
      return // no file yet
    }
    for (let i = this.#generations - 1; i >= 1; i--) {
      try {
        await rename(`${file}.${i}`, `${file}.${i + 1}`)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      }
    }
    await rename(file, `${file}.1`)
    this.#logger.info('audit log rotated', { file })
  }

  /**
   * The last `limit` entries, newest first. Reads the file backwards in 64 KiB chunks until
   * it has enough lines; lines that are not valid entries (a torn write) are skipped.
   */
  async tail(limit: number): Promise<AuditEntry[]> {
    const summary = this.#suppressed > 0 ? this.#rollWindow(this.#now()) : null
    if (summary) await this.append(summary)
    await this.#queue
    if (this.file === null) return this.#memory.slice(-limit).reverse()
    const out: AuditEntry[] = []
    let bytes = 0
    const files = [this.file]
    for (let i = 1; i <= this.#generations; i++) files.push(`${this.file}.${i}`)
    for (const f of files) {
      if (out.length >= limit) break
      out.push(...(await this.#tailFile(f, limit - out.length)))
      bytes += this.lastTailBytes
    }
    this.lastTailBytes = bytes
    return out
  }

  /** The last `limit` entries of one file, newest first ([] if it does not exist). */
  async #tailFile(path: string, limit: number): Promise<AuditEntry[]> {
    this.lastTailBytes = 0
    let fh
    try {
      fh = await open(path, 'r')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
    try {
      const size = (await fh.stat()).size
      const chunks: Buffer[] = []
      let pos = size
      let newlines = 0
      // One line more than asked: the first line of what was read may be cut.
      while (pos > 0 && newlines <= limit) {
        const len = Math.min(CHUNK, pos)
        pos -= len
        const buf = Buffer.alloc(len)
        await fh.read(buf, 0, len, pos)
        chunks.unshift(buf)
        for (const byte of buf) if (byte === 0x0a) newlines++
      }
      this.lastTailBytes = size - pos
      const lines = Buffer.concat(chunks).toString('utf8').split('\n')
      if (pos > 0) lines.shift()
      const out: AuditEntry[] = []
      for (let i = lines.length - 1; i >= 0 && out.length < limit; i--) {
        const entry = parseEntry(lines[i]!)
        if (entry) out.push(entry)
      }
      return out
    } finally {
      await fh.close()
    }
  }
}

/** Clips the message and, if the entry is still too long, drops its parameters. */
function bounded(entry: AuditEntry): AuditEntry {
  let e = entry
  if (!e.result.ok && e.result.message.length > MAX_MESSAGE)
    e = { ...e, result: { ...e.result, message: `${e.result.message.slice(0, MAX_MESSAGE)}…` } }
  const size = Buffer.byteLength(JSON.stringify(e))
  if (size <= MAX_ENTRY_BYTES) return e
  const target = e.target !== null && e.target.length > 64 ? `${e.target.slice(0, 64)}…` : e.target
  const result = e.result.ok ? { ok: true as const } : e.result
  return { ...e, target, params: { truncated: true, bytes: size }, result }
}

function parseEntry(line: string): AuditEntry | null {
  if (line.trim() === '') return null
  try {
    const v = JSON.parse(line) as Partial<AuditEntry>
    if (typeof v !== 'object' || v === null) return null
    if (typeof v.time !== 'string' || typeof v.action !== 'string' || typeof v.result !== 'object')
      return null
    return v as AuditEntry
  } catch {
    return null
  }
}
