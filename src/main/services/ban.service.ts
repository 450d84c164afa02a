/**
 * Bans and unbans in bulk. fail2ban runs ban actions synchronously in its single socket
 * thread, so one command with thousands of IPs blocks every client for seconds; the service
 * sends chunks (large for jails without actions, small for jails whose actions run a firewall
 * command per IP), reports progress after each, and can be cancelled between chunks.
 */
import type { BanProgress } from '../../shared/model.ts'
import { checkIp } from '../../shared/validation.ts'
import { Fail2BanArgumentError, type Fail2BanCommands } from '../fail2ban/index.ts'
import type { EventSink } from './events.ts'

export interface BanServiceOptions {
  commands: Fail2BanCommands
  emit: EventSink
  /** IPs per command for a jail without actions (~40 ms of server time each). Default 500. */
  chunkNoAction?: number
  /** IPs per command for a jail with actions (~40–50 ms each with a shell action). Default 20. */
  chunkWithActions?: number
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

export class OperationCancelledError extends Error {
  override readonly name: string = 'OperationCancelledError'
}

export class BanService {
  readonly #o: Required<Omit<BanServiceOptions, 'afterChange'>> &
    Pick<BanServiceOptions, 'afterChange'>
  #cancelled = new Set<string>()
  #running = new Set<string>()

  constructor(opts: BanServiceOptions) {
    this.#o = { chunkNoAction: 500, chunkWithActions: 20, ...opts }
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
    const list = normalize(ips)
    const size = await this.chunkSizeFor(jail)
    return this.#refreshing(() =>
      this.#chunked(operationId, jail, list, size, (chunk) =>
        this.#o.commands.banIps(jail, chunk, timeoutFor(chunk.length, size))
      )
    )
  }

  /** Unbans IPs in one jail (or every jail when `jail` is null), in chunks. */
  async unban(jail: string | null, ips: readonly string[]): Promise<number> {
    const list = normalize(ips)
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
    size: number,
    send: (chunk: string[]) => Promise<number>
  ): Promise<BanOutcome> {
    if (this.#running.has(operationId))
      throw new Fail2BanArgumentError(`operation ${operationId} is already running`)
    this.#running.add(operationId)
    const progress: BanProgress = { operationId, jail, done: 0, total: list.length, newlyBanned: 0 }
    try {
      this.#o.emit('banProgress', { ...progress })
      for (let i = 0; i < list.length; i += size) {
        if (this.#cancelled.has(operationId))
          return { newlyBanned: progress.newlyBanned, submitted: progress.done, cancelled: true }
        const chunk = list.slice(i, i + size)
        progress.newlyBanned += await send(chunk)
        progress.done += chunk.length
        this.#o.emit('banProgress', { ...progress })
      }
      return { newlyBanned: progress.newlyBanned, submitted: progress.done, cancelled: false }
    } finally {
      this.#running.delete(operationId)
      this.#cancelled.delete(operationId)
    }
  }
}

/** Validates and de-duplicates; refuses the whole list on the first invalid entry. */
function normalize(ips: readonly string[]): string[] {
  if (ips.length === 0) throw new Fail2BanArgumentError('no IP given')
  const out = new Set<string>()
  for (const ip of ips) {
    const c = checkIp(ip)
    if (!c.ok) throw new Fail2BanArgumentError(c.reason)
    out.add(c.value)
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
