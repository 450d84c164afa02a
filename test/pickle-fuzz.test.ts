/**
 * The decoder fuzzed against CPython: 100 000 pickles (mutated real fail2ban captures and
 * CPython-made seeds, opcode sequences built from the decoder's grammar, random bytes), all
 * decoded by us and by CPython's C unpickler restricted the same way (py_pickle.py `fuzz`),
 * in one Python process. Both must agree on accept/reject and, when accepted, on the value;
 * every refusal of ours must be a Fail2BanProtocolError. The generator is seeded, so a failure
 * reproduces; FUZZ_SEED=<n> tries another seed.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { isDeepStrictEqual } from 'node:util'
import { describe, expect, it, onTestFinished } from 'vitest'
import { Fail2BanProtocolError } from '../src/main/fail2ban/errors.ts'
import { type DecodeBudget, unpickle } from '../src/main/fail2ban/unpickle.ts'
import {
  expectPlain,
  pyRestrictedLoads,
  pySeeds,
  toOracleNotation
} from './support/pickle-oracle.ts'

const CASES = 100_000
const SEED = Number(process.env.FUZZ_SEED ?? 20261126)
/** Small, so that the budget's refusals are part of what both sides must agree on. */
const BUDGET: DecodeBudget = { maxNodes: 3000, maxDepth: 12, maxMemo: 600, maxItems: 200 }

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const rand = prng(SEED)
const int = (n: number): number => Math.floor(rand() * n)
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!
const bytesOf = (n: number): number[] => Array.from({ length: n }, () => int(256))

const le = (n: number, width: number): number[] => {
  const out: number[] = []
  let x = BigInt.asUintN(width * 8, BigInt(n))
  for (let i = 0; i < width; i++) {
    out.push(Number(x & 0xffn))
    x >>= 8n
  }
  return out
}

/** Every opcode byte of protocols 0-5 (and a few invalid ones). */
const OPCODES = [
  ...'()]}.0123aeslutdNRbcghijopqrFGIJKLMPQSTUVX'.split('').map((c) => c.charCodeAt(0)),
  ...Array.from({ length: 0x99 - 0x80 }, (_, i) => 0x80 + i),
  0x00,
  0xff,
  0x20
]

const TEXTS = [
  '',
  'a',
  'sshd',
  '10.0.0.1',
  'ü€',
  '😀',
  '__proto__',
  'toString',
  'builtins',
  'str',
  'KeyError',
  'fail2ban.exceptions',
  'UnknownJailException',
  'os',
  'system',
  'exceptions',
  'ValueError',
  '__builtin__',
  'unicode',
  'eval',
  '1'
]

/** UTF-8 bytes of a text, or a deliberately odd byte sequence. */
function textBytes(): number[] {
  switch (int(8)) {
    case 0:
      return [0xed, 0xa0, 0x80] // an encoded lone surrogate: CPython accepts it
    case 1:
      return [0xc3] // cut multi-byte sequence
    case 2:
      return [0xc0, 0x80] // overlong
    case 3:
      return bytesOf(int(6))
    case 4:
      return [0xef, 0xbb, 0xbf, 0x61] // a BOM, which must stay
    default:
      return [...Buffer.from(pick(TEXTS), 'utf8')]
  }
}

