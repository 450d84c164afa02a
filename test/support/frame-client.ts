/**
 * A minimal fail2ban wire-protocol client over any Duplex (the helper's stdio): requests are
 * pipelined, replies matched in order (split at each end marker the decoder accepts), every pending request rejected when the stream ends.
 * For tests and the SSH bench only, until Fail2BanClient's stream transport is merged; it uses
 * the app's own encoder and hardened decoder.
 */
import type { Duplex } from 'node:stream'
import { END_MARKER_BYTES, frameRequest } from '../../src/main/fail2ban/framing.ts'
import {
  decodeReply,
  encodeCommand,
  isTruncationError,
  type CommandArg
} from '../../src/main/fail2ban/pickle.ts'

interface Pending {
  resolve(v: unknown): void
  reject(e: Error): void
}

const EMPTY = Buffer.alloc(0)

export class StreamClosedError extends Error {
  override name = 'StreamClosedError'
}

export class FrameClient {
  readonly #stream: Duplex
  readonly #queue: Pending[] = []
  #chunks: Buffer[] = []
  #length = 0
  #closed: Error | undefined

  constructor(stream: Duplex) {
    this.#stream = stream
    stream.on('data', (chunk: Buffer) => this.#onData(chunk))
    const end = (why: string) => (): void =>
      this.#fail(new StreamClosedError(`the helper's stream ${why} with a request pending`))
    stream.on('end', end('ended'))
    stream.on('close', end('closed'))
    stream.on('error', (e: Error) =>
      this.#fail(new StreamClosedError(`stream error: ${e.message}`))
    )
    stream.resume()
  }

  /** Sends one command; resolves with the decoded reply `[code, value]`. */
  send(args: readonly CommandArg[]): Promise<unknown> {
    if (this.#closed) return Promise.reject(this.#closed)
    return new Promise((resolve, reject) => {
      this.#queue.push({ resolve, reject })
      this.#stream.write(frameRequest(encodeCommand(args)))
    })
  }

  #onData(chunk: Buffer): void {
    const tail = this.#chunks.length > 0 ? this.#chunks[this.#chunks.length - 1]! : EMPTY
    this.#chunks.push(chunk)
    this.#length += chunk.length
    // join only when this chunk may complete a marker (replies can be megabytes)
    const edge = Buffer.concat([tail.subarray(-END_MARKER_BYTES.length), chunk])
    if (edge.indexOf(END_MARKER_BYTES) === -1) return
    let buf = Buffer.concat(this.#chunks, this.#length)
    let from = 0
    for (;;) {
      const at = buf.indexOf(END_MARKER_BYTES, from)
      if (at === -1) break
      let value: unknown
      try {
        value = decodeReply(buf.subarray(0, at))
      } catch (e) {
        if (isTruncationError(e)) {
          from = at + 1 // the marker was inside the payload
          continue
        }
        this.#fail(e as Error)
        return
      }
      this.#queue.shift()?.resolve(value)
      buf = buf.subarray(at + END_MARKER_BYTES.length)
      from = 0
    }
    this.#chunks = buf.length > 0 ? [buf] : []
    this.#length = buf.length
  }

  #fail(e: Error): void {
    if (this.#closed) return
    this.#closed = e
    for (const p of this.#queue.splice(0)) p.reject(e)
  }
}
