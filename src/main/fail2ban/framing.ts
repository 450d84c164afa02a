/**
 * fail2ban's framing: a request is `pickle + <F2B_END_COMMAND>`, a reply likewise. There is no
 * length prefix and no escaping, so a reply is read until its tail is the end marker and then
 * decoded; if the decoder says the pickle is truncated, the marker was part of the payload and
 * reading goes on. Chunks are joined once per candidate end, never per read.
 */
import { CLOSE_MARKER, END_MARKER } from '../../shared/validation.ts'
import { Fail2BanProtocolError } from './errors.ts'

export const END_MARKER_BYTES = Buffer.from(END_MARKER, 'latin1')
/** Sent before ending a connection, as fail2ban-client does. */
export const CLOSE_FRAME = Buffer.from(CLOSE_MARKER + END_MARKER, 'latin1')

/** Default reply size cap: 64 MiB (a 100k-ban `--with-time` reply is about 6 MiB). */
export const DEFAULT_MAX_REPLY_BYTES = 64 * 1024 * 1024

/** Appends the end marker to an encoded request. */
export function frameRequest(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(payload.length + END_MARKER_BYTES.length)
  out.set(payload, 0)
  END_MARKER_BYTES.copy(out, payload.length)
  return out
}

export type ReadResult = { done: false } | { done: true; value: unknown }

export interface ReplyReaderOptions {
  maxBytes: number
  decode: (payload: Uint8Array) => unknown
  isTruncation: (err: unknown) => boolean
}

/** Accumulates one reply's chunks; `push` reports when a whole reply has been decoded. */
export class ReplyReader {
  #chunks: Buffer[] = []
  #length = 0
  readonly #opts: ReplyReaderOptions

  constructor(opts: ReplyReaderOptions) {
    this.#opts = opts
  }

  /** Bytes received so far. */
  get length(): number {
    return this.#length
  }

  push(chunk: Buffer): ReadResult {
    this.#chunks.push(chunk)
    this.#length += chunk.length
    if (this.#length > this.#opts.maxBytes + END_MARKER_BYTES.length) {
      throw new Fail2BanProtocolError(
        `reply exceeds the size limit of ${formatBytes(this.#opts.maxBytes)} (received ${formatBytes(this.#length)} so far)`
      )
    }
    if (!this.#endsWithMarker()) return { done: false }
    const whole =
      this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#length)
    // Keep the joined buffer: a false end (marker inside the payload) must not re-join later.
    this.#chunks = [whole]
    const payload = whole.subarray(0, whole.length - END_MARKER_BYTES.length)
    try {
      return { done: true, value: this.#opts.decode(payload) }
    } catch (err) {
      if (this.#opts.isTruncation(err)) return { done: false }
      throw err
    }
  }

  /** Checks the last marker-length bytes, which may span several chunks. */
  #endsWithMarker(): boolean {
    const m = END_MARKER_BYTES
    if (this.#length < m.length) return false
    let need = m.length
    for (let c = this.#chunks.length - 1; c >= 0 && need > 0; c--) {
      const chunk = this.#chunks[c]!
      for (let i = chunk.length - 1; i >= 0 && need > 0; i--) {
        need--
        if (chunk[i] !== m[need]) return false
      }
    }
    return need === 0
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${n} B`
}
