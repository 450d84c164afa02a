/**
 * The one decoder for fail2ban's replies: pickle protocols 0–5, every opcode that plain data
 * can use, decoded straight to plain, structured-clone-safe data, with CPython's `pickle.loads`
 * semantics for what it accepts (test/pickle-fuzz.test.ts checks that against CPython).
 *
 * Safety rules (all here, nowhere else):
 * - The only callable is `builtins.str` with one string argument (fail2ban pickles banned IPs
 *   as `str('1.2.3.4')`). Exception classes (builtins, Python 2's `exceptions`, `fail2ban.*`)
 *   called through REDUCE become `{className, message, args}` records. Any other global is
 *   refused, and nothing named by the data is ever called.
 * - Refused opcodes: BUILD, NEWOBJ(_EX), INST, OBJ (they instantiate or mutate objects),
 *   persistent ids and extension codes (they name objects outside the pickle), out-of-band
 *   buffers and bytearrays. Protocol-0 text opcodes for numbers, quoted strings and the text
 *   memo (INT, LONG, FLOAT, STRING, UNICODE, PUT, GET) are not supported: no fail2ban server
 *   sends them (every version dumps with HIGHEST_PROTOCOL, at least 2).
 * - Dicts take str keys only in the output: fail2ban's dicts (`banned`, `stats`) are keyed by
 *   jail names, and a plain object cannot keep `1` and `'1'` apart. A non-str key is held
 *   aside (so `{1: a, '1': b}` never collides) and the reply is refused if that dict is part of
 *   the result. Sets likewise hold only str in the output, as arrays sorted by code unit.
 * - Strings are strict UTF-8 exactly as CPython reads them ("surrogatepass": encoded lone
 *   surrogates are accepted, everything else invalid is an error, never U+FFFD).
 * - Tuples are immutable (APPEND onto a tuple is an error, as in CPython); in the output they
 *   are arrays like lists.
 * - A budget: memo indexes, and on the result: nodes counted as if every shared reference
 *   were copied, nesting depth, items per container. The result walk visits each shared
 *   object once, so a reply that repeats one list 2^60 times costs linear time to refuse.
 *
 * Every failure is a Fail2BanProtocolError; input that ends too early (the reply is still
 * arriving, or the end marker was part of the data) is a TruncatedPickleError.
 */
import { Fail2BanProtocolError } from './errors.ts'

/** The pickle ended before STOP or inside an opcode's argument: more bytes may complete it. */
export class TruncatedPickleError extends Fail2BanProtocolError {
  override readonly name: string = 'TruncatedPickleError'
}

/** A Python exception from a `(1, exception)` reply, as plain data. */
export interface PyException {
  readonly __pyException: true
  className: string
  message: string
  args: unknown[]
}

export interface DecodeBudget {
  /** Nodes of the result, counting a shared object once per reference. */
  readonly maxNodes: number
  /** Nesting depth of the result (a flat list is 1). */
  readonly maxDepth: number
  /** Highest memo index the pickle may use. */
  readonly maxMemo: number
  /** Items in any one list, tuple, dict or set of the result. */
  readonly maxItems: number
}

/**
 * 100k bans are ~100k nodes and ~100k memo entries; the largest reply fail2ban builds is a
 * ban list, so these leave room for tens of millions of bytes of bans and nothing more.
 */
