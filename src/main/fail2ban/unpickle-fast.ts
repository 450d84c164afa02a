/**
 * A fast path for the pickles fail2ban sends: exactly the opcodes seen in its replies (and the
 * few siblings NOTES.md lists), decoded straight to plain data. Anything else returns
 * NOT_HANDLED and pickle.ts falls back to pickleparser. The safety rules are the same as
 * there: `builtins.str` is the only callable, exception classes become plain records, any other
 * global is refused, and nothing named by the data is ever called.
 *
 * Why: pickleparser decodes a 100k-ban reply in ~80 ms against CPython's ~20 ms; this path
 * avoids its per-opcode dispatch overhead, PObject machinery and a second conversion walk.
 */
import { Fail2BanProtocolError } from './errors.ts'

export const NOT_HANDLED = Symbol('not handled')

/** What the global opcodes push: the one callable, or an exception class. Never output. */
class GlobalRef {
  readonly className: string
  readonly isStr: boolean
  constructor(className: string, isStr: boolean) {
    this.className = className
    this.isStr = isStr
  }
}

export class TruncatedPickleError extends Fail2BanProtocolError {
  override readonly name: string = 'TruncatedPickleError'
}

export interface FastResolver {
  isStr(fqn: string): boolean
  isException(module: string, name: string): boolean
}

