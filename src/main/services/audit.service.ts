/**
 * The audit log: one JSON line per admin action (ban, unban, unban all, reload, start/stop,
 * jail values, ignoreip, settings), appended to a file main keeps next to the settings. fail2ban
 * forgets who did what; this file is the app's own record. `tail(n)` reads only the end of the
 * file, so the UI's view stays fast however long the log grows.
 *
 * Entries are written in order (one append queue). When the file passes `maxBytes` it is renamed
 * to `<file>.1` (replacing an older one) and a new file is started.
 */
import { appendFile, mkdir, open, rename, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { AuditEntry, AuditIpList } from '../../shared/model.ts'
import { silentLogger, type Logger } from '../fail2ban/index.ts'

/** Where audit entries go: the file-backed service, or a test double. */
export interface AuditSink {
  append(entry: AuditEntry): Promise<void>
}

export interface AuditServiceOptions {
  /** The JSONL file; null keeps the last `memoryLimit` entries in memory (tests, e2e). */
  file: string | null
  /** Called after each entry is stored (main forwards it to the UI as `auditAppended`). */
  onAppend?: (entry: AuditEntry) => void
  /** Rotate past this size. Default 20 MiB (~60 000 entries). */
  maxBytes?: number
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

export class AuditService implements AuditSink {
  readonly file: string | null
  readonly #o: AuditServiceOptions
  readonly #logger: Logger
  #queue: Promise<unknown> = Promise.resolve()
  #memory: AuditEntry[] = []
  #dirReady = false
  /** Bytes the last `tail` read from disk (for tests and diagnostics). */
  lastTailBytes = 0

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

  async #append(entry: AuditEntry): Promise<void> {
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

  async #rotateIfNeeded(file: string): Promise<void> {
    const max = this.#o.maxBytes ?? 20 * 1024 * 1024
    try {
      if ((await stat(file)).size < max) return
    } catch {
      return // no file yet
    }
    await rename(file, `${file}.1`)
    this.#logger.info('audit log rotated', { file })
  }

  /**
   * The last `limit` entries, newest first. Reads the file backwards in 64 KiB chunks until
   * it has enough lines; lines that are not valid entries (a torn write) are skipped.
   */
  async tail(limit: number): Promise<AuditEntry[]> {
    await this.#queue
    if (this.file === null) return this.#memory.slice(-limit).reverse()
    let fh
    try {
      fh = await open(this.file, 'r')
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