/** One opcode with a plausible argument, from the decoder's grammar. */
function grammarOp(state: { items: number; marks: number }): number[] {
  const r = int(100)
  const push = (bytes: number[]): number[] => {
    state.items++
    return bytes
  }
  if (r < 30) {
    // a value
    switch (int(16)) {
      case 0:
        return push([0x4b, int(256)])
      case 1:
        return push([0x4d, ...bytesOf(2)])
      case 2:
        return push([0x4a, ...bytesOf(4)])
      case 3: {
        const n = int(10)
        return push([0x8a, n, ...bytesOf(n)])
      }
      case 4: {
        const n = int(12)
        return push([0x8b, ...le(rand() < 0.05 ? -1 : n, 4), ...bytesOf(n)])
      }
      case 5: {
        const b = Buffer.alloc(8)
        b.writeDoubleBE(pick([0, -0, 1, 0.5, NaN, Infinity, -1e300, 2 ** 53, rand()]))
        return push([0x47, ...(rand() < 0.2 ? bytesOf(8) : [...b])])
      }
      case 6:
        return push([pick([0x4e, 0x88, 0x89])])
      case 7:
      case 8: {
        const t = textBytes()
        return push([0x8c, t.length, ...t])
      }
      case 9: {
        const t = textBytes()
        return push([0x58, ...le(t.length, 4), ...t])
      }
      case 10: {
        const t = textBytes()
        return push([0x8d, ...le(t.length, 8), ...t])
      }
      case 11: {
        const b = bytesOf(int(5))
        return push([pick([0x43, 0x55]), b.length, ...b])
      }
      case 12: {
        const b = bytesOf(int(5))
        return push([pick([0x42, 0x54]), ...le(b.length, 4), ...b])
      }
      case 13: {
        const b = bytesOf(int(5))
        return push([0x8e, ...le(b.length, 8), ...b])
      }
      default: {
        const t = [...Buffer.from(pick(TEXTS))]
        return push([0x8c, t.length, ...t])
      }
    }
  }
  if (r < 42) return push([pick([0x5d, 0x29, 0x7d, 0x8f])]) // empty containers
  if (r < 50) {
    state.marks++
    return [0x28]
  }
  if (r < 70) {
    // combining opcodes
    const op = pick([0x61, 0x65, 0x73, 0x75, 0x90, 0x91, 0x6c, 0x74, 0x64, 0x85, 0x86, 0x87])
    if ([0x65, 0x75, 0x90, 0x91, 0x6c, 0x74, 0x64].includes(op)) state.marks--
    state.items = Math.max(0, state.items - 1)
    return [op]
  }
  if (r < 80) {
    // memo
    switch (int(5)) {
      case 0:
        return [0x94]
      case 1:
        return [0x71, int(8)]
      case 2:
        return [0x72, ...le(rand() < 0.1 ? 600 + int(3) : int(8), 4)]
      case 3:
        return push([0x68, int(8)])
      default:
        return push([0x6a, ...le(int(8), 4)])
    }
  }
  if (r < 88) {
    // globals, calls
    switch (int(4)) {
      case 0: {
        const m = [...Buffer.from(pick(TEXTS))]
        const n = [...Buffer.from(pick(TEXTS))]
        return push([0x8c, m.length, ...m, 0x8c, n.length, ...n, 0x93])
      }
      case 1:
        return push([0x63, ...Buffer.from(`${pick(TEXTS)}\n${pick(TEXTS)}\n`)])
      case 2:
        return [0x52]
      default:
        return push([0x8c, 8, ...Buffer.from('builtins'), 0x8c, 3, ...Buffer.from('str'), 0x93])
    }
  }
  if (r < 94) return [pick([0x30, 0x31, 0x32])] // POP, POP_MARK, DUP
  if (r < 97) {
    const n = int(40)
    return [0x95, ...le(rand() < 0.8 ? n : 1e6, 8)]
  }
  return [pick(OPCODES)] // anything at all, refused ones included
}

