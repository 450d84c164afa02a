/**
 * Bans and unbans in bulk. fail2ban runs ban actions synchronously in its single socket
 * thread, so one command with thousands of IPs blocks every client for seconds; the service
 * sends chunks, reports progress after each, and can be cancelled between chunks.
 *
 * Ban chunks are sized by a time budget measured on the fly: the server's cost per IP varies
 * by an order of magnitude (no actions or a firewall command per IP, an idle or a loaded
 * machine), so a fixed count is either too big (the UI's pings wait behind it) or too small
 * (round trips dominate). Two chunks are kept in flight so the server never idles between
 * them (the next one is already queued when the current one ends); another client's command
 * then waits behind at most about two budgets.
 */
import type { BanProgress } from '../../shared/model.ts'
import { checkIp } from '../../shared/validation.ts'
import { Fail2BanArgumentError, type Fail2BanCommands } from '../fail2ban/index.ts'
import type { EventSink } from './events.ts'

export interface BanServiceOptions {
  commands: Fail2BanCommands
  emit: EventSink
  /** IPs per unban command for a jail without actions. Default 500. */
  chunkNoAction?: number
  /** IPs per unban command for a jail with actions (~40–50 ms each with a shell action). Default 20. */
  chunkWithActions?: number
  /** Server time one ban command should take (ms); chunks are sized to it. Default 20. */
  banBudgetMs?: number
  /** The first ban chunk, before any cost is measured. Default 50 (5 with actions). */
  firstBanChunk?: number
  /** Largest ban chunk. Default 5000. */
  maxBanChunk?: number
  /**
   * Runs after every ban/unban, done or failed, before its answer: the monitor's refresh, so
   * counts and the watched list are fresh when the UI hears back.
   */
  afterChange?: () => Promise<void>
}

export interface BanOutcome {
  newlyBanned: number
  submitted: number
  cancelled: boolean
}

export class BanService {
  readonly #o: Required<Omit<BanServiceOptions, 'afterChange'>> &
    Pick<BanServiceOptions, 'afterChange'>
  #cancelled = new Set<string>()
  #running = new Set<string>()

