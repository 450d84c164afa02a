/**
 * A tiny FIFO client for the helper's stdio in tests: write request frames (encoded by the app's
 * encoder, or raw bytes), read reply frames in order. A reply ends at the first end marker whose
 * prefix decodes completely (the marker may also occur inside a reply's data).
 */
import { createConnection } from 'node:net'
import type { Duplex } from 'node:stream'
import {
  encodeCommand,
  decodeReply,
  isTruncationError,
  type CommandArg
} from '../../src/main/fail2ban/pickle.ts'
import { END_MARKER_BYTES, frameRequest } from '../../src/main/fail2ban/framing.ts'

export interface WireReply {
  /** Bytes of the reply, end marker included. */
  raw: Buffer
  value: unknown
  /** Set when the app's decoder refused the reply (e.g. it names a Python global). */
  error?: Error
}

export class HelperWire {
  readonly #stream: Duplex
  #buf = Buffer.alloc(0)
  #scan = 0
  #ready: WireReply[] = []
  #waiting: { resolve: (r: WireReply) => void; reject: (e: Error) => void }[] = []
  #ended: Error | undefined

  constructor(stream: Duplex) {
    this.#stream = stream
    stream.on('data', (chunk: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, chunk])
      this.#split()
    })
    stream.on('end', () => this.#fail(new Error('helper stdout ended')))
    stream.on('error', (e) => this.#fail(e))
  }

  /** Sends one command (the app's encoder) and resolves with the decoded reply. */
  async send(tokens: readonly CommandArg[]): Promise<unknown> {
    this.writeRaw(frameRequest(encodeCommand(tokens)))
    return (await this.next()).value
  }

  writeRaw(bytes: Uint8Array): void {
    this.#stream.write(bytes)
  }

  /** The next reply in order. */
  next(timeoutMs = 15_000): Promise<WireReply> {
    const r = this.#ready.shift()
    if (r) return Promise.resolve(r)
    if (this.#ended) return Promise.reject(this.#ended)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply from the helper')), timeoutMs)
      this.#waiting.push({
        resolve: (v) => {
          clearTimeout(timer)
          resolve(v)
        },
        reject: (e) => {
          clearTimeout(timer)
          reject(e)
        }
      })
    })
  }

  end(): void {
    this.#stream.end()
  }

  #split(): void {
    for (;;) {
      const at = this.#buf.indexOf(END_MARKER_BYTES, this.#scan)
      if (at < 0) return
      const payload = this.#buf.subarray(0, at)
      let value: unknown
      let error: Error | undefined
      try {
        value = decodeReply(payload)
      } catch (e) {
        if (isTruncationError(e) || at + END_MARKER_BYTES.length < this.#buf.length) {
          this.#scan = at + 1 // the marker is inside the data: look further
          continue
        }
        error = e as Error
      }
      const raw = this.#buf.subarray(0, at + END_MARKER_BYTES.length)
      this.#buf = this.#buf.subarray(at + END_MARKER_BYTES.length)
      this.#scan = 0
      const reply: WireReply = { raw: Buffer.from(raw), value, ...(error ? { error } : {}) }
      const w = this.#waiting.shift()
      if (w) w.resolve(reply)
      else this.#ready.push(reply)
    }
  }

  #fail(e: Error): void {
    this.#ended ??= e
    for (const w of this.#waiting.splice(0)) w.reject(e)
  }
}

/** `[1, {className, message}]` of a refused request, as decoded by the app's decoder. */
export function refusalMessage(reply: unknown): string | undefined {
  if (!Array.isArray(reply) || reply[0] !== 1) return undefined
  const e = reply[1] as { className?: string; message?: string }
  if (e.className !== 'builtins.PermissionError') return undefined
  return e.message
}

/**
 * One command on a fresh direct connection to the server's socket (not through the helper),
 * decoded by the app's decoder: how the tests read the server's state back.
 */
export function directCommand(socketPath: string, tokens: readonly CommandArg[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(socketPath)
    let buf = Buffer.alloc(0)
    const timer = setTimeout(() => {
      sock.destroy()
      reject(new Error(`no reply to ${tokens.join(' ')}`))
    }, 10_000)
    sock.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    sock.on('connect', () => sock.write(frameRequest(encodeCommand(tokens))))
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      if (buf.length < END_MARKER_BYTES.length) return
      if (!buf.subarray(buf.length - END_MARKER_BYTES.length).equals(END_MARKER_BYTES)) return
      try {
        const value = decodeReply(buf.subarray(0, buf.length - END_MARKER_BYTES.length))
        clearTimeout(timer)
        sock.end(Buffer.from('<F2B_CLOSE_COMMAND><F2B_END_COMMAND>', 'latin1'))
        resolve(value)
      } catch (e) {
        if (!isTruncationError(e)) {
          clearTimeout(timer)
          sock.destroy()
          reject(e as Error)
        }
      }
    })
  })
}
