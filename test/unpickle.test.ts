/**
 * The decoder opcode family by opcode family, its budget and its refusals, on hand-written
 * pickles (test/pickle-fuzz.test.ts compares it with CPython at large).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Fail2BanProtocolError } from '../src/main/fail2ban/errors.ts'
import { decodeReply, isTruncationError } from '../src/main/fail2ban/pickle.ts'
import { DEFAULT_BUDGET, TruncatedPickleError, unpickle } from '../src/main/fail2ban/unpickle.ts'
import { expectPlain } from './support/pickle-oracle.ts'

/** Bytes from a mix of numbers (bytes), strings (latin1) and byte arrays. */
function p(...parts: (number | string | number[] | Buffer)[]): Buffer {
  return Buffer.concat(
    parts.map((x) =>
      typeof x === 'number'
        ? Buffer.from([x])
        : typeof x === 'string'
          ? Buffer.from(x, 'latin1')
          : Buffer.from(x)
    )
  )
}
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(n)
  return b
}
const u64 = (n: number): Buffer => {
  const b = Buffer.alloc(8)
  b.writeBigUInt64LE(BigInt(n))
  return b
}
/** SHORT_BINUNICODE of a JS string */
const s = (t: string): Buffer => {
  const b = Buffer.from(t, 'utf8')
  return p(0x8c, b.length, b)
}
const P5 = p(0x80, 5)

function errorOf(f: () => unknown): unknown {
  try {
    f()
  } catch (e) {
    return e
  }
  throw new Error('expected an error')
}

describe('opcode families decode to plain data', () => {
  const cases: [string, Buffer, unknown][] = [
    [
      'BININT1 BININT2 BININT',
      p(P5, 'K', 7, 'M', [1, 2], 'J', u32(0xfffffffe), 0x87, '.'),
      [7, 513, -2]
    ],
    [
      'LONG1 small, negative, zero-length',
      p(P5, 0x8a, 2, [0xff, 0x7f], 0x8a, 1, [0xff], 0x8a, 0, 0x87, '.'),
      [32767, -1, 0]
    ],
    ['LONG1 beyond 2^53 is a bigint', p(P5, 0x8a, 9, [0, 0, 0, 0, 0, 0, 0, 0, 1], '.'), 2n ** 64n],
    ['LONG4 negative big', p(P5, 0x8b, u32(8), [0, 0, 0, 0, 0, 0, 0, 0x80], '.'), -(2n ** 63n)],
    ['LONG1 with redundant bytes stays a number', p(P5, 0x8a, 8, [5, 0, 0, 0, 0, 0, 0, 0], '.'), 5],
    ['BINFLOAT', p(P5, 'G', [0x3f, 0xf8, 0, 0, 0, 0, 0, 0], '.'), 1.5],
    ['NONE NEWTRUE NEWFALSE', p(P5, 'N', 0x88, 0x89, 0x87, '.'), [null, true, false]],
    [
      'SHORT_BINUNICODE BINUNICODE BINUNICODE8',
      p(P5, s('ü€'), 'X', u32(1), 'a', 0x8d, u64(2), '😀'.slice(0, 0), 'bc', 0x87, '.'),
      ['ü€', 'a', 'bc']
    ],
    [
      'Python 2 strings (SHORT_BINSTRING, BINSTRING) as ASCII',
      p(0x80, 2, 'U', 2, 'ab', 'T', u32(1), 'c', 0x86, '.'),
      ['ab', 'c']
    ],
    [
      'bytes (SHORT_BINBYTES, BINBYTES, BINBYTES8)',
      p(P5, 'C', 1, [0xff], 'B', u32(0), 0x8e, u64(1), [0], 0x87, '.'),
      [new Uint8Array([0xff]), new Uint8Array(0), new Uint8Array([0])]
    ],
    [
      'EMPTY_LIST APPEND APPENDS',
      p(P5, ']', 'K', 1, 'a', '(', 'K', 2, 'K', 3, 'e', '.'),
      [1, 2, 3]
    ],
    ['LIST TUPLE', p(P5, '(', 'K', 1, 'l', '(', 't', 0x86, '.'), [[1], []]],
    ['EMPTY_TUPLE TUPLE1', p(P5, ')', 0x85, '.'), [[]]],
    [
      'EMPTY_DICT SETITEM SETITEMS',
      p(P5, '}', s('a'), 'K', 1, 's', '(', s('b'), 'K', 2, s('a'), 'K', 3, 'u', '.'),
      { a: 3, b: 2 }
    ],
    ['DICT', p(P5, '(', s('k'), 'N', 'd', '.'), { k: null }],
    [
      'EMPTY_SET ADDITEMS: str members, de-duplicated and sorted',
      p(P5, 0x8f, '(', s('b'), s('a'), s('b'), 0x90, '.'),
      ['a', 'b']
    ],
    ['FROZENSET', p(P5, '(', s('z'), s('y'), 0x91, '.'), ['y', 'z']],
    [
      'MEMOIZE BINGET LONG_BINGET',
      p(P5, s('x'), 0x94, 'h', 0, 'j', u32(0), 0x87, '.'),
      ['x', 'x', 'x']
    ],
    [
      'BINPUT LONG_BINPUT',
      p(0x80, 3, s('x'), 'q', 9, 'r', u32(300), '0', 'h', 9, 'j', u32(300), 0x86, '.'),
      ['x', 'x']
    ],
    [
      'MEMOIZE counts filled slots, as CPython',
      p(P5, s('a'), 'q', 1, '0', s('b'), 0x94, '0', 'h', 1, '.'),
      'b'
    ],
    ['POP POP_MARK DUP', p(P5, 'K', 1, 'K', 2, '0', '(', 'K', 3, '1', '2', 0x86, '.'), [1, 1]],
    ['POP of an empty MARK pops the mark', p(P5, 'K', 1, '(', '0', '.'), 1],
    [
      'STACK_GLOBAL builtins.str + REDUCE',
      p(P5, s('builtins'), s('str'), 0x93, s('10.0.0.1'), 0x85, 'R', '.'),
      '10.0.0.1'
    ],
    [
      'GLOBAL __builtin__.unicode + REDUCE (protocol 2)',
      p(0x80, 2, 'c__builtin__\nunicode\n', ')', 'R', '.'),
      ''
    ],
    [
      'an exception becomes a record',
      p(P5, s('fail2ban.exceptions'), s('UnknownJailException'), 0x93, s('j'), 0x85, 'R', '.'),
      {
        __pyException: true,
        className: 'fail2ban.exceptions.UnknownJailException',
        message: 'j',
        args: ['j']
      }
    ],
    ['FRAME', p(P5, 0x95, u64(3), 'K', 1, '.'), 1],
    ['data after STOP is ignored, as pickle.loads does', p(P5, 'N', '.', 'garbage'), null],
    [
      'list[i] = v through SETITEM, as CPython allows',
      p(P5, ']', 'K', 1, 'a', 'K', 0, 'K', 9, 's', '.'),
      [9]
    ]
  ]

  it.each(cases)('%s', (_name, bytes, expected) => {
    const v = unpickle(bytes)
    expect(v).toStrictEqual(expected)
    expectPlain(v)
  })

  it('an encoded lone surrogate is accepted (CPython pickles them with surrogatepass), a BOM stays', () => {
    expect(unpickle(p(P5, 0x8c, 3, [0xed, 0xa0, 0x80], '.'))).toBe('\ud800')
    expect(unpickle(p(P5, 0x8c, 4, [0xef, 0xbb, 0xbf, 0x61], '.'))).toBe('\ufeffa')
  })
})