/** A valid pickle of a random value, written with a random choice of opcodes. */
function valuePickle(): Buffer {
  const out: number[] = []
  let memoLen = 0
  const str = (t: string): number[] => {
    const b = [...Buffer.from(t, 'utf8')]
    return b.length < 256 && rand() < 0.8
      ? [0x8c, b.length, ...b]
      : [0x58, ...le(b.length, 4), ...b]
  }
  const memoize = (): void => {
    const r = rand()
    if (r < 0.3) {
      out.push(0x94)
      memoLen++
    } else if (r < 0.35) {
      out.push(0x71, memoLen)
      memoLen++
    }
  }
  const global = (module: string, name: string): void => {
    if (rand() < 0.5) out.push(...str(module), ...str(name), 0x93)
    else out.push(0x63, ...Buffer.from(`${module}\n${name}\n`))
  }
  const value = (depth: number): void => {
    const r = int(depth > 3 ? 4 : 14)
    switch (r) {
      case 0:
      case 1:
        out.push(...grammarOp({ items: 0, marks: 0 }))
        return memoize()
      case 2:
        out.push(...str(pick(TEXTS)))
        return memoize()
      case 3:
        if (memoLen > 0) out.push(0x68, int(memoLen))
        else out.push(0x4e)
        return
      case 4:
      case 5: {
        out.push(0x5d)
        memoize()
        const n = int(5)
        if (rand() < 0.5)
          for (let i = 0; i < n; i++) {
            value(depth + 1)
            out.push(0x61)
          }
        else {
          out.push(0x28)
          for (let i = 0; i < n; i++) value(depth + 1)
          out.push(0x65)
        }
        return
      }
      case 6: {
        const n = int(5)
        if (n <= 3 && rand() < 0.7) {
          for (let i = 0; i < n; i++) value(depth + 1)
          out.push([0x29, 0x85, 0x86, 0x87][n]!)
        } else {
          out.push(0x28)
          for (let i = 0; i < n; i++) value(depth + 1)
          out.push(0x74)
        }
        return memoize()
      }
      case 7: {
        const n = int(4)
        const key = (): number[] => (rand() < 0.9 ? str(pick(TEXTS)) : [0x4b, int(3)])
        if (rand() < 0.3) {
          out.push(0x28)
          for (let i = 0; i < n; i++) {
            out.push(...key())
            value(depth + 1)
          }
          out.push(0x64)
          return memoize()
        }
        out.push(0x7d)
        memoize()
        if (rand() < 0.5)
          for (let i = 0; i < n; i++) {
            out.push(...key())
            value(depth + 1)
            out.push(0x73)
          }
        else {
          out.push(0x28)
          for (let i = 0; i < n; i++) {
            out.push(...key())
            value(depth + 1)
          }
          out.push(0x75)
        }
        return
      }
      case 8: {
        const n = int(4)
        const member = (): number[] => (rand() < 0.9 ? str(pick(TEXTS)) : [0x4b, int(3)])
        if (rand() < 0.5) {
          out.push(0x8f)
          memoize()
          out.push(0x28)
          for (let i = 0; i < n; i++) out.push(...member())
          out.push(0x90)
        } else {
          out.push(0x28)
          for (let i = 0; i < n; i++) out.push(...member())
          out.push(0x91)
          memoize()
        }
        return
      }
      case 9:
      case 10:
        // str('1.2.3.4') as fail2ban writes IPs
        global(pick(['builtins', 'builtins', '__builtin__']), pick(['str', 'str', 'unicode']))
        memoize()
        out.push(...str(pick(TEXTS)))
        out.push(0x85, 0x52)
        return memoize()
      case 11: {
        global(
          pick(['builtins', 'fail2ban.exceptions', 'exceptions', 'os']),
          pick(['KeyError', 'UnknownJailException', 'ValueError', 'system'])
        )
        const n = int(3)
        out.push(0x28)
        for (let i = 0; i < n; i++) value(depth + 1)
        out.push(0x74, 0x52)
        return memoize()
      }
      case 12: {
        const b = bytesOf(int(6))
        out.push(0x43, b.length, ...b)
        return memoize()
      }
      default:
        value(depth + 1)
        if (rand() < 0.5) out.push(0x32, 0x30) // DUP POP
        return
    }
  }
  value(0)
  out.push(0x2e)
  const proto = pick([2, 3, 4, 5])
  const head = [0x80, proto]
  if (proto >= 4 && rand() < 0.5) head.push(0x95, ...le(out.length, 8))
  const b = Buffer.from([...head, ...out])
  return rand() < 0.2 ? mutate([b]) : b
}

function grammarPickle(): Buffer {
  const out: number[] = rand() < 0.9 ? [0x80, pick([2, 3, 4, 5, 5, 6])] : []
  const state = { items: 0, marks: 0 }
  const n = 1 + int(25)
  for (let i = 0; i < n; i++) out.push(...grammarOp(state))
  // close what is open, most of the time, so that more cases get to STOP with one value
  if (rand() < 0.7) while (state.marks-- > 0) out.push(pick([0x6c, 0x74, 0x65]))
  if (rand() < 0.95) out.push(0x2e)
  return Buffer.from(out)
}

