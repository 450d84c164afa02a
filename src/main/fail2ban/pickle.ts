/**
 * Pickle for fail2ban's socket: a small protocol-2 encoder for command lists (no maintained npm
 * serialiser exists), and a decoder on pickleparser that never runs code named by the data.
 *
 * The decoder's name resolver allows exactly one callable, `builtins.str` (fail2ban pickles
 * banned IPs as `str('1.2.3.4')` calls), and turns exception classes into plain records; every
 * other global (`os.system`, `builtins.eval`, …) stops decoding with a protocol error. The
 * resolver hands out fresh functions per resolution, so a hostile BUILD or SETITEM can only
 * mutate a throwaway object, never a shared global like `String`. Dicts are read as Maps (so
 * SETITEM cannot write onto non-dicts) and converted to plain objects afterwards; the result
 * is plain, structured-clone-safe data.
 */
import { Parser } from 'pickleparser'
import { Fail2BanArgumentError, Fail2BanProtocolError } from './errors.ts'
import { fastUnpickle, NOT_HANDLED, TruncatedPickleError } from './unpickle-fast.ts'

export { TruncatedPickleError }

export type CommandArg = string | number | boolean | null | readonly CommandArg[]

// ---------------------------------------------------------------- encoder (protocol 2)

const OP = {
  PROTO: 0x80,
  STOP: 0x2e,
  NONE: 0x4e,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  BININT: 0x4a,
  LONG1: 0x8a,
  BINFLOAT: 0x47,
  BINUNICODE: 0x58,
  EMPTY_LIST: 0x5d,
  MARK: 0x28,
  APPENDS: 0x65
} as const

/** Grows by doubling; one copy at the end. */
class Writer {
  buf: Buffer
  pos = 0

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(capacity)
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.pos + n) size *= 2
    const next = Buffer.allocUnsafe(size)
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
  }

  byte(b: number): void {
    this.ensure(1)
    this.buf[this.pos++] = b
  }
}

/** Encodes a command list as a protocol-2 pickle. Throws Fail2BanArgumentError for other types. */
export function encodeCommand(tokens: readonly CommandArg[]): Uint8Array {
  if (!Array.isArray(tokens)) throw new Fail2BanArgumentError('a command must be a list')
  // A guess that fits a list of IPs without regrowing; other commands are tiny.
  const w = new Writer(64 + tokens.length * 20)
  w.byte(OP.PROTO)
  w.byte(2)
  writeValue(w, tokens, 0)
  w.byte(OP.STOP)
  return w.buf.subarray(0, w.pos)
}

function writeValue(w: Writer, v: unknown, depth: number): void {
  if (depth > 32) throw new Fail2BanArgumentError('command nested too deeply')
  if (typeof v === 'string') return writeString(w, v)
  if (typeof v === 'number') return writeNumber(w, v)
  if (v === null) return w.byte(OP.NONE)
  if (v === true) return w.byte(OP.NEWTRUE)
  if (v === false) return w.byte(OP.NEWFALSE)
  if (Array.isArray(v)) {
    w.byte(OP.EMPTY_LIST)
    // MARK … APPENDS in batches of 1000, as CPython writes lists.
    for (let i = 0; i < v.length; i += 1000) {
      w.byte(OP.MARK)
      const end = Math.min(v.length, i + 1000)
      for (let j = i; j < end; j++) writeValue(w, v[j], depth + 1)
      w.byte(OP.APPENDS)
    }
    return
  }
  throw new Fail2BanArgumentError(
    `cannot send a value of type ${v === undefined ? 'undefined' : typeof v} to fail2ban`
  )
}