describe('refusals', () => {
  const refused: [string, Buffer, RegExp][] = [
    ['invalid UTF-8 (lone byte)', p(P5, 0x8c, 1, [0xff], '.'), /UTF-8/],
    ['invalid UTF-8 (cut sequence)', p(P5, 0x8c, 1, [0xc3], '.'), /UTF-8/],
    ['invalid UTF-8 (overlong)', p(P5, 0x8c, 2, [0xc0, 0x80], '.'), /UTF-8/],
    ['invalid UTF-8 (beyond U+10FFFF)', p(P5, 0x8c, 4, [0xf4, 0x90, 0x80, 0x80], '.'), /UTF-8/],
    ['a Python 2 byte string that is not ASCII', p(0x80, 2, 'U', 1, [0xe9], '.'), /ASCII/],
    ['APPEND onto a tuple', p(P5, ')', 'K', 1, 'a', '.'), /not a list/],
    ['APPENDS onto a tuple', p(P5, ')', '(', 'K', 1, 'e', '.'), /not a list/],
    ['SETITEM onto a tuple', p(P5, ')', 'K', 0, 'K', 1, 's', '.'), /not a dict/],
    ['ADDITEMS onto a frozenset', p(P5, '(', 0x91, '(', s('a'), 0x90, '.'), /not a set/],
    [
      '{1: a, "1": b}: a non-str key in the result',
      p(P5, '}', 'K', 1, s('a'), 's', s('1'), s('b'), 's', '.'),
      /not a string/
    ],
    ['a non-str set member in the result', p(P5, 0x8f, '(', 'K', 1, 0x90, '.'), /not a string/],
    ['an unhashable dict key', p(P5, '}', ']', 'K', 1, 's', '.'), /unhashable/],
    ['a list that contains itself', p(P5, ']', 0x94, 'h', 0, 'a', '.'), /cycle/],
    ['a dict that contains itself', p(P5, '}', 0x94, s('k'), 'h', 0, 's', '.'), /cycle/],
    [
      'str() of a number',
      p(P5, s('builtins'), s('str'), 0x93, 'K', 1, 0x85, 'R', '.'),
      /one string/
    ],
    [
      'REDUCE with a list instead of a tuple',
      p(P5, s('builtins'), s('str'), 0x93, ']', 'R', '.'),
      /argument tuple/
    ],
    ['REDUCE on data', p(P5, 'K', 1, ')', 'R', '.'), /not callable/],
    ['a class left uncalled', p(P5, s('builtins'), s('ValueError'), 0x93, '.'), /class/],
    ['os.system', p(P5, s('os'), s('system'), 0x93, '.'), /refuses to resolve/],
    ['a dotted name', p(P5, s('builtins'), s('str.join'), 0x93, '.'), /refuses to resolve/],
    ['BUILD', p(P5, ']', '}', 'b', '.'), /BUILD/],
    ['NEWOBJ', p(P5, s('builtins'), s('str'), 0x93, ')', 0x81, '.'), /NEWOBJ/],
    ['persistent id', p(P5, s('x'), 'Q', '.'), /BINPERSID/],
    ['extension code', p(P5, 0x82, 1, '.'), /EXT1/],
    ['protocol-0 INT', p('I1\n.'), /not supported/],
    ['protocol 6', p(0x80, 6, 'N', '.'), /protocol/],
    ['an invalid opcode', p(P5, 0xff, '.'), /invalid pickle opcode/],
    ['stack underflow', p(P5, 'a', '.'), /underflow/],
    ['odd SETITEMS', p(P5, '}', '(', 'K', 1, 'u', '.'), /odd/],
    ['APPENDS without MARK', p(P5, ']', 'e', '.'), /MARK/],
    ['memo slot never filled', p(P5, 'h', 3, '.'), /memo 3/],
    ['negative LONG4 size', p(P5, 0x8b, u32(0xffffffff), '.'), /negative/]
  ]

  it.each(refused)('%s', (_name, bytes, message) => {
    const err = errorOf(() => unpickle(bytes))
    expect(err).toBeInstanceOf(Fail2BanProtocolError)
    expect(err).not.toBeInstanceOf(TruncatedPickleError)
    expect((err as Error).message).toMatch(message)
  })

  it('invalid UTF-8 in a large reply (the one-string-for-all path) is refused too', () => {
    const big = p(
      P5,
      ']',
      '(',
      ...Array.from({ length: 2000 }, () => s('x'.repeat(50))),
      0x8c,
      1,
      [0xff],
      'e',
      '.'
    )
    expect(big.length).toBeGreaterThan(65536)
    expect(() => unpickle(big)).toThrow(/UTF-8/)
  })

  it('a non-str dict key that is not part of the result is fine (CPython reads it too)', () => {
    expect(unpickle(p(P5, '}', 'K', 1, s('a'), 's', '0', 'N', '.'))).toBeNull()
  })
})

