/**
 * The pickle codec, with CPython as the oracle: our encoder's output read by pickle.loads, our
 * decoder's output compared with pickle.loads on the same captured bytes, and hostile pickles
 * refused without running anything. test/pickle-fuzz.test.ts fuzzes the decoder against
 * CPython; test/unpickle.test.ts covers each opcode family and the budget.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Fail2BanArgumentError, Fail2BanProtocolError } from '../src/main/fail2ban/errors.ts'
import {
  decodeReply,
  encodeCommand,
  isTruncationError,
  type CommandArg
} from '../src/main/fail2ban/pickle.ts'
import { expectPlain, pyLoads, toOracleNotation } from './support/pickle-oracle.ts'

const fixtures = new URL('./fixtures/pickle/', import.meta.url)

const fixtureNames = readdirSync(fixtures).filter(
  (f) => f.endsWith('.pickle') && !f.startsWith('err-')
)

describe('decoder vs CPython on captured fail2ban replies', () => {
  const bytes = fixtureNames.map((f) => readFileSync(new URL(f, fixtures)))
  const expected = pyLoads(bytes)

  it.each(fixtureNames.map((f, i) => [f, i] as const))('%s', (_name, i) => {
    const ours = decodeReply(bytes[i]!)
    expect(toOracleNotation(ours)).toEqual(expected[i])
    expect(structuredClone(ours)).toStrictEqual(ours)
    expectPlain(ours)
  })

  it('IPs pickled as builtins.str calls come out as plain strings (20 000)', () => {
    const reply = decodeReply(
      readFileSync(new URL('bulk-bulk-20000-get-banip.pickle', fixtures))
    ) as [number, unknown[]]
    expect(reply[1]).toHaveLength(20_000)
    expect(reply[1].every((x) => typeof x === 'string' && /^\d+\.\d+\.\d+\.\d+$/.test(x))).toBe(
      true
    )
  })

  it('exceptions become {className, message}', () => {
    const [, exc] = decodeReply(
      readFileSync(new URL('71-err-unknown-jail-get.pickle', fixtures))
    ) as [number, unknown]
    expect(exc).toEqual({
      __pyException: true,
      className: 'fail2ban.exceptions.UnknownJailException',
      message: 'nosuchjail',
      args: ['nosuchjail']
    })
  })
})

describe('encoder, read back by CPython', () => {
  const cases: CommandArg[][] = [
    ['ping'],
    ['set', 'sshd', 'banip', '192.0.2.1'],
    ['echo', '', 'ü€', '😀 non-BMP', 'a\u0000b', '<F2B', 'x'.repeat(70_000)],
    [
      'echo',
      0,
      1,
      -1,
      255,
      256,
      65535,
      65536,
      2 ** 31 - 1,
      -(2 ** 31),
      2 ** 31,
      -(2 ** 31) - 1,
      2 ** 31 + 1,
      -(2 ** 31) + 1,
      2 ** 53 - 1,
      -(2 ** 53 - 1),
      2 ** 40
    ],
    ['echo', 0.5, -0, 123.456, -1.25e-300, Number.NaN, Infinity, -Infinity],
    ['echo', true, false, null, [], [[[]]], ['a', [1, [null, true]]]],
    Array.from({ length: 60_000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`)
  ]

  it('pickle.loads returns exactly the tokens', () => {
    const decoded = pyLoads(cases.map((c) => encodeCommand(c)))
    cases.forEach((c, i) => expect(decoded[i], `case ${i}`).toEqual(toOracleNotation(c)))
  })

  it('matches the 47-byte request measured in the lab', () => {
    expect(encodeCommand(['set', 'sshd', 'banip', '192.0.2.1'])).toHaveLength(47)
    expect(Buffer.from(encodeCommand(['ping'])).toString('hex')).toBe(
      '80025d2858040000007070696e67652e'.replace('7070', '70')
    )
  })

  it('our decoder reads our encoder', () => {
    for (const c of cases) expect(decodeReply(encodeCommand(c))).toEqual(c)
  })

  it('refuses what fail2ban cannot receive', () => {
    const bad = [undefined, {}, 1n, () => 1, 2 ** 60, new Date(), '\uD800']
    for (const v of bad) {
      expect(() => encodeCommand(['echo', v as unknown as CommandArg]), String(v)).toThrow(
        Fail2BanArgumentError
      )
    }
  })
})

describe('hostile and broken replies', () => {
  const ascii = (s: string): Buffer => Buffer.from(s, 'latin1')
  /** protocol-2 GLOBAL + args tuple + REDUCE + STOP */
  const reduceGlobal = (module: string, name: string, arg: string): Buffer =>
    Buffer.concat([
      ascii(`\x80\x02c${module}\n${name}\n`),
      Buffer.from([0x58]),
      u32(arg.length),
      ascii(arg),
      ascii('\x85R.')
    ])
  /** protocol-4 STACK_GLOBAL form */
  const stackGlobal = (module: string, name: string, tail: string): Buffer =>
    Buffer.concat([ascii('\x80\x04'), short(module), short(name), ascii('\x93'), ascii(tail)])

  const evil: [string, Buffer][] = [
    ['os.system via GLOBAL + REDUCE', reduceGlobal('os', 'system', 'touch /tmp/pwned')],
    ['posix.system', reduceGlobal('posix', 'system', 'id')],
    ['builtins.eval', reduceGlobal('builtins', 'eval', '1+1')],
    ['builtins.getattr', reduceGlobal('builtins', 'getattr', 'x')],
    ['subprocess.Popen via STACK_GLOBAL', stackGlobal('subprocess', 'Popen', '\x8c\x02id\x85R.')],
    [
      'builtins.__import__ via STACK_GLOBAL',
      stackGlobal('builtins', '__import__', '\x8c\x02os\x85R.')
    ],
    ['nt.system via NEWOBJ', stackGlobal('nt', 'system', ')\x81.')],
    ['_codecs.encode', reduceGlobal('_codecs', 'encode', 'x')],
    ['posix.getpid via STACK_GLOBAL', stackGlobal('posix', 'getpid', ')R.')],
    ['os.system via protocol-0 GLOBAL', ascii("cos\nsystem\n(S'id'\ntR.")],
    ['os.system via INST', ascii("(S'id'\nios\nsystem\n.")],
    ['posix.system via OBJ', ascii("(cposix\nsystem\nS'id'\no.")],
    ['subprocess.Popen via NEWOBJ_EX', stackGlobal('subprocess', 'Popen', '\x8c\x02id\x85}\x92.')],
    ['builtins.eval via BUILD state', stackGlobal('builtins', 'eval', '}b.')],
    ['exception-looking name in another module', reduceGlobal('os', 'SystemError', 'x')]
  ]

  it.each(evil)('%s is refused', (_name, bytes) => {
    expect(() => decodeReply(bytes)).toThrow(Fail2BanProtocolError)
    expect(() => decodeReply(bytes)).toThrow(/refuse|not supported/)
  })

  it('a hostile BUILD or SETITEM cannot touch the global String', () => {
    // builtins.str, then BUILD with {"fromCharCode": "x"} (state): a decoder that ran BUILD
    // with Object.assign would write onto the shared String
    const build = Buffer.concat([
      stackGlobal('builtins', 'str', ''),
      ascii('}'),
      short('fromCharCode'),
      short('x'),
      ascii('sb.')
    ])
    const before = String.fromCharCode
    expect(() => decodeReply(build)).toThrow(Fail2BanProtocolError)
    expect(String.fromCharCode).toBe(before)
  })

  it('a hostile BUILD with a __proto__ key cannot smuggle non-plain data out', () => {
    const keyError = stackGlobal('builtins', 'KeyError', '\x8c\x01x\x85R')
    const buildProto = (target: Buffer, value: string): Buffer =>
      Buffer.concat([target, ascii('}'), short('__proto__'), ascii(value), ascii('sb.')])
    const cases: [string, Buffer][] = [
      // exception record whose prototype would become a dict
      ['record -> dict', buildProto(keyError, '}')],
      ['record -> list', buildProto(keyError, ']')],
      ['bytes -> record', buildProto(ascii('\x80\x04C\x01z'), '\x8c\x01a\x8c\x01b\x93)R')],
      [
        'className overwritten',
        Buffer.concat([keyError, ascii('}'), short('className'), ascii(']sb.')])
      ]
    ]
    for (const [name, bytes] of cases) {
      expect(() => decodeReply(bytes), name).toThrow(Fail2BanProtocolError)
    }
    expect(() => decodeReply(buildProto(ascii('\x80\x04]'), '}'))).toThrow(/BUILD/)
    // a "__proto__" dict key is an own property, never the prototype
    const d = decodeReply(Buffer.concat([ascii('\x80\x04}'), short('__proto__'), ascii(']s.')]))
    expect(Object.getPrototypeOf(d)).toBe(Object.prototype)
    expect(Object.keys(d as object)).toEqual(['__proto__'])
    expectPlain(d)
    expect(Object.getPrototypeOf({})).toBe(Object.prototype)
  })

  it('builtins.str and exceptions instantiated through NEWOBJ or INST are refused', () => {
    const newobjStr = stackGlobal('builtins', 'str', '\x8c\x071.2.3.4\x85\x81.')
    const newobjExc = stackGlobal('builtins', 'ValueError', '\x8c\x03bad\x85\x81.')
    const instStr = ascii('(\x8c\x071.2.3.4ibuiltins\nstr\n.')
    for (const b of [newobjStr, newobjExc]) expect(() => decodeReply(b)).toThrow(/NEWOBJ/)
    expect(() => decodeReply(instStr)).toThrow(/INST/)
    // Python 2 servers name the module "exceptions"
    expect(decodeReply(reduceGlobal('exceptions', 'KeyError', 'sshd'))).toMatchObject({
      className: 'exceptions.KeyError',
      message: 'sshd'
    })
  })

  it('str() only takes one string', () => {
    const strOfInt = Buffer.concat([stackGlobal('builtins', 'str', 'K\x05\x85R.')])
    expect(() => decodeReply(strOfInt)).toThrow(/one string/)
  })

  it('a class that is pushed but never called is not data', () => {
    expect(() => decodeReply(stackGlobal('builtins', 'str', '.'))).toThrow(/not data/)
  })

  it('a self-referencing list is refused', () => {
    // EMPTY_LIST MEMOIZE BINGET 0 APPEND STOP
    expect(() => decodeReply(ascii('\x80\x04]\x94h\x00a.'))).toThrow(/cycle/)
  })

  it('garbage, empty and truncated input', () => {
    expect(() => decodeReply(ascii('this is not a pickle'))).toThrow(Fail2BanProtocolError)
    expect(() => decodeReply(ascii('\x80\x05\xff.'))).toThrow(Fail2BanProtocolError)
    // what the server answers to garbage is itself a valid pickle: a bare 'ERROR: …' string
    expect(decodeReply(readFileSync(new URL('err-garbage-bytes.pickle', fixtures)))).toMatch(
      /^ERROR: /
    )
    const valid = readFileSync(new URL('12-status-sshd.pickle', fixtures))
    for (const cut of [0, 1, 5, valid.length - 1]) {
      let err: unknown
      try {
        decodeReply(valid.subarray(0, cut))
      } catch (e) {
        err = e
      }
      expect(isTruncationError(err), `cut at ${cut}`).toBe(true)
    }
    expect(isTruncationError(new Fail2BanProtocolError('x'))).toBe(false)
    // broken but complete data must not look truncated (the client would wait for more)
    for (const junk of ['this is not a pickle', '\x80\x05\xff.', '\x80\x02K\x01)R.']) {
      let err: unknown
      try {
        decodeReply(ascii(junk))
      } catch (e) {
        err = e
      }
      expect(err, junk).toBeInstanceOf(Fail2BanProtocolError)
      expect(isTruncationError(err), junk).toBe(false)
    }
  })

  it('the end marker inside a server reply: the part before it reads as truncated', () => {
    // pickle.dumps((0, ['<F2B_END_COMMAND>', 'x']), 5), as the server answers `echo`
    const reply = Buffer.from(
      '80059521000000000000004b005d94288c113c4632425f454e445f434f4d4d414e443e948c0178946586942e',
      'hex'
    )
    expect(decodeReply(reply)).toEqual([0, ['<F2B_END_COMMAND>', 'x']])
    const cut = reply.indexOf('<F2B_END_COMMAND>')
    expect(cut).toBeGreaterThan(0)
    expect(() => decodeReply(reply.subarray(0, cut))).toThrow(Fail2BanProtocolError)
    let err: unknown
    try {
      decodeReply(reply.subarray(0, cut))
    } catch (e) {
      err = e
    }
    expect(isTruncationError(err)).toBe(true)
  })

  it('a string containing the end marker decodes fine', () => {
    const s = 'a<F2B_END_COMMAND>b'
    expect(decodeReply(encodeCommand([s]))).toEqual([s])
  })

  it('negative big integers decode with their sign (LONG1)', () => {
    // (0, -2**31 - 1) as CPython protocol 5 writes it
    const bytes = Buffer.from('8005950c000000000000004b008a05ffffff7fff86942e', 'hex') // pickle.dumps(…, 5)
    expect(pyLoads([bytes])).toEqual([[0, -(2 ** 31) - 1]])
    expect(decodeReply(bytes)).toEqual([0, -(2 ** 31) - 1])
  })
})

function u32(n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(n)
  return b
}

function short(s: string): Buffer {
  const utf8 = Buffer.from(s, 'utf8')
  return Buffer.concat([Buffer.from([0x8c, utf8.length]), utf8, Buffer.from([0x94])])
}