function writeString(w: Writer, s: string): void {
  const n = s.length
  // Short ASCII strings (IPs, jail names): copy the char codes; a native Buffer.write per
  // string costs more than the copy itself. 60 000 IPs: ~15 ms -> ~3 ms.
  if (n <= 64) {
    w.ensure(5 + n)
    const buf = w.buf
    const start = w.pos + 5
    let i = 0
    for (; i < n; i++) {
      const c = s.charCodeAt(i)
      if (c >= 0x80) break
      buf[start + i] = c
    }
    if (i === n) {
      buf[w.pos] = OP.BINUNICODE
      buf[w.pos + 1] = n
      buf[w.pos + 2] = 0
      buf[w.pos + 3] = 0
      buf[w.pos + 4] = 0
      w.pos = start + n
      return
    }
  }
  if (!s.isWellFormed())
    throw new Fail2BanArgumentError('text contains an unpaired surrogate and cannot be sent')
  const max = n * 3
  w.ensure(5 + max)
  w.buf[w.pos] = OP.BINUNICODE
  const len = w.buf.write(s, w.pos + 5, max, 'utf8')
  w.buf.writeUInt32LE(len, w.pos + 1)
  w.pos += 5 + len
}

function writeNumber(w: Writer, n: number): void {
  if (Number.isInteger(n) && n >= -0x80000000 && n <= 0x7fffffff && !Object.is(n, -0)) {
    w.ensure(5)
    w.buf[w.pos] = OP.BININT
    w.buf.writeInt32LE(n, w.pos + 1)
    w.pos += 5
  } else if (Number.isInteger(n) && !Object.is(n, -0)) {
    if (!Number.isSafeInteger(n))
      throw new Fail2BanArgumentError(`integer ${n} is too large to send exactly`)
    writeLong1(w, BigInt(n))
  } else {
    // non-integers, NaN and ±Infinity: an 8-byte big-endian double
    w.ensure(9)
    w.buf[w.pos] = OP.BINFLOAT
    w.buf.writeDoubleBE(n, w.pos + 1)
    w.pos += 9
  }
}

/** LONG1: little-endian two's complement, as few bytes as keep the sign. */
function writeLong1(w: Writer, n: bigint): void {
  const bytes: number[] = []
  let x = n
  for (;;) {
    const b = Number(x & 0xffn)
    bytes.push(b)
    x >>= 8n
    if ((x === 0n && (b & 0x80) === 0) || (x === -1n && (b & 0x80) !== 0)) break
  }
  w.ensure(2 + bytes.length)
  w.buf[w.pos++] = OP.LONG1
  w.buf[w.pos++] = bytes.length
  for (const b of bytes) w.buf[w.pos++] = b
}

// ---------------------------------------------------------------- decoder

/** A Python exception from a `(1, exception)` reply, as plain data. */
export interface PyException {
  readonly __pyException: true
  className: string
  message: string
  args: unknown[]
}

export function isPyException(v: unknown): v is PyException {
  return (
    typeof v === 'object' && v !== null && (v as { __pyException?: unknown }).__pyException === true
  )
}

const STR_GLOBALS = new Set(['builtins.str', '__builtin__.str', '__builtin__.unicode'])
const BUILTIN_MODULES = new Set(['builtins', 'exceptions', '__builtin__'])
const EXCEPTION_NAME = /^([A-Z][A-Za-z0-9_]*)?(Error|Exception|Warning)$/
const FAIL2BAN_MODULE = /^fail2ban(\.[a-z_][a-z0-9_]*)*$/

/** True for the exception classes a fail2ban server may send. */
export function isAllowedExceptionClass(module: string, name: string): boolean {
  if (!EXCEPTION_NAME.test(name)) return false
  return BUILTIN_MODULES.has(module) || FAIL2BAN_MODULE.test(module)
}

/** Marks the wrapper objects `str` produces under NEWOBJ so the conversion unwraps them. */
const STR_BOX = Symbol('str')

const resolver = {
  resolve(module: string, name: string) {
    const fqn = `${module}.${name}`
    if (STR_GLOBALS.has(fqn)) {
      // Fresh per resolution: a hostile BUILD/SETITEM can only touch this throwaway function.
      return function str(this: unknown, ...args: unknown[]) {
        const a: unknown = args[0]
        if (args.length > 1 || (args.length === 1 && typeof a !== 'string')) {
          throw new Fail2BanProtocolError(
            'undecodable reply: str() called with other than one string'
          )
        }
        const value = args.length === 0 ? '' : a
        // Called with `new` (NEWOBJ): a constructor cannot return a primitive, so box it.
        return new.target ? { [STR_BOX]: value } : value
      }
    }
    if (isAllowedExceptionClass(module, name)) {
      return function exception(...args: unknown[]): PyException {
        return {
          __pyException: true,
          className: fqn,
          message: args.length ? String(args[0]) : '',
          args
        }
      }
    }
    throw new Fail2BanProtocolError(
      `reply refers to the Python global ${fqn}, which BanGUI refuses to resolve`
    )
  }
}