describe('budget', () => {
  /** [L, L] nested n times through the memo: 2^n leaves in ~6n bytes. */
  function memoBomb(n: number): Buffer {
    const parts: Buffer[] = [P5, p(']', 0x94)]
    for (let i = 1; i <= n; i++) parts.push(p('(', 'h', i - 1, 'h', i - 1, 'l', 0x94))
    parts.push(p('.'))
    return Buffer.concat(parts)
  }

  it('the 2^60 memo bomb is refused by the node budget, each shared list visited once', () => {
    const bomb = memoBomb(60)
    expect(bomb.length).toBeLessThan(500)
    expect(() => unpickle(bomb)).toThrow(/more than 4000000 values/)
    expect(() => decodeReply(bomb)).toThrow(Fail2BanProtocolError)
  })

  it('with no node limit a 2^50 bomb decodes (a walk without a visited set would never end)', () => {
    const v = unpickle(memoBomb(50), { ...DEFAULT_BUDGET, maxNodes: Number.MAX_SAFE_INTEGER })
    let x = v as unknown[]
    for (let i = 0; i < 50; i++) {
      expect(x[0]).toBe(x[1])
      x = x[0] as unknown[]
    }
    expect(x).toEqual([])
  })

  it('one APPENDS with a million items: within the default budget, a typed error beyond it', () => {
    const items = Buffer.alloc(2_000_000)
    for (let i = 0; i < items.length; i += 2) items[i] = 0x4b // BININT1 0
    const bytes = p(P5, ']', '(', items, 'e', '.')
    expect((unpickle(bytes) as unknown[]).length).toBe(1_000_000)
    const err = errorOf(() => unpickle(bytes, { ...DEFAULT_BUDGET, maxItems: 999_999 }))
    expect(err).toBeInstanceOf(Fail2BanProtocolError)
    expect((err as Error).message).toMatch(/over 999999 items/)
  })

  it('deep nesting is refused, also 100 000 levels deep (no stack overflow)', () => {
    const nest = (n: number): Buffer => p(P5, '('.repeat(n), 'l'.repeat(n), '.')
    expect(unpickle(nest(64))).toBeDefined()
    expect(() => unpickle(nest(65))).toThrow(/nested too deeply/)
    const err = errorOf(() => unpickle(nest(100_000)))
    expect(err).toBeInstanceOf(Fail2BanProtocolError)
  })

  it('depth counts through shared objects too', () => {
    // a 40-deep list, memoized, then nested 30 deeper through the memo: 70 levels
    const inner = p('('.repeat(40), 'l'.repeat(40), 0x94)
    const outer = p('h', 0, '('.repeat(30), 'h', 0, 'l'.repeat(30), 0x86)
    expect(() => unpickle(p(P5, inner, '0', outer, '.'))).toThrow(/nested too deeply/)
    expect(unpickle(p(P5, inner, '0', 'h', 0, 'h', 0, 0x86, '.'))).toHaveLength(2)
  })

  it('a memoized string fetched again is decoded once, not once per fetch', () => {
    // 1 MB string, then 100 000 BINGETs of it: 100 GB if each fetch decoded it again
    const fetches = Buffer.alloc(200_000)
    for (let i = 0; i < fetches.length; i += 2) fetches.set([0x68, 1], i)
    const big = p(P5, ']', 0x94, 'X', u32(1_000_000), 'x'.repeat(1_000_000), 0x94, '0')
    const v = unpickle(p(big, '(', fetches, 'e', '.')) as string[]
    expect(v).toHaveLength(100_000)
    expect(v[99_999]).toHaveLength(1_000_000)
  })

  it('fetching memoized strings backwards does not make a 64 KiB chunk per fetch', () => {
    // 40 000 short strings, then each fetched once, last first: 2.6 GB if each made a chunk
    const n = 40_000
    const strings = Array.from({ length: n }, (_, i) => s(`10.0.${i >> 8}.${i & 255} padding`))
    const fetches = Array.from({ length: n }, (_, i) => p('j', u32(n - i)))
    const bytes = p(
      P5,
      ']',
      0x94,
      '(',
      ...strings.flatMap((x) => [x, p(0x94)]),
      'e',
      '(',
      ...fetches,
      'e',
      '.'
    )
    const before = process.memoryUsage().heapUsed
    const v = unpickle(bytes)
    // what stays alive with the result: the strings and their chunks, not 40 000 chunks
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(200 * 1024 * 1024)
    expect(v).toHaveLength(2 * n)
    expect((v as string[])[n]).toBe(`10.0.${(n - 1) >> 8}.${(n - 1) & 255} padding`)
  })

  it('memo indexes over the limit are refused', () => {
    expect(() => unpickle(p(0x80, 3, 'N', 'r', u32(4_000_000), '.'))).toThrow(/memo index/)
    expect(unpickle(p(0x80, 3, 'N', 'r', u32(3_999_999), '.'))).toBeNull()
  })
})

