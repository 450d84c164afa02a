/**
 * One byte stream to fail2ban (a Unix socket connection, or the helper's stdin/stdout):
 * listeners installed once, requests written in order, replies matched first in, first out
 * (fail2ban answers in order on one stream).
 *
 * Two ways to give up on a request (its deadline passed, or it was aborted):
 * - `abandon: false` (a pooled socket connection): the stream position is unknown, so the
 *   connection is destroyed; the pool opens another one.
 * - `abandon: true` (the long-lived helper stream, which must not die for one slow command):
 *   the request stays in the queue marked abandoned; its late reply is read and dropped.
 *
 * A stream that errors, closes, or sends bytes nobody asked for is dead for good, and every
 * request still waiting on it is rejected.
 */
import type { Duplex } from 'node:stream'
import type { CommandScope } from './deadline.ts'
import { CLOSE_FRAME, ReplyReader } from './framing.ts'
import { decodeReply, isTruncationError } from './pickle.ts'

export interface Exchange {
  reply: unknown
  bytes: number
}

/** Builds the error a request fails with (`bytes`: reply bytes received before the failure). */
export type ErrorFactory = (code: string, bytes: number) => Error

/**
 * Errors of requests the server provably never read: the stream was known dead before the
 * write, or the write itself failed with EPIPE (the peer had closed; the kernel took nothing)
 * before any reply byte. Only these may be re-sent, and only for read-only commands.
 */
const undelivered = new WeakSet<Error>()
export const isUndelivered = (err: unknown): boolean => err instanceof Error && undelivered.has(err)

interface Pending {
  reader: ReplyReader
  resolve: (r: Exchange) => void
  reject: (e: unknown) => void
  /** The caller gave up; the reply is still read (to stay in step) and dropped. */
  abandoned: boolean
  /** The write callback reported success: the kernel took the bytes. */
  written: boolean
  off: () => void
}

/** Abandoned requests tolerated on a stream before it is declared hung and dropped. */
export const MAX_ABANDONED = 100

export class Connection {
  readonly #sock: Duplex
  readonly #error: ErrorFactory
  readonly #maxReplyBytes: number
  readonly #abandon: boolean
  #queue: Pending[] = []
  #abandoned = 0
  #dead = false
  /** Called once when the stream dies, whatever the reason (the pool or client drops it). */
  onDeath: (() => void) | null = null

  constructor(sock: Duplex, error: ErrorFactory, maxReplyBytes: number, abandon = false) {
    this.#sock = sock
    this.#error = error
    this.#maxReplyBytes = maxReplyBytes
    this.#abandon = abandon
    sock.on('data', (chunk: Buffer) => this.#onData(chunk))
    sock.on('error', (err: NodeJS.ErrnoException) => this.#die(err.code ?? 'ECONNRESET'))
    sock.on('end', () => this.#die('ECLOSED'))
    sock.on('close', () => this.#die('ECLOSED'))
    // A stream someone paused before (the SSH link's first ping leaves it paused) does not
    // flow again just because a 'data' listener was added.
    sock.resume()
  }

  /** True once the stream is unusable; also checks the socket itself, not only our events. */
  get dead(): boolean {
    if (!this.#dead && (this.#sock.destroyed || !this.#sock.writable || this.#sock.readableEnded))
      this.#die('ECLOSED')
    return this.#dead
  }

  /** Requests written and not yet answered (abandoned ones included). */
  get pending(): number {
    return this.#queue.length
  }

  /** Writes one framed request and resolves with the decoded reply. */
  request(frame: Buffer, scope: CommandScope): Promise<Exchange> {
    if (scope.ended) return Promise.reject(scope.ended)
    if (this.dead) {
      const err = this.#error('ECLOSED', 0)
      undelivered.add(err)
      return Promise.reject(err)
    }
    return new Promise<Exchange>((resolve, reject) => {
      const p: Pending = {
        reader: new ReplyReader({
          maxBytes: this.#maxReplyBytes,
          decode: decodeReply,
          isTruncation: isTruncationError
        }),
        resolve,
        reject,
        abandoned: false,
        written: false,
        off: () => undefined
      }
      this.#queue.push(p)
      p.off = scope.onEnd((err) => this.#giveUp(p, err))
      this.#sock.write(frame, (err) => {
        if (!err) p.written = true
      })
    })
  }

  /** Ends the stream politely, as fail2ban-client does. */
  goodbye(): void {
    if (this.#dead) return
    this.#dead = true
    this.#sock.on('error', () => undefined)
    if (this.#sock.writable) this.#sock.end(CLOSE_FRAME)
    // Do not wait on the server to close its side.
    setTimeout(() => this.#sock.destroy(), 1000).unref()
  }

  /** Destroys the stream; requests still waiting reject with `err` (default: ECLOSED). */
  destroy(err?: Error): void {
    const queue = this.#queue
    this.#queue = []
    const first = this.#markDead()
    for (const p of queue) this.#reject(p, err ?? this.#error('ECLOSED', p.reader.length))
    if (first) this.onDeath?.()
  }

  #giveUp(p: Pending, err: Error): void {
    if (!this.#queue.includes(p) || p.abandoned) return
    if (!this.#abandon) {
      // One request at a time on a pooled connection: its position is now unknown.
      this.#queue.splice(this.#queue.indexOf(p), 1)
      this.#reject(p, err)
      this.destroy()
      return
    }
    p.abandoned = true
    p.off()
    p.reject(err)
    if (++this.#abandoned > MAX_ABANDONED) this.#die('ETIMEDOUT')
  }

  #onData(chunk: Buffer): void {
    let rest: Buffer | null = chunk
    while (rest && rest.length > 0) {
      const p = this.#queue[0]
      if (!p) {
        // Bytes nobody asked for: the stream is out of step.
        this.#die('EPROTO')
        return
      }
      let r
      try {
        r = p.reader.push(rest)
      } catch (err) {
        // A reply we cannot read: the stream position is unknown from here on.
        this.#queue.shift()
        this.#reject(p, err)
        this.#die('EPROTO')
        return
      }
      if (!r.done) return
      this.#queue.shift()
      rest = r.rest
      if (p.abandoned) this.#abandoned--
      else {
        p.off()
        p.resolve({ reply: r.value, bytes: p.reader.length })
      }
    }
  }

  #die(code: string): void {
    const queue = this.#queue
    this.#queue = []
    const first = this.#markDead()
    for (const p of queue) {
      const n = p.reader.length
      const err = this.#error(n === 0 ? code : 'ECONNRESET', n)
      // EPIPE comes from our write: the peer had closed before it, so it read nothing.
      if (code === 'EPIPE' && n === 0 && !p.written) undelivered.add(err)
      this.#reject(p, err)
    }
    if (first) this.onDeath?.()
  }

  /** Marks the stream dead and destroys it; true the first time. */
  #markDead(): boolean {
    const first = !this.#dead
    this.#dead = true
    this.#sock.destroy()
    return first
  }

  #reject(p: Pending, err: unknown): void {
    p.off()
    if (!p.abandoned) p.reject(err)
  }
}