  constructor(opts: BanServiceOptions) {
    this.#o = {
      chunkNoAction: 500,
      chunkWithActions: 20,
      banBudgetMs: 20,
      firstBanChunk: 0,
      maxBanChunk: 5000,
      ...opts
    }
  }

  /** IPs per command for this jail. */
  async chunkSizeFor(jail: string): Promise<number> {
    const settings = await this.#o.commands.jailActions(jail)
    return settings.length === 0 ? this.#o.chunkNoAction : this.#o.chunkWithActions
  }

  /**
   * Bans IPs in chunks, emitting `banProgress` after each chunk. Validates every IP first:
   * one invalid IP refuses the whole request and nothing is sent.
   */
  async ban(jail: string, ips: readonly string[], operationId: string): Promise<BanOutcome> {
    const list = await normalize(ips)
    const actions = (await this.#o.commands.jailActions(jail)).length > 0
    const sizer = new ChunkSizer(
      this.#o.banBudgetMs,
      this.#o.firstBanChunk || (actions ? 5 : 50),
      this.#o.maxBanChunk
    )
    return this.#refreshing(() =>
      this.#chunked(operationId, jail, list, sizer, (chunk) =>
        this.#o.commands.banIps(jail, chunk, {
          timeoutMs: Math.max(10_000, chunk.length * (actions ? 200 : 1))
        })
      )
    )
  }

  /** Unbans IPs in one jail (or every jail when `jail` is null), in chunks. */
  async unban(jail: string | null, ips: readonly string[]): Promise<number> {
    const list = await normalize(ips)
    const size = jail === null ? this.#o.chunkWithActions : await this.chunkSizeFor(jail)
    return this.#refreshing(() =>
      sumChunks(list, size, (chunk, opts) =>
        jail === null
          ? this.#o.commands.unbanEverywhere(chunk, opts)
          : this.#o.commands.unbanIps(jail, chunk, opts)
      )
    )
  }

  /** Unbans everything in one jail (its list, chunked) or, with null, in every jail. */
  async unbanAll(jail: string | null): Promise<number> {
    if (jail === null) return this.#refreshing(() => this.#o.commands.unbanAll())
    const ips = await this.#o.commands.bannedIps(jail)
    if (ips.length === 0) return 0
    const size = await this.chunkSizeFor(jail)
    return this.#refreshing(() =>
      sumChunks(ips, size, (chunk, opts) => this.#o.commands.unbanIps(jail, chunk, opts))
    )
  }

  /** Runs a change, then (done or failed) the refresh that makes the UI's view fresh. */
  async #refreshing<T>(change: () => Promise<T>): Promise<T> {
    try {
      return await change()
    } finally {
      await this.#o.afterChange?.()
    }
  }

  /** Asks a running ban to stop after its current chunk; false if no such operation runs. */
  cancel(operationId: string): boolean {
    if (!this.#running.has(operationId)) return false
    this.#cancelled.add(operationId)
    return true
  }

  async #chunked(
    operationId: string,
    jail: string,
    list: string[],
    sizer: ChunkSizer,
    send: (chunk: string[]) => Promise<number>
  ): Promise<BanOutcome> {
    if (this.#running.has(operationId))
      throw new Fail2BanArgumentError(`operation ${operationId} is already running`)
    this.#running.add(operationId)
    const progress: BanProgress = { operationId, jail, done: 0, total: list.length, newlyBanned: 0 }
    const outcome = (cancelled: boolean): BanOutcome => ({
      newlyBanned: progress.newlyBanned,
      submitted: progress.done,
      cancelled
    })
    // At most two chunks in flight, settled in order. `ended`: when the previous chunk's reply
    // came, i.e. when the server started on the next one if it was already queued.
    const pending: { chunk: string[]; sentAt: number; reply: Promise<number> }[] = []
    let ended = performance.now()
    const settle = async (): Promise<void> => {
      const f = pending[0]!
      const n = await f.reply
      pending.shift()
      const now = performance.now()
      sizer.observe(f.chunk.length, now - Math.max(ended, f.sentAt))
      ended = now
      progress.newlyBanned += n
      progress.done += f.chunk.length
      this.#o.emit('banProgress', { ...progress })
    }
    try {
      this.#o.emit('banProgress', { ...progress })
      let i = 0
      while (i < list.length && !this.#cancelled.has(operationId)) {
        const chunk = list.slice(i, i + sizer.next())
        i += chunk.length
        const reply = send(chunk)
        // Observed in order by settle(); until then a failure must not go unhandled.
        reply.catch(() => undefined)
        pending.push({ chunk, sentAt: performance.now(), reply })
        if (pending.length >= 2) await settle()
      }
      while (pending.length > 0) await settle()
      return outcome(this.#cancelled.has(operationId))
    } catch (err) {
      // The other chunk may still run: wait for it, so no command outlives the call.
      await Promise.allSettled(pending.map((f) => f.reply))
      throw err
    } finally {
      this.#running.delete(operationId)
      this.#cancelled.delete(operationId)
    }
  }
}

/**
 * Picks chunk sizes so one command takes about `budgetMs` of server time. The cost per IP is
 * total time over total IPs of the recent chunks (decaying sums): with two chunks in flight
 * one reply often comes right after the other, so a single chunk's time says little, and a
 * short stall of this process must not collapse the size.
 */
export class ChunkSizer {
  #ms = 0
  #ips = 0
  #size: number
  readonly #budgetMs: number
  readonly #max: number

  constructor(budgetMs: number, first: number, max: number) {
    this.#budgetMs = budgetMs
    this.#size = Math.max(1, Math.min(first, max))
    this.#max = max
  }

  next(): number {
    return this.#size
  }

  /** One chunk of `n` IPs took `ms` (since the previous reply, or since it was sent). */
  observe(n: number, ms: number): void {
    if (n <= 0 || !(ms >= 0)) return
    this.#ms = DECAY * this.#ms + ms
    this.#ips = DECAY * this.#ips + n
    const perIp = Math.max(this.#ms, 0.01) / this.#ips
    const ideal = Math.floor(this.#budgetMs / perIp)
    // Grow at most 4× per chunk: the first measurements are the noisiest.
    this.#size = Math.max(1, Math.min(this.#max, ideal, this.#size * 4))
  }
}

/** Weight of the past in the cost estimate (about the last five chunks count). */
const DECAY = 0.8

/** IPs validated between two yields to the event loop (~2–8 ms of work on a busy machine). */
const NORMALIZE_SLICE = 1000

/**
 * Validates and de-duplicates; refuses the whole list on the first invalid entry. Large lists
 * are checked in slices with a yield in between: 20k IPs take 40–160 ms here, which would
 * otherwise stall every other command of this process (the UI's pings among them).
 */
async function normalize(ips: readonly string[]): Promise<string[]> {
  if (ips.length === 0) throw new Fail2BanArgumentError('no IP given')
  const out = new Set<string>()
  for (let i = 0; i < ips.length; i += NORMALIZE_SLICE) {
    if (i > 0) await new Promise<void>((r) => setImmediate(r))
    const end = Math.min(ips.length, i + NORMALIZE_SLICE)
    for (let j = i; j < end; j++) {
      const c = checkIp(ips[j])
      if (!c.ok) throw new Fail2BanArgumentError(c.reason)
      out.add(c.value)
    }
  }
  return [...out]
}

/** Sends `list` in chunks of `size`, one after another, and adds up the counts they return. */
async function sumChunks(
  list: readonly string[],
  size: number,
  send: (chunk: string[], opts: { timeoutMs: number }) => Promise<number>
): Promise<number> {
  let total = 0
  for (let i = 0; i < list.length; i += size) {
    const chunk = list.slice(i, i + size)
    total += await send(chunk, timeoutFor(chunk.length, size))
  }
  return total
}

/** A chunk's deadline grows with its size: slow actions take ~50 ms per IP. */
function timeoutFor(n: number, chunkSize: number): { timeoutMs: number } {
  const perIp = chunkSize >= 500 ? 1 : 200
  return { timeoutMs: Math.max(10_000, n * perIp) }
}
