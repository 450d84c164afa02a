/**
 * ReplyReader fed explicit chunk arrays: what a socket may deliver, chunk by chunk, without
 * relying on how a server's writes happen to merge.
 */
import { describe, expect, it } from 'vitest'
import { END_MARKER_BYTES, MAX_FALSE_ENDS, ReplyReader } from '../src/main/fail2ban/framing.ts'
import { Fail2BanProtocolError } from '../src/main/fail2ban/errors.ts'
import { decodeReply, encodeCommand, isTruncationError } from '../src/main/fail2ban/pickle.ts'

const END = END_MARKER_BYTES
const reply = (value: Parameters<typeof encodeCommand>[0][number]): Buffer =>
  Buffer.concat([Buffer.from(encodeCommand([0, value])), END])
const reader = (maxBytes = 1 << 20): ReplyReader =>
  new ReplyReader({ maxBytes, decode: decodeReply, isTruncation: isTruncationError })

/** Feeds chunks in order; returns the index of the chunk that completed the reply, and it. */
function feed(chunks: Buffer[], r = reader()): { at: number; value: unknown; rest: Buffer | null } {
  for (let i = 0; i < chunks.length; i++) {
    const res = r.push(chunks[i]!)
    if (res.done) return { at: i, value: res.value, rest: res.rest }
  }
  return { at: -1, value: undefined, rest: null }
}

const split = (buf: Buffer, ...at: number[]): Buffer[] => {
  const cuts = [0, ...at, buf.length]
  return cuts.slice(1).map((end, i) => buf.subarray(cuts[i]!, end))
}

describe('ReplyReader', () => {
  it('reads a reply delivered in 1-byte chunks, done on the very last byte', () => {
    const data = reply(['a', 'b', 'c'])
    const chunks = [...data].map((b) => Buffer.from([b]))
    const got = feed(chunks)
    expect(got).toEqual({ at: chunks.length - 1, value: [0, ['a', 'b', 'c']], rest: null })
  })

  it('finds the end marker split at every offset, also with a tiny middle chunk', () => {
    const data = reply('pong')
    const markerAt = data.length - END.length
    for (let k = markerAt - 2; k < data.length; k++) {
      expect(feed(split(data, k)), `split at ${k}`).toMatchObject({ at: 1, value: [0, 'pong'] })
      if (k + 3 < data.length)
        expect(feed(split(data, k, k + 3)), `split at ${k},${k + 3}`).toMatchObject({
          at: 2,
          value: [0, 'pong']
        })
    }
  })

  it('is not done before the last byte of the marker, whatever the split', () => {
    const data = reply('pong')
    for (let k = 1; k < data.length; k++) {
      const r = reader()
      expect(r.push(data.subarray(0, k)).done, `first ${k} bytes`).toBe(false)
      expect(r.push(data.subarray(k)).done).toBe(true)
    }
  })

  it('keeps reading past a marker inside the data, split there or not, at every offset', () => {
    const value = `x${END.toString('latin1')}y`
    const data = reply(value)
    const inner = data.indexOf(END)
    expect(inner).toBeLessThan(data.length - END.length)
    for (let k = 1; k < data.length; k++) {
      expect(feed(split(data, k)), `split at ${k}`).toMatchObject({ at: 1, value: [0, value] })
    }
    expect(feed([data])).toMatchObject({ at: 0, value: [0, value] })
    expect(feed(split(data, inner + END.length))).toMatchObject({ at: 1, value: [0, value] })
  })

  it('splits two pipelined replies that arrive in one chunk, at every offset of the second', () => {
    const a = reply('first')
    const b = reply(['second', 2])
    const both = Buffer.concat([a, b])
    const one = reader().push(both)
    expect(one).toMatchObject({ done: true, value: [0, 'first'] })
    expect(one.done && one.rest).toEqual(b)
    for (let k = a.length + 1; k < both.length; k++) {
      const r = reader()
      const first = r.push(both.subarray(0, k))
      expect(first.done, `split at ${k}`).toBe(true)
      if (!first.done) continue
      const next = reader()
      const tail = [first.rest ?? Buffer.alloc(0), both.subarray(k)]
      expect(feed(tail, next), `split at ${k}`).toMatchObject({ at: 1, value: [0, ['second', 2]] })
    }
  })

  it('refuses a reply over the size cap, and one with endless false ends', () => {
    const r = reader(100)
    expect(() => r.push(Buffer.alloc(200, 0x41))).toThrow(/size limit of 100 B/)
    // BINUNICODE with a length far beyond the data: every marker after it is a false end.
    const open = Buffer.from([0x80, 0x04, 0x58, 0xff, 0xff, 0xff, 0x00])
    const many = Buffer.from(`X${END.toString('latin1')}`.repeat(MAX_FALSE_ENDS + 2))
    const err = (() => {
      try {
        return reader(1 << 26).push(Buffer.concat([open, many]))
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(Fail2BanProtocolError)
    expect((err as Error).message).toMatch(/more than 64 end markers/)
  })
})
