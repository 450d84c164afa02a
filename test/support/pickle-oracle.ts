/**
 * CPython as the oracle for the pickle tests: test/support/py_pickle.py run by /usr/bin/python3
 * (one process per batch), and our decoded values in its JSON notation.
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { isPyException } from '../../src/main/fail2ban/pickle.ts'
import type { DecodeBudget } from '../../src/main/fail2ban/unpickle.ts'

const script = fileURLToPath(new URL('./py_pickle.py', import.meta.url))

function py(args: string[], input: string): string[] {
  return execFileSync('/usr/bin/python3', [script, ...args], {
    input,
    maxBuffer: 1024 * 1024 * 1024
  })
    .toString()
    .trim()
    .split('\n')
}

const hexLines = (pickles: readonly Uint8Array[]): string =>
  pickles.map((p) => Buffer.from(p).toString('hex')).join('\n') + '\n'

/** pickle.loads in CPython on each pickle, unrestricted. */
export function pyLoads(pickles: readonly Uint8Array[]): unknown[] {
  return py(['loads'], hexLines(pickles)).map((l) => JSON.parse(l) as unknown)
}

export type OracleVerdict = { ok: true; v: unknown } | { ok: false; e: string }

/** CPython's C unpickler, restricted the way our decoder is (see py_pickle.py). */
export function pyRestrictedLoads(
  pickles: readonly Uint8Array[],
  budget: DecodeBudget
): OracleVerdict[] {
  const args = [budget.maxNodes, budget.maxDepth, budget.maxMemo, budget.maxItems].map(String)
  return py(['fuzz', ...args], hexLines(pickles)).map((l) => JSON.parse(l) as OracleVerdict)
}

/** Sample values pickled by CPython in protocols 0-5. */
export function pySeeds(): Buffer[] {
  return py(['seeds'], '').map((h) => Buffer.from(h, 'hex'))
}

/** Our decoded value in py_pickle.py's JSON notation. */
export function toOracleNotation(v: unknown): unknown {
  if (isPyException(v)) return { __exception__: v.className, args: v.args.map(toOracleNotation) }
  if (Array.isArray(v)) return v.map(toOracleNotation)
  if (v instanceof Uint8Array) return { __bytes__: Buffer.from(v).toString('hex') }
  if (typeof v === 'bigint') return { __int__: v.toString() }
  if (typeof v === 'number' && !Number.isFinite(v))
    return { __float__: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' }
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v))
      Object.defineProperty(out, k, {
        value: toOracleNotation(x),
        enumerable: true,
        writable: true,
        configurable: true
      })
    return out
  }
  return v
}

/**
 * Throws unless `v` is made only of plain data: arrays, Object.prototype records, Uint8Array
 * and primitives. `toEqual` alone would not notice a class instance or a swapped prototype.
 */
export function expectPlain(v: unknown, path = '$'): void {
  if (typeof v === 'function' || typeof v === 'symbol' || v === undefined)
    throw new Error(`${path} is a ${typeof v}`)
  if (typeof v !== 'object' || v === null) return
  const proto: unknown = Object.getPrototypeOf(v)
  if (Array.isArray(v)) {
    if (proto !== Array.prototype) throw new Error(`${path}: array with a foreign prototype`)
    v.forEach((x: unknown, i) => expectPlain(x, `${path}[${i}]`))
  } else if (v instanceof Uint8Array) {
    if (proto !== Uint8Array.prototype) throw new Error(`${path}: foreign bytes`)
  } else {
    if (proto !== Object.prototype) throw new Error(`${path}: not a plain object`)
    if (Object.getOwnPropertySymbols(v).length) throw new Error(`${path}: symbol keys`)
    for (const [k, x] of Object.entries(v)) expectPlain(x, `${path}.${k}`)
  }
}