function mutate(seeds: readonly Buffer[]): Buffer {
  let b = [...pick(seeds)]
  const rounds = 1 + int(3)
  for (let r = 0; r < rounds; r++) {
    const at = int(b.length + 1)
    switch (int(7)) {
      case 0:
        if (b.length) b[Math.min(at, b.length - 1)] = int(256)
        break
      case 1:
        if (b.length) b[Math.min(at, b.length - 1)] = pick(OPCODES)
        break
      case 2:
        b.splice(at, 0, ...grammarOp({ items: 0, marks: 0 }))
        break
      case 3:
        b.splice(at, 1 + int(4))
        break
      case 4: {
        const from = int(b.length + 1)
        b.splice(at, 0, ...b.slice(from, from + 1 + int(12)))
        break
      }
      case 5:
        b = b.slice(0, at)
        break
      default: {
        const other = [...pick(seeds)]
        b = [...b.slice(0, at), ...other.slice(int(other.length + 1))]
      }
    }
  }
  return Buffer.from(b)
}

function randomPickle(): Buffer {
  return Buffer.from([0x80, int(6), ...bytesOf(int(24)), 0x2e])
}

type Ours = { ok: true; v: unknown; raw: unknown } | { ok: false; e: unknown }

function decodeOurs(b: Buffer): Ours {
  try {
    const raw = unpickle(b, BUDGET)
    return { ok: true, v: toOracleNotation(raw), raw }
  } catch (e) {
    return { ok: false, e }
  }
}

describe('the decoder against CPython (restricted the same way)', () => {
  const fixtureDir = new URL('./fixtures/pickle/', import.meta.url)
  const captures = readdirSync(fixtureDir)
    .filter((f) => f.endsWith('.pickle'))
    .map((f) => readFileSync(new URL(f, fixtureDir)))
    .filter((b) => b.length < 4096)
  const seeds = [...captures, ...pySeeds().filter((b) => b.length < 4096)]

  it(`agrees on ${CASES} pickles (seed ${SEED})`, { timeout: 120_000 }, () => {
    const cases: Buffer[] = []
    for (let i = 0; i < CASES; i++) {
      const r = rand()
      cases.push(
        r < 0.4
          ? valuePickle()
          : r < 0.65
            ? mutate(seeds)
            : r < 0.92
              ? grammarPickle()
              : randomPickle()
      )
    }
    cases.push(...seeds)
    const verdicts = pyRestrictedLoads(cases, BUDGET)
    expect(verdicts).toHaveLength(cases.length)

    const mismatches: string[] = []
    let accepted = 0
    // 75 000 refusals: their stack traces would cost more than the decoding
    const stackTraceLimit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    onTestFinished(() => {
      Error.stackTraceLimit = stackTraceLimit
    })
    for (let i = 0; i < cases.length; i++) {
      const ours = decodeOurs(cases[i]!)
      const py = verdicts[i]!
      let problem = ''
      if (!ours.ok && !(ours.e instanceof Fail2BanProtocolError)) problem = `raw error ${ours.e}`
      else if (ours.ok !== py.ok)
        problem = ours.ok
          ? `we accept, CPython refuses (${py.ok ? '' : py.e})`
          : `we refuse (${(ours.e as Error).message}), CPython accepts ${JSON.stringify(py.ok && py.v)}`
      else if (ours.ok && py.ok) {
        accepted++
        if (!isDeepStrictEqual(ours.v, py.v))
          problem = `values differ: ours ${JSON.stringify(ours.v)} CPython ${JSON.stringify(py.v)}`
        else {
          try {
            expectPlain(ours.raw)
          } catch (e) {
            problem = `not plain: ${e}`
          }
        }
      }
      if (problem && mismatches.length < 8)
        mismatches.push(`${cases[i]!.toString('hex')}: ${problem}`)
    }
    expect(mismatches).toEqual([])
    // the fuzz must exercise both outcomes, not only refusals
    expect(accepted, 'accepted cases').toBeGreaterThan(CASES / 10)
    expect(cases.length - accepted, 'refused cases').toBeGreaterThan(CASES / 10)
  })
})