describe('truncation, for the framing', () => {
  const dir = new URL('./fixtures/pickle/', import.meta.url)
  const fixtures = readdirSync(dir)
    .filter((f) => f.endsWith('.pickle') && !f.startsWith('err-') && !f.startsWith('bulk-'))
    .map((f) => [f, readFileSync(new URL(f, dir))] as const)

  it('every proper prefix of every captured reply is a truncation, and only that', () => {
    let n = 0
    for (const [name, bytes] of fixtures) {
      expect(() => unpickle(bytes), name).not.toThrow()
      for (let cut = 0; cut < bytes.length; cut++) {
        const err = errorOf(() => decodeReply(bytes.subarray(0, cut)))
        expect(isTruncationError(err), `${name} cut at ${cut}`).toBe(true)
        n++
      }
    }
    expect(n).toBeGreaterThan(1000)
  })

  it('a FRAME longer than the data, a string running past the end, a GLOBAL without its newline', () => {
    for (const b of [
      p(P5, 0x95, u64(100), 'N', '.'),
      p(P5, 'X', u32(10), 'abc'),
      p(0x80, 2, 'cbuiltins\nst')
    ])
      expect(isTruncationError(errorOf(() => decodeReply(b)))).toBe(true)
    expect(isTruncationError(new Fail2BanProtocolError('x'))).toBe(false)
  })
})