/** Decodes `buf`, or returns NOT_HANDLED when it uses an opcode outside the fast path. */
export function fastUnpickle(buf: Buffer, resolver: FastResolver): unknown {
  const len = buf.length
  let pos = 0
  let stack: unknown[] = []
  const marks: unknown[][] = []
  const memo: unknown[] = []
  const dicts = new WeakSet<object>()

  const need = (n: number): void => {
    if (pos + n > len)
      throw new TruncatedPickleError('undecodable reply: truncated (pickle ends early)')
  }
  const pop = (): unknown => {
    if (stack.length === 0) throw new Fail2BanProtocolError('undecodable reply: stack underflow')
    return stack.pop()
  }
  const top = (): unknown => {
    if (stack.length === 0) throw new Fail2BanProtocolError('undecodable reply: stack underflow')
    return stack[stack.length - 1]
  }
  const popMark = (): unknown[] => {
    const items = stack
    const prev = marks.pop()
    if (!prev) throw new Fail2BanProtocolError('undecodable reply: no MARK')
    stack = prev
    return items
  }
  const list = (): unknown[] => {
    const t = top()
    if (!Array.isArray(t))
      throw new Fail2BanProtocolError('undecodable reply: APPEND to a non-list')
    return t
  }
  const dict = (): Record<string, unknown> => {
    const t = top()
    if (typeof t !== 'object' || t === null || !dicts.has(t)) {
      throw new Fail2BanProtocolError('undecodable reply: SETITEM on a non-dict')
    }
    return t as Record<string, unknown>
  }
  const setItem = (d: Record<string, unknown>, key: unknown, value: unknown): void => {
    if (typeof key !== 'string' && typeof key !== 'number') {
      throw new Fail2BanProtocolError('undecodable reply: dict key is not a string')
    }
    // defineProperty: a "__proto__" key becomes a plain own property, never a prototype.
    Object.defineProperty(d, String(key), {
      value,
      enumerable: true,
      writable: true,
      configurable: true
    })
  }
  // Large replies: one latin1 view of the whole buffer, and ASCII strings taken as slices of
  // it (V8 makes cheap sliced strings); a string with any byte >= 0x80 is decoded as UTF-8.
  const whole = len > 65536 ? buf.toString('latin1') : null
  const str = (n: number): string => {
    need(n)
    const start = pos
    pos += n
    if (whole !== null && n >= 13) {
      let high = 0
      for (let i = start; i < pos; i++) high |= buf[i]!
      if (high < 0x80) return whole.slice(start, pos)
    }
    return buf.toString('utf8', start, pos)
  }
  const global = (module: unknown, name: unknown): unknown => {
    if (typeof module !== 'string' || typeof name !== 'string') {
      throw new Fail2BanProtocolError('undecodable reply: malformed global')
    }
    const fqn = `${module}.${name}`
    if (resolver.isStr(fqn)) return new GlobalRef(fqn, true)
    if (resolver.isException(module, name)) return new GlobalRef(fqn, false)
    throw new Fail2BanProtocolError(
      `reply refers to the Python global ${fqn}, which BanGUI refuses to resolve`
    )
  }
  const line = (): string => {
    const end = buf.indexOf(0x0a, pos)
    if (end === -1) throw new TruncatedPickleError('undecodable reply: truncated (no end of line)')
    const s = buf.toString('latin1', pos, end)
    pos = end + 1
    return s
  }

  while (pos < len) {
    const op = buf[pos++]!
    switch (op) {
      case 0x80: // PROTO
        need(1)
        if (buf[pos++]! > 5)
          throw new Fail2BanProtocolError('undecodable reply: unsupported pickle protocol')
        break
      case 0x95: // FRAME
        need(8)
        pos += 8
        break
      case 0x2e: {
        // STOP
        if (stack.length !== 1 || marks.length !== 0)
          throw new Fail2BanProtocolError('undecodable reply: unbalanced pickle')
        const result = stack[0]
        checkPlain(result, 0)
        return result
      }
      case 0x94: // MEMOIZE
        memo.push(stack.length ? stack[stack.length - 1] : top())
        break
      case 0x71: // BINPUT
        need(1)
        memo[buf[pos++]!] = top()
        break
      case 0x72: // LONG_BINPUT
        need(4)
        memo[buf.readUInt32LE(pos)] = top()
        pos += 4
        break
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const n = op === 0x68 ? 1 : 4
        need(n)
        const i = n === 1 ? buf[pos]! : buf.readUInt32LE(pos)
        pos += n
        if (!(i in memo)) throw new Fail2BanProtocolError(`undecodable reply: memo ${i} not found`)
        stack.push(memo[i])
        break
      }
      case 0x28: // MARK
        marks.push(stack)
        stack = []
        break
      case 0x5d: // EMPTY_LIST
      case 0x29: // EMPTY_TUPLE
        stack.push([])
        break
      case 0x61: {
        // APPEND
        const v = pop()
        list().push(v)
        break
      }
      case 0x65: {
        // APPENDS
        const items = popMark()
        const l = list()
        if (l.length === 0) l.push(...items)
        else for (let i = 0; i < items.length; i++) l.push(items[i])
        break
      }
      case 0x74: // TUPLE
        stack.push(popMark())
        break
      case 0x85: // TUPLE1
        stack.push([pop()])
        break
      case 0x86: {
        // TUPLE2
        const b = pop()
        stack.push([pop(), b])
        break
      }
      case 0x87: {
        // TUPLE3
        const c = pop()
        const b = pop()
        stack.push([pop(), b, c])
        break
      }
      case 0x7d: {
        // EMPTY_DICT
        const d = {}
        dicts.add(d)
        stack.push(d)
        break
      }
      case 0x73: {
        // SETITEM
        const v = pop()
        const k = pop()
        setItem(dict(), k, v)
        break
      }
      case 0x75: {
        // SETITEMS
        const items = popMark()
        if (items.length % 2 !== 0)
          throw new Fail2BanProtocolError('undecodable reply: odd SETITEMS')
        const d = dict()
        for (let i = 0; i < items.length; i += 2) setItem(d, items[i], items[i + 1])
        break
      }
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
      case 0x8a: {
        // LONG1: little-endian two's complement
        need(1)
        const n = buf[pos++]!
        need(n)
        let x = 0n
        for (let i = n - 1; i >= 0; i--) x = (x << 8n) | BigInt(buf[pos + i]!)
        if (n > 0 && buf[pos + n - 1]! & 0x80) x -= 1n << BigInt(8 * n)
        pos += n
        stack.push(
          x >= BigInt(Number.MIN_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER)
            ? Number(x)
            : x
        )
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
        stack.push(str(buf[pos++]!))
        break
      case 0x58: {
        // BINUNICODE
        need(4)
        const n = buf.readUInt32LE(pos)
        pos += 4
        stack.push(str(n))
        break
      }
      case 0x43: // SHORT_BINBYTES
      case 0x42: {
        // BINBYTES
        const w = op === 0x43 ? 1 : 4
        need(w)
        const n = w === 1 ? buf[pos]! : buf.readUInt32LE(pos)
        pos += w
        need(n)
        stack.push(new Uint8Array(buf.subarray(pos, pos + n)))
        pos += n
        break
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop()
        stack.push(global(pop(), name))
        break
      }
      case 0x63: {
        // GLOBAL
        const module = line()
        stack.push(global(module, line()))
        break
      }
      case 0x52: {
        // REDUCE
        const args = pop()
        const callable = pop()
        if (!Array.isArray(args))
          throw new Fail2BanProtocolError('undecodable reply: REDUCE without an argument tuple')
        if (!(callable instanceof GlobalRef)) {
          throw new Fail2BanProtocolError(
            'undecodable reply: REDUCE on something that is not callable'
          )
        }
        if (callable.isStr) {
          const a: unknown = args[0]
          if (args.length > 1 || (args.length === 1 && typeof a !== 'string')) {
            throw new Fail2BanProtocolError(
              'undecodable reply: str() called with other than one string'
            )
          }
          stack.push(args.length === 0 ? '' : a)
        } else {
          stack.push({
            __pyException: true,
            className: callable.className,
            message: args.length ? String(args[0]) : '',
            args
          })
        }
        break
      }
      default:
        return NOT_HANDLED
    }
  }
  throw new TruncatedPickleError('undecodable reply: truncated (no STOP)')
}

/**
 * Refuses what is not plain data: leftover global markers (a class pushed but never called),
 * and nesting deeper than fail2ban ever sends (which also catches self-referencing lists).
 */
function checkPlain(v: unknown, depth: number): void {
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return
  if (depth > 64) throw new Fail2BanProtocolError('reply is nested too deeply (or cyclic)')
  if (v instanceof GlobalRef) {
    throw new Fail2BanProtocolError('reply contains a Python class, which is not data')
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i]
      if (typeof x === 'object' && x !== null) checkPlain(x, depth + 1)
    }
  } else {
    for (const x of Object.values(v)) checkPlain(x, depth + 1)
  }
}
