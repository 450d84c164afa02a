/**
 * One connection to fail2ban-server: persistent listeners installed once, at most one request
 * at a time (fail2ban answers in order; pipelining buys nothing when the server is serial).
 * A connection that errors, closes, or receives bytes nobody asked for is dead for good.
 */
import type { Duplex } from 'node:stream'
import { Fail2BanConnectionError } from './errors.ts'
import { CLOSE_FRAME, ReplyReader } from './framing.ts'
import { decodeReply, isTruncationError } from './pickle.ts'

export interface Exchange {
  reply: unknown
  bytes: number
}

interface Pending {
  reader: ReplyReader
  timer: ReturnType<typeof setTimeout>
  resolve: (r: Exchange) => void
  reject: (e: unknown) => void
}

export class Connection {
  readonly #sock: Duplex
  readonly #socketPath: string
  readonly #maxReplyBytes: number
  #pending: Pending | null = null
  #dead = false
  /** Called once when the connection dies while no request is pending (the pool drops it). */
  onIdleDeath: (() => void) | null = null

  constructor(sock: Duplex, socketPath: string, maxReplyBytes: number) {
    this.#sock = sock
    this.#socketPath = socketPath
    this.#maxReplyBytes = maxReplyBytes
    sock.on('data', (chunk: Buffer) => this.#onData(chunk))
    sock.on('error', (err: NodeJS.ErrnoException) => this.#die(err.code ?? 'ECONNRESET'))
    sock.on('end', () => this.#die('ECLOSED'))
    sock.on('close', () => this.#die('ECLOSED'))
  }

  get dead(): boolean {
    return this.#dead
  }

  /** Writes one framed request and resolves with the decoded reply. */
  request(frame: Buffer, deadline: number): Promise<Exchange> {
    if (this.#dead) return Promise.reject(this.#error('ECLOSED', 0))
    if (this.#pending) return Promise.reject(new Error('connection busy: one request at a time'))
    return new Promise<Exchange>((resolve, reject) => {
      const reader = new ReplyReader({
        maxBytes: this.#maxReplyBytes,
        decode: decodeReply,
        isTruncation: isTruncationError
      })
      const timer = setTimeout(
        () => this.#fail(this.#error('ETIMEDOUT', reader.length)),
        Math.max(0, deadline - Date.now())
      )
      this.#pending = { reader, timer, resolve, reject }
      this.#sock.write(frame)
    })
  }

  /** Ends the connection politely, as fail2ban-client does. */
  goodbye(): void {
    if (this.#dead) return
    this.#dead = true
    this.#sock.on('error', () => undefined)
    if (this.#sock.writable) this.#sock.end(CLOSE_FRAME)
    // Do not wait on the server to close its side.
    setTimeout(() => this.#sock.destroy(), 1000).unref()
  }

  destroy(): void {
    this.#dead = true
    this.#sock.destroy()
  }

  #onData(chunk: Buffer): void {
    const p = this.#pending
    if (!p) {
      // Bytes nobody asked for: the connection is out of step.
      this.#die('EPROTO')
      return
    }
    try {
      const r = p.reader.push(chunk)
      if (!r.done) return
      this.#settle()
      p.resolve({ reply: r.value, bytes: p.reader.length })
    } catch (err) {
      this.#fail(err)
    }
  }

  #die(code: string): void {
    const wasDead = this.#dead
    this.#dead = true
    this.#sock.destroy()
    const p = this.#pending
    if (p) {
      const n = p.reader.length
      this.#fail(this.#error(n === 0 ? code : 'ECONNRESET', n))
    } else if (!wasDead) {
      this.onIdleDeath?.()
    }
  }

  #fail(err: unknown): void {
    const p = this.#settle()
    if (!p) return
    // After a failed request the stream position is unknown: never reuse it.
    this.#dead = true
    this.#sock.destroy()
    p.reject(err)
  }

  #settle(): Pending | null {
    const p = this.#pending
    if (p) clearTimeout(p.timer)
    this.#pending = null
    return p
  }

  #error(code: string, received: number): Fail2BanConnectionError {
    const midReply =
      received > 0 && code !== 'ETIMEDOUT'
        ? `fail2ban closed the connection on ${this.#socketPath} in the middle of a reply (${received} bytes received): the server may have stopped or crashed.`
        : undefined
    return new Fail2BanConnectionError(code, this.#socketPath, midReply, received)
  }
}