export const DEFAULT_BUDGET: DecodeBudget = {
  maxNodes: 4_000_000,
  maxDepth: 64,
  maxMemo: 4_000_000,
  maxItems: 2_000_000
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

/** What the global opcodes push: `str` or an exception class. Never part of a result. */
class GlobalRef {
  readonly className: string
  readonly isStr: boolean
  constructor(className: string, isStr: boolean) {
    this.className = className
    this.isStr = isStr
  }
}

// Kinds of the objects built while decoding; plain arrays absent from the map are lists.
const TUPLE = 1
const DICT = 2
const SET = 3
const FROZENSET = 4
const RECORD = 5

const REFUSED: Record<number, string> = {
  0x62: 'BUILD',
  0x81: 'NEWOBJ',
  0x92: 'NEWOBJ_EX',
  0x69: 'INST',
  0x6f: 'OBJ',
  0x50: 'PERSID',
  0x51: 'BINPERSID',
  0x82: 'EXT1',
  0x83: 'EXT2',
  0x84: 'EXT4',
  0x96: 'BYTEARRAY8',
  0x97: 'NEXT_BUFFER',
  0x98: 'READONLY_BUFFER'
}
const UNSUPPORTED: Record<number, string> = {
  0x49: 'INT',
  0x4c: 'LONG',
  0x46: 'FLOAT',
  0x53: 'STRING',
  0x56: 'UNICODE',
  0x70: 'PUT',
  0x67: 'GET'
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const TWO_32 = 2 ** 32

const fail = (what: string): Fail2BanProtocolError =>
  new Fail2BanProtocolError(`undecodable reply: ${what}`)
const truncated = (): TruncatedPickleError =>
  new TruncatedPickleError('undecodable reply: truncated (the pickle ends early)')

/** Decodes one pickle into plain data; throws Fail2BanProtocolError (or its subclass). */
export function unpickle(bytes: Uint8Array, budget: DecodeBudget = DEFAULT_BUDGET): unknown {
  const buf = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const len = buf.length
  // ASCII strings are slices of a latin1 string made for up to 64 KiB of the buffer at a time
  // (V8 slices without copying; one string per chunk costs less than one native call per
  // string, and a chunk stays on V8's heap, unlike one external string for the whole reply).
  // Other strings are decoded as UTF-8 one by one. The ASCII check reads 4 bytes at a time.
  let chunk = ''
  let chunkStart = 0
  let chunkEnd = 0
  const words =
    (buf.byteOffset & 3) === 0 ? new Int32Array(buf.buffer, buf.byteOffset, len >> 2) : null

  let pos = 0
  const stack: unknown[] = []
  const marks: number[] = []
  let fence = 0
  // The memo. fail2ban memoizes every string but fetches few of them again; a string entry is
  // kept as the offsets of its bytes, decoded again on its first BINGET (equal strings are
  // interchangeable). That spares 100k pointer stores into a large array (V8's write barrier)
  // on a ban list. Other values are kept as they are.
  // memoKind: 0 empty, 1 string at memoStart/memoEnd, 2 value in memo.
  const memo: unknown[] = []
  let memoKind = new Uint8Array(64)
  let memoStart = new Int32Array(64)
  let memoEnd = new Int32Array(64)
  let memoLen = 0
  /** The string `text` made last, and where its bytes are. */
  let lastText: string | null = null
  let lastStart = 0
  let lastEnd = 0
  const kinds = new Map<object, number>()
  /** Str members of each set, for de-duplication. */
  const setMembers = new Map<unknown[], Set<string>>()
  /** Dicts and sets that received a non-str key or member: refused if part of the result. */
  const tainted = new Set<object>()
  const hashableTuples = new Set<unknown[]>()
  /** Lists that hold a container (the result walk skips the items of the others). */
  const deep = new Set<unknown[]>()
  const maxMemo = budget.maxMemo

  const need = (n: number): void => {
    if (n > len - pos) throw truncated()
  }
  const pop = (): unknown => {
    if (stack.length <= fence) throw fail('stack underflow')
    return stack.pop()
  }
  const popMark = (): number => {
    const m = marks.pop()
    if (m === undefined) throw fail('no MARK')
    fence = marks.length ? marks[marks.length - 1]! : 0
    return m
  }
  const memoPut = (i: number, v: unknown): void => {
    if (i >= maxMemo) throw fail(`memo index ${i} is over the limit of ${maxMemo}`)
    if (i >= memoKind.length) {
      let size = memoKind.length * 2
      while (size <= i) size *= 2
      const kind = new Uint8Array(size)
      kind.set(memoKind)
      memoKind = kind
      const start = new Int32Array(size)
      start.set(memoStart)
      memoStart = start
      const end = new Int32Array(size)
      end.set(memoEnd)
      memoEnd = end
    }
    if (memoKind[i] === 0) memoLen++
    if (typeof v === 'string' && v === lastText) {
      memoKind[i] = 1
      memoStart[i] = lastStart
      memoEnd[i] = lastEnd
    } else {
      memoKind[i] = 2
      memo[i] = v
    }
  }
  const memoGet = (i: number): unknown => {
    const kind = i < memoKind.length ? memoKind[i] : 0
    if (kind === 2) return memo[i]
    if (kind === 1) {
      // Decoded again once, then kept: each BINGET of a long string must not cost its length,
      // and it must not start a new chunk (a hostile pickle would make each one retain 64 KiB).
      const start = memoStart[i]!
      const end = memoEnd[i]!
      const v = isAsciiRange(start, end)
        ? buf.toString('latin1', start, end)
        : decodeUtf8(buf, start, end)
      memoKind[i] = 2
      memo[i] = v
      return v
    }
    throw fail(`memo ${i} not found`)
  }
  const u32 = (): number => {
    need(4)
    const n = buf.readUInt32LE(pos)
    pos += 4
    return n
  }
  /** An 8-byte size; beyond 2^53 it cannot fit the input anyway. */
  const u64 = (): number => {
    need(8)
    const n = buf.readUInt32LE(pos) + buf.readUInt32LE(pos + 4) * TWO_32
    pos += 8
    return n
  }
  const readText = (n: number): string => {
    need(n)
    const start = pos
    pos += n
    return text(start, pos)
  }
  const isAsciiRange = (start: number, end: number): boolean => {
    let high = 0
    let i = start
    if (words !== null && end - start >= 8) {
      for (; i & 3; i++) high |= buf[i]!
      const last = end >> 2
      for (let w = i >> 2; w < last; w++) high |= words[w]!
      i = last << 2
    }
    for (; i < end; i++) high |= buf[i]!
    return (high & 0x80808080) === 0
  }
  const text = (start: number, end: number): string => {
    let s: string
    if (!isAsciiRange(start, end)) s = decodeUtf8(buf, start, end)
    else {
      if (start < chunkStart || end > chunkEnd) {
        chunkStart = start
        chunkEnd = Math.min(len, start + 65536)
        if (end > chunkEnd) chunkEnd = end
        chunk = buf.toString('latin1', chunkStart, chunkEnd)
      }
      s = chunk.slice(start - chunkStart, end - chunkStart)
    }
    lastText = s
    lastStart = start
    lastEnd = end
    return s
  }
  /** Python 2's byte strings: read as ASCII like pickle.loads' default encoding. */
  const asciiText = (n: number): string => {
    need(n)
    const start = pos
    const end = (pos += n)
    for (let i = start; i < end; i++)
      if (buf[i]! >= 0x80) throw fail('a Python 2 byte string is not ASCII')
    return buf.toString('latin1', start, end)
  }
  const line = (): string => {
    const end = buf.indexOf(0x0a, pos)
    if (end === -1) throw truncated()
    if (end === pos) throw fail('empty GLOBAL name')
    let s: string
    try {
      s = utf8.decode(buf.subarray(pos, end))
    } catch {
      throw fail('GLOBAL name is not UTF-8')
    }
    pos = end + 1
    return s
  }
  const resolve = (module: unknown, name: unknown): GlobalRef => {
    if (typeof module !== 'string' || typeof name !== 'string') {
      throw fail('STACK_GLOBAL needs two strings')
    }
    const fqn = `${module}.${name}`
    if (STR_GLOBALS.has(fqn)) return new GlobalRef(fqn, true)
    if (isAllowedExceptionClass(module, name)) return new GlobalRef(fqn, false)
    throw new Fail2BanProtocolError(
      `reply refers to the Python global ${fqn}, which BanGUI refuses to resolve`
    )
  }
  const long = (n: number): number | bigint => {
    need(n)
    const start = pos
    pos += n
    if (n <= 6) {
      let x = 0
      for (let i = start + n - 1; i >= start; i--) x = x * 256 + buf[i]!
      return n > 0 && buf[start + n - 1]! & 0x80 ? x - 2 ** (8 * n) : x
    }
    const hex = Buffer.from(buf.subarray(start, pos)).reverse().toString('hex')
    let x = BigInt(`0x${hex}`)
    if (buf[pos - 1]! & 0x80) x -= 1n << BigInt(8 * n)
    return x >= -0x1fffffffffffffn && x <= 0x1fffffffffffffn ? Number(x) : x
  }
  const hashable = (v: unknown, depth: number): boolean => {
    if (typeof v !== 'object' || v === null || v instanceof Uint8Array || v instanceof GlobalRef)
      return true
    const kind = kinds.get(v)
    if (kind === RECORD || kind === FROZENSET) return true
    if (kind !== TUPLE) return false
    const t = v as unknown[]
    if (hashableTuples.has(t)) return true
    if (depth > budget.maxDepth) throw fail('nested too deeply')
    for (let i = 0; i < t.length; i++) if (!hashable(t[i], depth + 1)) return false
    hashableTuples.add(t)
    return true
  }
  const setItem = (target: unknown, key: unknown, value: unknown): void => {
    const kind = typeof target === 'object' && target !== null ? kinds.get(target) : -1
    if (kind === DICT) {
      const d = target as Record<string, unknown>
      if (typeof key === 'string') {
        // A "__proto__" key must become an own property, never the prototype.
        if (key === '__proto__')
          Object.defineProperty(d, key, {
            value,
            enumerable: true,
            writable: true,
            configurable: true
          })
        else d[key] = value
      } else {
        if (!hashable(key, 0)) throw fail('unhashable dict key')
        tainted.add(d)
      }
      return
    }
    if (kind === undefined && Array.isArray(target)) {
      // list[i] = v, as CPython's SETITEM allows on a list
      let i: number
      if (typeof key === 'boolean') i = key ? 1 : 0
      else if (typeof key === 'number' && Number.isInteger(key)) i = key
      else throw fail('list index is not an integer')
      if (i < 0) i += target.length
      if (i < 0 || i >= target.length) throw fail('list index out of range')
      if (typeof value === 'object' && value !== null) deep.add(target)
      target[i] = value
      return
    }
    throw fail('SETITEM on something that is not a dict')
  }
  const addMember = (set: unknown[], members: Set<string>, v: unknown): void => {
    if (typeof v === 'string') {
      if (!members.has(v)) {
        members.add(v)
        set.push(v)
      }
    } else {
      if (!hashable(v, 0)) throw fail('unhashable set member')
      tainted.add(set)
    }
  }
  const newSet = (kind: number, from: number): unknown[] => {
    const set: unknown[] = []
    const members = new Set<string>()
    for (let i = from; i < stack.length; i++) addMember(set, members, stack[i])
    kinds.set(set, kind)
    setMembers.set(set, members)
    return set
  }
  const newDict = (from: number): Record<string, unknown> => {
    const d: Record<string, unknown> = {}
    kinds.set(d, DICT)
    if ((stack.length - from) % 2 !== 0) throw fail('odd number of items for DICT')
    for (let i = from; i < stack.length; i += 2) setItem(d, stack[i], stack[i + 1])
    return d
  }
  const tuple = (items: unknown[]): unknown[] => {
    kinds.set(items, TUPLE)
    return items
  }
  const reduce = (callable: unknown, args: unknown): unknown => {
    if (!(callable instanceof GlobalRef)) throw fail('REDUCE on something that is not callable')
    if (!Array.isArray(args) || kinds.get(args) !== TUPLE)
      throw fail('REDUCE without an argument tuple')
    if (callable.isStr) {
      if (args.length === 0) return ''
      const a: unknown = args[0]
      if (args.length > 1 || typeof a !== 'string')
        throw fail('str() called with other than one string')
      return a
    }
    const a: unknown = args[0]
    const record: PyException = {
      __pyException: true,
      className: callable.className,
      message: typeof a === 'string' ? a : describe(a),
      args
    }
    kinds.set(record, RECORD)
    return record
  }

  while (pos < len) {
    const op = buf[pos++]!
    switch (op) {
      case 0x80: // PROTO
        need(1)
        if (buf[pos++]! > 5) throw fail('unsupported pickle protocol')
        break
      case 0x95: // FRAME: CPython checks that the frame is all there, nothing else
        need(u64())
        break
      case 0x2e: // STOP
        return finish(pop(), kinds, tainted, deep, budget)
      case 0x28: // MARK
        marks.push((fence = stack.length))
        break
      case 0x94: // MEMOIZE
        if (stack.length <= fence) throw fail('stack underflow')
        memoPut(memoLen, stack[stack.length - 1])
        break
      case 0x71: // BINPUT
        need(1)
        if (stack.length <= fence) throw fail('stack underflow')
        memoPut(buf[pos++]!, stack[stack.length - 1])
        break
      case 0x72: {
        // LONG_BINPUT
        const i = u32()
        if (stack.length <= fence) throw fail('stack underflow')
        memoPut(i, stack[stack.length - 1])
        break
      }
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        let i: number
        if (op === 0x68) {
          need(1)
          i = buf[pos++]!
        } else i = u32()
        stack.push(memoGet(i))
        break
      }
      case 0x5d: // EMPTY_LIST
        stack.push([])
        break
      case 0x29: // EMPTY_TUPLE
        stack.push(tuple([]))
        break
      case 0x7d: {
        // EMPTY_DICT
        const d = {}
        kinds.set(d, DICT)
        stack.push(d)
        break
      }
      case 0x8f: // EMPTY_SET
        stack.push(newSet(SET, stack.length))
        break
      case 0x61: {
        // APPEND
        if (stack.length - 1 <= fence) throw fail('stack underflow')
        const v = stack.pop()
        const l = stack[stack.length - 1]
        if (!Array.isArray(l) || kinds.has(l)) throw fail('APPEND to something that is not a list')
        if (typeof v === 'object' && v !== null) deep.add(l)
        l.push(v)
        break
      }
      case 0x65: {
        // APPENDS
        const m = popMark()
        if (m <= fence) throw fail('stack underflow')
        if (m === stack.length) break // nothing to append: CPython does not look at the target
        const l = stack[m - 1]
        if (!Array.isArray(l) || kinds.has(l)) throw fail('APPENDS to something that is not a list')
        const n = stack.length
        let objects = false
        for (let i = m; i < n; i++) {
          const x = stack[i]
          if (typeof x === 'object' && x !== null) objects = true
          l.push(x)
        }
        if (objects) deep.add(l)
        stack.length = m
        break
      }
      case 0x73: {
        // SETITEM
        const x = stack.length - 2
        if (x <= fence) throw fail('stack underflow')
        setItem(stack[x - 1], stack[x], stack[x + 1])
        stack.length = x
        break
      }
      case 0x75: {
        // SETITEMS
        const m = popMark()
        if (m <= fence) throw fail('stack underflow')
        if (m === stack.length) break
        if ((stack.length - m) % 2 !== 0) throw fail('odd number of items for SETITEMS')
        const target = stack[m - 1]
        for (let i = m; i < stack.length; i += 2) setItem(target, stack[i], stack[i + 1])
        stack.length = m
        break
      }
      case 0x90: {
        // ADDITEMS
        const m = popMark()
        if (m <= fence) throw fail('stack underflow')
        if (m === stack.length) break
        const set = stack[m - 1] as unknown[]
        const members = typeof set === 'object' && kinds.get(set) === SET && setMembers.get(set)
        if (!members) throw fail('ADDITEMS to something that is not a set')
        for (let i = m; i < stack.length; i++) addMember(set, members, stack[i])
        stack.length = m
        break
      }
      case 0x91: {
        // FROZENSET
        const m = popMark()
        const set = newSet(FROZENSET, m)
        stack.length = m
        stack.push(set)
        break
      }
      case 0x6c: {
        // LIST
        const m = popMark()
        const l = stack.slice(m)
        deep.add(l) // LIST is a protocol-0/1 opcode: no need to look for a flat list here
        stack.length = m
        stack.push(l)
        break
      }
      case 0x74: {
        // TUPLE
        const m = popMark()
        const t = stack.slice(m)
        stack.length = m
        stack.push(tuple(t))
        break
      }
      case 0x64: {
        // DICT
        const m = popMark()
        const d = newDict(m)
        stack.length = m
        stack.push(d)
        break
      }
      case 0x85: // TUPLE1
        stack.push(tuple([pop()]))
        break
      case 0x86: {
        // TUPLE2
        const b = pop()
        stack.push(tuple([pop(), b]))
        break
      }
      case 0x87: {
        // TUPLE3
        const c = pop()
        const b = pop()
        stack.push(tuple([pop(), b, c]))
        break
      }
      case 0x30: // POP: an empty MARK on top is popped instead, as CPython does
        if (marks.length && marks[marks.length - 1] === stack.length) popMark()
        else pop()
        break
      case 0x31: // POP_MARK
        stack.length = popMark()
        break
      case 0x32: // DUP
        if (stack.length <= fence) throw fail('stack underflow')
        stack.push(stack[stack.length - 1])
        break
      case 0x4a: // BININT
        need(4)
        stack.push(buf.readInt32LE(pos))
        pos += 4
        break
      case 0x4b: // BININT1
        need(1)
        stack.push(buf[pos++]!)
        break
      case 0x4d: // BININT2
        need(2)
        stack.push(buf.readUInt16LE(pos))
        pos += 2
        break
      case 0x8a: // LONG1
        need(1)
        stack.push(long(buf[pos++]!))
        break
      case 0x8b: {
        // LONG4
        need(4)
        const n = buf.readInt32LE(pos)
        pos += 4
        if (n < 0) throw fail('LONG4 with a negative byte count')
        stack.push(long(n))
        break
      }
      case 0x47: // BINFLOAT
        need(8)
        stack.push(buf.readDoubleBE(pos))
        pos += 8
        break
      case 0x4e: // NONE
        stack.push(null)
        break
      case 0x88: // NEWTRUE
        stack.push(true)
        break
      case 0x89: // NEWFALSE
        stack.push(false)
        break
      case 0x8c: // SHORT_BINUNICODE
        need(1)
        stack.push(readText(buf[pos++]!))
        break
      case 0x58: // BINUNICODE
        stack.push(readText(u32()))
        break
      case 0x8d: // BINUNICODE8
        stack.push(readText(u64()))
        break
      case 0x55: // SHORT_BINSTRING (Python 2 str)
        need(1)
        stack.push(asciiText(buf[pos++]!))
        break
      case 0x54: {
        // BINSTRING (Python 2 str)
        need(4)
        const n = buf.readInt32LE(pos)
        pos += 4
        if (n < 0) throw fail('BINSTRING with a negative byte count')
        stack.push(asciiText(n))
        break
      }
      case 0x43: // SHORT_BINBYTES
      case 0x42: // BINBYTES
      case 0x8e: {
        // BINBYTES8
        let n: number
        if (op === 0x43) {
          need(1)
          n = buf[pos++]!
        } else n = op === 0x42 ? u32() : u64()
        need(n)
        stack.push(new Uint8Array(buf.subarray(pos, (pos += n))))
        break
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop()
        stack.push(resolve(pop(), name))
        break
      }
      case 0x63: {
        // GLOBAL
        const module = line()
        stack.push(resolve(module, line()))
        break
      }
      case 0x52: {
        // REDUCE
        const args = pop()
        stack.push(reduce(pop(), args))
        break
      }
      default: {
        const refused = REFUSED[op]
        if (refused)
          throw new Fail2BanProtocolError(`reply uses pickle ${refused}, which BanGUI refuses`)
        const unsupported = UNSUPPORTED[op]
        throw fail(
          unsupported
            ? `protocol-0 opcode ${unsupported} is not supported`
            : `invalid pickle opcode 0x${op.toString(16).padStart(2, '0')}`
        )
      }
    }
  }
  throw truncated()
}

/** Python's str() of a non-string exception argument, roughly; only for messages. */
function describe(v: unknown): string {
  if (v === undefined) return ''
  if (v === null) return 'None'
  if (typeof v === 'object') return Array.isArray(v) ? `[${v.length} items]` : '<object>'
  return String(v)
}

/**
 * Checks the result against the budget and the output rules in one walk that visits each
 * object once (its size and height are remembered): cycles, a class left uncalled, non-str
 * dict keys or set members. Sorts sets, which are otherwise in arrival order.
 */
function finish(
  root: unknown,
  kinds: Map<object, number>,
  tainted: Set<object>,
  deep: Set<unknown[]>,
  budget: DecodeBudget
): unknown {
  const done = new Map<object, number>() // object -> its size; -1 while on the current path
  const heights = new Map<object, number>()
  const { maxNodes, maxDepth, maxItems } = budget

  const walk = (v: unknown, depth: number): number => {
    if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return 1
    if (v instanceof GlobalRef)
      throw new Fail2BanProtocolError('reply contains a Python class, which is not data')
    const known = done.get(v)
    if (known !== undefined) {
      if (known < 0) throw fail('the reply contains itself (a cycle)')
      if (depth - 1 + heights.get(v)! > maxDepth) throw fail('nested too deeply')
      return known
    }
    if (depth > maxDepth) throw fail('nested too deeply')
    if (tainted.has(v)) throw fail('a dict key or set member is not a string')
    done.set(v, -1)
    const kind = kinds.get(v)
    const items: unknown[] = Array.isArray(v)
      ? v
      : kind === RECORD
        ? (v as PyException).args
        : Object.values(v)
    if (items.length > maxItems) throw fail(`a container has over ${maxItems} items`)
    if (kind === undefined && items === v && !deep.has(items)) {
      // a list of strings and numbers only, such as a ban list
      const size = 1 + items.length
      if (size > maxNodes) throw fail(`more than ${maxNodes} values`)
      done.set(v, size)
      heights.set(v, 1)
      return size
    }
    let size = 1
    let height = 0
    for (let i = 0; i < items.length; i++) {
      const x = items[i]
      if (typeof x === 'object' && x !== null) {
        size += walk(x, depth + 1)
        const h = heights.get(x)
        if (h !== undefined && h > height) height = h
      } else size++
      if (size > maxNodes) throw fail(`more than ${maxNodes} values`)
    }
    if (kind === SET || kind === FROZENSET) (v as string[]).sort()
    done.set(v, size)
    heights.set(v, height + 1)
    return size
  }
  walk(root, 1)
  return root
}

/** Strict UTF-8 as CPython's pickle reads it: "surrogatepass", so encoded lone surrogates pass. */
function decodeUtf8(buf: Buffer, start: number, end: number): string {
  try {
    return utf8.decode(buf.subarray(start, end))
  } catch {
    // TextDecoder refuses encoded surrogates (ED A0..BF xx); CPython accepts them here.
  }
  const units: number[] = []
  let i = start
  const cont = (j: number): number => {
    if (j >= end) throw fail('invalid UTF-8 in a string')
    const b = buf[j]!
    if ((b & 0xc0) !== 0x80) throw fail('invalid UTF-8 in a string')
    return b & 0x3f
  }
  while (i < end) {
    const b0 = buf[i]!
    if (b0 < 0x80) {
      units.push(b0)
      i++
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      units.push(((b0 & 0x1f) << 6) | cont(i + 1))
      i += 2
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      const b1 = cont(i + 1)
      if (b0 === 0xe0 && b1 < 0x20) throw fail('invalid UTF-8 in a string')
      units.push(((b0 & 0x0f) << 12) | (b1 << 6) | cont(i + 2))
      i += 3
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      const b1 = cont(i + 1)
      if ((b0 === 0xf0 && b1 < 0x10) || (b0 === 0xf4 && b1 >= 0x10))
        throw fail('invalid UTF-8 in a string')
      const cp = ((b0 & 0x07) << 18) | (b1 << 12) | (cont(i + 2) << 6) | cont(i + 3)
      units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff))
      i += 4
    } else throw fail('invalid UTF-8 in a string')
  }
  let s = ''
  for (let k = 0; k < units.length; k += 8192) s += String.fromCharCode(...units.slice(k, k + 8192))
  return s
}