const refuse = (what: string) => ({
  resolve(): never {
    throw new Fail2BanProtocolError(`reply uses pickle ${what}, which BanGUI refuses`)
  }
})

const parser = new Parser({
  nameResolver: resolver,
  persistentResolver: refuse('persistent ids'),
  extensionResolver: refuse('extension codes'),
  unpicklingTypeOfDictionary: 'Map',
  unpicklingTypeOfSet: 'array'
})

const TRUNCATED = /Unexpected end of file|Could not find end of line|more bytes/

export function isTruncationError(e: unknown): boolean {
  return e instanceof TruncatedPickleError
}

/** Decodes one reply into plain, structured-clone-safe data; throws Fail2BanProtocolError. */
export function decodeReply(bytes: Uint8Array): unknown {
  if (bytes.length === 0) throw new TruncatedPickleError('undecodable reply: empty')
  const buf = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  const fast = fastUnpickle(buf, fastResolver)
  if (fast !== NOT_HANDLED) return fast
  return decodeWithPickleparser(bytes)
}

const fastResolver = {
  isStr: (fqn: string) => STR_GLOBALS.has(fqn),
  isException: isAllowedExceptionClass
}

/** The general path: every pickle opcode, through pickleparser and the guarded resolver. */
export function decodeWithPickleparser(bytes: Uint8Array): unknown {
  let raw: unknown
  try {
    raw = parser.parse(bytes)
  } catch (err) {
    if (err instanceof Fail2BanProtocolError) throw err
    const message = err instanceof Error ? err.message : String(err)
    if (TRUNCATED.test(message))
      throw new TruncatedPickleError(`undecodable reply: truncated (${message})`)
    throw new Fail2BanProtocolError(`undecodable reply: ${message}`)
  }
  try {
    return toPlain(raw, 0)
  } catch (err) {
    // A hostile BUILD can give an object a foreign prototype (`__proto__` key), which makes
    // Map/TypedArray methods throw TypeErrors: still just an undecodable reply.
    if (err instanceof Fail2BanProtocolError) throw err
    throw new Fail2BanProtocolError(
      `undecodable reply: ${err instanceof Error ? err.message : String(err)}`
    )
  }
}

const MAX_DEPTH = 64

/** Converts the parser's output to plain data; refuses anything that is not data. */
function toPlain(v: unknown, depth: number): unknown {
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return v
    case 'object':
      break
    default:
      throw new Fail2BanProtocolError(`reply contains a ${typeof v}, which is not data`)
  }
  if (v === null) return null
  if (depth > MAX_DEPTH) throw new Fail2BanProtocolError('reply is nested too deeply (or cyclic)')
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length)
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i]
      out[i] = typeof x === 'string' ? x : toPlain(x, depth + 1)
    }
    return out
  }
  if (v instanceof Map) {
    const entries: [string, unknown][] = []
    for (const [k, x] of v) entries.push([String(k), toPlain(x, depth + 1)])
    return Object.fromEntries(entries)
  }
  if (v instanceof Uint8Array && ArrayBuffer.isView(v)) return new Uint8Array(v)
  // What is left must be one of our own records, untouched by BUILD's prototype tricks.
  if (Object.getPrototypeOf(v) !== Object.prototype) {
    throw new Fail2BanProtocolError('reply contains an object that is not plain data')
  }
  if (Object.hasOwn(v, STR_BOX)) return (v as { [STR_BOX]: string })[STR_BOX]
  if (isPyException(v)) {
    const { className, message, args } = v as {
      className: unknown
      message: unknown
      args: unknown
    }
    if (typeof className !== 'string' || typeof message !== 'string' || !Array.isArray(args)) {
      throw new Fail2BanProtocolError('reply contains a malformed exception')
    }
    return { __pyException: true, className, message, args: toPlain(args, depth + 1) }
  }
  throw new Fail2BanProtocolError('reply contains an object that is not plain data')
}
