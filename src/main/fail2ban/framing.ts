/**
 * fail2ban's framing: a request is `pickle + <F2B_END_COMMAND>`, a reply likewise. There is no
 * length prefix and no escaping, so a reply is read up to an end marker and then decoded; if the
 * decoder says the pickle is truncated, the marker was part of the payload and reading goes on.
 * Chunks are joined only at a candidate end, never per read.
 */
import { Fail2BanProtocolError } from './errors.ts'

export const END_MARKER_BYTES = Buffer.from('<F2B_END_COMMAND>', 'latin1')
/** Sent before ending a connection, as fail2ban-client does. */
export const CLOSE_FRAME = Buffer.from('<F2B_CLOSE_COMMAND><F2B_END_COMMAND>', 'latin1')

/** Default reply size cap: 64 MiB (a 100k-ban `--with-time` reply is about 6 MiB). */
export const DEFAULT_MAX_REPLY_BYTES = 64 * 1024 * 1024

/** Appends the end marker to an encoded request. */
export function frameRequest(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(payload.length + END_MARKER_BYTES.length)
  out.set(payload, 0)
  END_MARKER_BYTES.copy(out, payload.length)
  return out
}

export type ReadResult =
  | { done: false }
  | {
      done: true
      value: unknown
      /** Bytes after this reply's end marker (the next pipelined reply), or null. */
      rest: Buffer | null
    }

export interface ReplyReaderOptions {
  maxBytes: number
  decode: (payload: Uint8Array) => unknown
  isTruncation: (err: unknown) => boolean
}

/**
 * End markers inside one reply's data tolerated before it is refused: each costs a decode of
 * the prefix, so an endless run of them must not turn reading into quadratic work.
 */
export const MAX_FALSE_ENDS = 64

/**
 * Accumulates one reply's chunks; `push` reports when a whole reply has been decoded. Every
 * occurrence of the end marker is a candidate end (also one split across chunks, also one in
 * the middle of a chunk followed by the next pipelined reply); the decoder decides: a
 * truncated pickle means the marker was inside the data and reading goes on.
 */
export class ReplyReader {
  #chunks: Buffer[] = []
  #length = 0
  /** Last marker-length-1 bytes received, to find a marker split across chunks. */
  #tail: Buffer = Buffer.alloc(0)
  #falseEnds = 0
  readonly #opts: ReplyReaderOptions

  constructor(opts: ReplyReaderOptions) {
    this.#opts = opts
  }

  /** Bytes received so far. */
  get length(): number {
    return this.#length
  }

  push(chunk: Buffer): ReadResult {
    const m = END_MARKER_BYTES
    const base = this.#length
    const candidates = this.#findEnds(chunk, base)
    this.#chunks.push(chunk)
    this.#length += chunk.length
    for (const end of candidates) {
      if (end - m.length > this.#opts.maxBytes) break
      const whole = this.#joined()
      const payload = whole.subarray(0, end - m.length)
      try {
        const value = this.#opts.decode(payload)
        return { done: true, value, rest: end < whole.length ? whole.subarray(end) : null }
      } catch (err) {
        if (!this.#opts.isTruncation(err)) throw err
        if (++this.#falseEnds > MAX_FALSE_ENDS) {
          throw new Fail2BanProtocolError(
            `reply has more than ${MAX_FALSE_ENDS} end markers inside its data; refused`
          )
        }
      }
    }
    if (this.#length > this.#opts.maxBytes + m.length) {
      throw new Fail2BanProtocolError(
        `reply exceeds the size limit of ${formatBytes(this.#opts.maxBytes)} (received ${formatBytes(this.#length)} so far)`
      )
    }
    return { done: false }
  }

  /** Absolute offsets just past each end marker that completes inside `chunk`, in order. */
  #findEnds(chunk: Buffer, base: number): number[] {
    const m = END_MARKER_BYTES
    const ends: number[] = []
    const tail = this.#tail
    if (tail.length > 0) {
      // A marker that starts in earlier data and ends in this chunk.
      const seam = Buffer.concat([tail, chunk.subarray(0, m.length - 1)])
      for (let at = seam.indexOf(m); at !== -1 && at < tail.length; at = seam.indexOf(m, at + 1))
        ends.push(base - tail.length + at + m.length)
    }
    for (let at = chunk.indexOf(m); at !== -1; at = chunk.indexOf(m, at + 1))
      ends.push(base + at + m.length)
    const keep = m.length - 1
    this.#tail =
      chunk.length >= keep
        ? Buffer.from(chunk.subarray(chunk.length - keep))
        : Buffer.concat([tail, chunk]).subarray(-keep)
    return ends
  }

  /** All chunks as one buffer; joined once and kept, so a false end does not re-join later. */
  #joined(): Buffer {
    if (this.#chunks.length !== 1) {
      this.#chunks = [Buffer.concat(this.#chunks, this.#length)]
    }
    return this.#chunks[0]!
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${n} B`
}
