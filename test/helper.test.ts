/**
 * The privileged helper (src/helper/bangui-helper.py) as a subprocess, started by the app's
 * launcher (via 'direct'), against a private real fail2ban-server: every allowed command shape
 * works, every refused shape of fail2ban's protocol is refused with the server's state read back
 * directly (not through the helper) and proven unchanged, hostile frames do nothing.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchHelper, type HelperSession } from '../src/main/helper/launcher.ts'
import { encodeCommand } from '../src/main/fail2ban/pickle.ts'
import { frameRequest } from '../src/main/fail2ban/framing.ts'
import { startTestServer, type TestServer } from './support/f2b-server.ts'
import { directCommand, HelperWire, refusalMessage } from './support/helper-wire.ts'

const HELPER = resolve('src/helper/bangui-helper.py')
const END = Buffer.from('<F2B_END_COMMAND>', 'latin1')
const py = (code: string): Buffer =>
  execFileSync('/usr/bin/python3', ['-c', code], { env: { PATH: '/usr/bin:/bin' } })

let server: TestServer
let session: HelperSession
let wire: HelperWire
let scratch: string

beforeAll(async () => {
  // a jail named like a global setting: the server lists it, the helper must still refuse it
  server = await startTestServer({ extraJails: '[logtarget]\naction =\n' })
  scratch = mkdtempSync(join(tmpdir(), 'bangui-helper-test-'))
  session = await launchHelper({
    via: 'direct',
    helperPath: HELPER,
    extraArgs: ['--conf', join(server.dir, 'conf')]
  })
  wire = new HelperWire(session.stream)
}, 60_000)

afterAll(async () => {
  session?.kill()
  await server?.stop()
  if (scratch) rmSync(scratch, { recursive: true, force: true })
})

/** The server's state, read over a fresh direct socket connection (never through the helper). */
async function snapshot(): Promise<string> {
  const get = async (...args: string[]): Promise<unknown> => directCommand(server.socketPath, args)
  const state: Record<string, unknown> = {}
  for (const g of ['loglevel', 'logtarget', 'syslogsocket', 'dbfile', 'dbpurgeage', 'dbmaxmatches'])
    state[g] = await get('get', g)
  state.status = await get('status')
  for (const j of server.jails) {
    for (const k of [
      'actions',
      'ignoreip',
      'logpath',
      'failregex',
      'ignoreregex',
      'bantime',
      'findtime',
      'maxretry',
      'usedns',
      'maxlines',
      'maxmatches',
      'datepattern',
      'ignorecommand',
      'ignoreself',
      'banned'
    ])
      state[`${j}.${k}`] = await get('get', j, k)
  }
  state['sshd.actionban'] = await get('get', 'sshd', 'action', 'dummy', 'actionban')
  return JSON.stringify(state)
}

describe('hello and lifecycle', () => {
  it('greets with its name and version', () => {
    expect(session.version).toMatch(/^\d+\.\d+\.\d+$/)
  })

  it('exits 0 on EOF, also in the middle of a frame', async () => {
    const s = await launchHelper({
      via: 'direct',
      helperPath: HELPER,
      extraArgs: ['--conf', join(server.dir, 'conf')]
    })
    s.stream.write(Buffer.from([0x80, 0x02, 0x5d, 0x58, 0x04, 0, 0, 0, 0x70]))
    s.stream.end()
    s.stream.resume()
    const e = await s.exited
    expect(e.code).toBe(0)
  })

  it('refuses to start on a socket in a directory others may write', async () => {
    const open = mkdtempSync(join(tmpdir(), 'bangui-open-'))
    try {
      execFileSync('/bin/chmod', ['0777', open])
      const err = await launchHelper({
        via: 'direct',
        helperPath: HELPER,
        extraArgs: ['--socket', server.socketPath.replace(server.dir, open)]
      }).catch((e: Error) => e)
      expect(err).toBeInstanceOf(Error)
      expect((err as Error).message).toMatch(/refusing to start/)
      expect((err as { exitCode?: number }).exitCode).toBe(2)
      // a config dir others may write is refused too
      const err2 = await launchHelper({
        via: 'direct',
        helperPath: HELPER,
        extraArgs: ['--conf', open]
      }).catch((e: Error) => e)
      expect((err2 as Error).message).toMatch(/writable by group\/others/)
    } finally {
      rmSync(open, { recursive: true, force: true })
    }
  })
})

describe('allowed shapes', () => {
  it('answers every allowed shape like the server', async () => {
    const ok = async (tokens: (string | number)[]): Promise<unknown> => {
      const r = (await wire.send(tokens)) as unknown[]
      expect(refusalMessage(r), tokens.join(' ')).toBeUndefined()
      expect(r[0], `${tokens.join(' ')} -> ${JSON.stringify(r)}`).toBe(0)
      return r[1]
    }
    expect(await ok(['ping'])).toBe('pong')
    expect(await ok(['version'])).toMatch(/^\d/)
    expect(JSON.stringify(await ok(['status']))).toContain('sshd')
    await ok(['status', 'sshd'])
    await ok(['status', 'sshd', 'short'])
    await ok(['status', 'sshd', 'basic'])
    for (const key of ['bantime', 'findtime', 'maxretry', 'logpath', 'ignoreip', 'failregex'])
      await ok(['get', 'webapp', key])
    for (const key of ['actions', 'usedns', 'banned', 'bantime.increment', 'bantime.factor'])
      await ok(['get', 'webapp', key])
    for (const key of ['bantime.formula', 'bantime.multipliers', 'bantime.maxtime'])
      await ok(['get', 'webapp', key])
    await ok(['get', 'webapp', 'bantime.rndtime'])
    await ok(['get', 'webapp', 'bantime.overalljails'])
    expect(await ok(['get', 'dbfile'])).toBe(join(server.dir, 'f2b.sqlite3'))
    await ok(['get', 'dbpurgeage'])
    await ok(['get', 'dbmaxmatches'])

    expect(await ok(['set', 'webapp', 'banip', '192.0.2.10', '198.51.100.0/24'])).toBe(2)
    expect(await ok(['get', 'webapp', 'banip'])).toEqual(
      expect.arrayContaining(['192.0.2.10', '198.51.100.0/24'])
    )
    expect(JSON.stringify(await ok(['get', 'webapp', 'banip', '--with-time']))).toContain(
      '192.0.2.10'
    )
    expect(await ok(['banned', '192.0.2.10'])).toEqual([['webapp']])
    await ok(['banned'])
    expect(await ok(['set', 'webapp', 'unbanip', '192.0.2.10'])).toBe(1)
    expect(await ok(['set', 'sshd', 'banip', '2001:db8::1', '::ffff:203.0.113.5'])).toBe(2)
    expect(await ok(['unban', '2001:db8::1'])).toBe(1)
    await ok(['unban', '--all'])

    expect(await ok(['set', 'webapp', 'bantime', 1234])).toBe(1234)
    expect(await ok(['set', 'webapp', 'bantime', '-1'])).toBe(-1)
    expect(await ok(['set', 'webapp', 'findtime', 900])).toBe(900)
    expect(await ok(['set', 'webapp', 'maxretry', 7])).toBe(7)
    expect(await ok(['set', 'webapp', 'addignoreip', '203.0.113.0/24'])).toContain('203.0.113.0/24')
    expect(await ok(['set', 'webapp', 'delignoreip', '203.0.113.0/24'])).not.toContain(
      '203.0.113.0/24'
    )
    // read back directly: the writes reached the real server
    expect(await directCommand(server.socketPath, ['get', 'webapp', 'maxretry'])).toEqual([0, 7])

    await ok(['stop', 'bulk'])
    expect(JSON.stringify(await directCommand(server.socketPath, ['status']))).not.toContain('bulk')
    expect(await ok(['reload', '--all'])).toMatch(/OK$/)
    expect(JSON.stringify(await directCommand(server.socketPath, ['status']))).toContain('bulk')
    await ok(['reload', 'webapp'])
    await ok(['reload', '--restart', '--unban', 'webapp'])
    await ok(['start', 'webapp'])
  }, 120_000)
})

// Every shape of fail2ban's protocol list (fail2ban/protocol.py) the helper must refuse, with
// concrete arguments that the server would accept.
const REFUSED: (string | number)[][] = [
  ['start'],
  ['restart'],
  ['restart', 'webapp'],
  ['restart', '--unban', 'webapp'],
  ['reload'],
  ['reload', '--if-exists', 'webapp'],
  ['reload', '--all', 'webapp'],
  ['reload', '--restart', '--restart', '--all'],
  ['reload', 'nosuchjail'],
  ['reload', '-c', '/tmp', '--all'],
  ['stop'],
  ['unban'],
  ['unban', '0.0.0.0/0'],
  ['banned', 'not-an-ip'],
  ['status', 'webapp', 'cymru'],
  ['status', 'webapp', 'short', 'x'],
  ['status', 'nosuchjail'],
  ['echo', 'hello'],
  ['help'],
  ['flushlogs'],
  ['server-status'],
  ['sleep', '1'],
  ['multi-set', 'webapp', 'bantime', '1'],
  ['set', 'loglevel', 'DEBUG'],
  ['set', 'logtarget', 'STDOUT'],
  ['set', 'syslogsocket', '/dev/null'],
  ['set', 'allowipv6', 'no'],
  ['set', 'dbfile', '/tmp/evil.sqlite3'],
  ['set', 'dbmaxmatches', '1'],
  ['set', 'dbpurgeage', '1'],
  ['set', 'logtarget', 'bantime', '600'],
  ['set', 'logtarget', 'banip', '192.0.2.1'],
  ['status', 'logtarget'],
  ['stop', 'logtarget'],
  ['get', 'logtarget', 'banip'],
  ['set', 'dbfile', 'bantime', '600'],
  ['set', 'loglevel', 'banip', '192.0.2.1'],
  ['get', 'loglevel'],
  ['get', 'logtarget'],
  ['get', 'syslogsocket'],
  ['get', 'thread'],
  ['get', 'logtarget', 'bantime'],
  ['add', 'evil', 'polling'],
  ['start', 'nosuchjail'],
  ['start', 'dbfile'],
  ['stop', 'logtarget'],
  ['set', 'webapp', 'idle', 'on'],
  ['set', 'webapp', 'ignoreself', 'false'],
  ['set', 'webapp', 'ignorecommand', '/bin/touch /tmp/pwn'],
  ['set', 'webapp', 'ignorecache', 'key="x"'],
  ['set', 'webapp', 'addlogpath', '/etc/shadow'],
  ['set', 'webapp', 'dellogpath', '/x/webapp.log'],
  ['set', 'webapp', 'logencoding', 'latin-1'],
  ['set', 'webapp', 'addjournalmatch', '_SYSTEMD_UNIT=x'],
  ['set', 'webapp', 'deljournalmatch', '_SYSTEMD_UNIT=x'],
  ['set', 'webapp', 'addfailregex', '^x <HOST>$'],
  ['set', 'webapp', 'delfailregex', '0'],
  ['set', 'webapp', 'addignoreregex', '.*'],
  ['set', 'webapp', 'delignoreregex', '0'],
  ['set', 'webapp', 'datepattern', '{^LN-BEG}'],
  ['set', 'webapp', 'usedns', 'yes'],
  ['set', 'webapp', 'attempt', '192.0.2.7', 'x'],
  ['set', 'webapp', 'maxmatches', '5'],
  ['set', 'webapp', 'maxlines', '5'],
  ['set', 'webapp', 'addaction', 'evil'],
  ['set', 'sshd', 'delaction', 'dummy'],
  ['set', 'sshd', 'action', 'dummy', 'actionban', 'touch /tmp/pwn'],
  ['set', 'sshd', 'action', 'dummy', 'actionunban', 'touch /tmp/pwn'],
  ['set', 'sshd', 'action', 'dummy', 'actionstart', 'touch /tmp/pwn'],
  ['set', 'sshd', 'action', 'dummy', 'actionstop', 'touch /tmp/pwn'],
  ['set', 'sshd', 'action', 'dummy', 'actioncheck', 'touch /tmp/pwn'],
  ['set', 'sshd', 'action', 'dummy', 'timeout', '1'],
  ['set', 'sshd', 'action', 'dummy', 'target', '/etc/passwd'],
  ['set', 'sshd', 'action', 'dummy', 'ban', '{}'],
  ['set', 'webapp', 'unbanip', '--report-absent', '192.0.2.9'],
  ['set', 'webapp', 'banip'],
  ['set', 'webapp', 'banip', '0.0.0.0/0'],
  ['set', 'webapp', 'banip', '10.0.0.0/7'],
  ['set', 'webapp', 'banip', '127.0.0.1/0'],
  ['set', 'webapp', 'banip', '::/0'],
  ['set', 'webapp', 'banip', '2001:db8::/31'],
  ['set', 'webapp', 'banip', '::1/0'],
  ['set', 'webapp', 'banip', '::ffff:1.2.3.4/100'],
  ['set', 'webapp', 'banip', '::ffff:0:0/96'],
  ['set', 'webapp', 'banip', 'fe80::1%eth0'],
  ['set', 'webapp', 'banip', 'example.com'],
  ['set', 'webapp', 'banip', '192.0.2.1 192.0.2.2'],
  ['set', 'webapp', 'addignoreip', '127.0.0.1/0'],
  ['set', 'webapp', 'addignoreip', '0.0.0.0/1'],
  ['set', 'webapp', 'addignoreip', '::ffff:127.0.0.1/97'],
  ['set', 'webapp', 'addignoreip', '192.0.2.1', '192.0.2.2'],
  ['set', 'webapp', 'delignoreip', '0.0.0.0/0'],
  ['set', 'webapp', 'bantime', '1e9'],
  ['set', 'webapp', 'bantime', 2 ** 40],
  ['set', 'webapp', 'bantime', -2],
  ['set', 'webapp', 'findtime', 0],
  ['set', 'webapp', 'maxretry', 0],
  ['set', 'webapp', 'maxretry', '3; touch /tmp/pwn'],
  ['set', 'nosuchjail', 'bantime', 600],
  ['set', 'dbpurgeage', 'bantime', 600],
  ['get', 'webapp', 'ignorecommand'],
  ['get', 'webapp', 'journalmatch'],
  ['get', 'webapp', 'banned', '192.0.2.1'],
  ['get', 'webapp', 'banip', ','],
  ['get', 'sshd', 'action', 'dummy', 'actionban'],
  ['get', 'sshd', 'actionproperties', 'dummy'],
  ['get', 'sshd', 'actionmethods', 'dummy'],
  ['get', 'nosuchjail', 'bantime'],
  ['get', 'dbfile', 'bantime'],
  ['bangui-dbrows'],
  ['bangui-configured-jails', '--all'],
  ['bangui-configured-jails', '-d'],
  ['bangui-dbrows', 0, 0, 0],
  ['bangui-dbrows', 0, 0, 10001],
  ['bangui-dbrows', -1, 0, 10],
  ['bangui-dbrows', '0', 0, 10],
  ['bangui-dbrows', 0, 0, 10, 'x']
]

describe('refused shapes', () => {
  it('refuses each shape with PermissionError and the server state unchanged', async () => {
    // a ban that refused unbans would remove, so "unchanged" covers the ban list too
    await directCommand(server.socketPath, ['set', 'sshd', 'banip', '192.0.2.200'])
    const before = await snapshot()
    for (const tokens of REFUSED) {
      const reply = await wire.send(tokens)
      expect(
        refusalMessage(reply),
        `${JSON.stringify(tokens)} -> ${JSON.stringify(reply)}`
      ).toMatch(/^refused: /)
    }
    // typed tokens the app never sends: bool, null, float, nested list
    for (const tokens of [
      [true],
      ['status', null],
      ['set', 'webapp', 'bantime', 1.5],
      ['set', 'webapp', 'banip', ['192.0.2.1']],
      ['set', 'webapp', 'bantime', true],
      ['bangui-dbrows', false, 0, 10]
    ]) {
      expect(refusalMessage(await wire.send(tokens)), JSON.stringify(tokens)).toMatch(/^refused/)
    }
    expect(await snapshot()).toBe(before)
    expect(existsSync('/tmp/pwn')).toBe(false)
  }, 120_000)
})

describe('hostile frames', () => {
  it('never resolves a global: a pickled os.system call is refused, not run', async () => {
    const side = join(scratch, 'side-effect')
    const evil = py(
      'import pickle,sys,os\n' +
        'class E:\n' +
        `  def __reduce__(self): return (os.system, ("touch ${side}",))\n` +
        'for proto in (0, 2, 4):\n' +
        "  sys.stdout.buffer.write(pickle.dumps(['echo', E()], proto) + b'<F2B_END_COMMAND>')\n"
    )
    wire.writeRaw(evil)
    for (let i = 0; i < 3; i++) {
      expect(refusalMessage((await wire.next()).value)).toMatch(/refused: undecodable.*global/)
    }
    expect(await wire.send(['ping'])).toEqual([0, 'pong'])
    expect(existsSync(side)).toBe(false)
    // control: the same frame sent straight to the server does run (so the payload is live)
    await new Promise<void>((done, fail) => {
      const sock = createConnection(server.socketPath)
      sock.on('error', fail)
      sock.on('data', () => sock.destroy())
      sock.on('close', () => done())
      sock.write(evil.subarray(0, evil.indexOf(END) + END.length))
    })
    expect(existsSync(side)).toBe(true)
  })

  it('refuses nested, dict, bytes, persistent-id and extension pickles', async () => {
    const frames = py(
      'import pickle,sys\n' +
        "w=lambda b: sys.stdout.buffer.write(b + b'<F2B_END_COMMAND>')\n" +
        // ['status', [[[…5000 levels…]]]]
        "w(b'\\x80\\x02](X\\x06\\x00\\x00\\x00status' + b']'*5000 + b'a'*4999 + b'e.')\n" +
        "w(pickle.dumps({'status': 1}, 2))\n" +
        "w(pickle.dumps(['status', b'sshd'], 3))\n" +
        "w(pickle.dumps('status', 2))\n" +
        'w(pickle.dumps([], 2))\n' +
        "w(b'\\x80\\x02]q\\x00X\\x04\\x00\\x00\\x00pingq\\x01a(X\\x01\\x00\\x00\\x00aQ.')\n" + // BINPERSID
        "w(b'\\x80\\x02\\x82\\x01.')\n" + // EXT1 code 1
        "w(b'\\x80\\x02]q\\x00.garbage')\n" + // bytes after STOP
        "w(b'\\x80\\x02]X\\x04\\x00\\x00\\x00pi')\n" // truncated before the marker
    )
    wire.writeRaw(frames)
    const reasons = [
      /argument of type list/,
      /not a list/,
      /argument of type bytes/,
      /not a list/,
      /empty command/,
      /undecodable.*persistent/,
      /undecodable/,
      /undecodable.*bytes after the pickle/,
      /undecodable/
    ]
    for (const [i, reason] of reasons.entries()) {
      expect(refusalMessage((await wire.next()).value), `frame ${i}`).toMatch(reason)
    }
    expect(await wire.send(['ping'])).toEqual([0, 'pong'])
  })

  it('refuses a frame over 16 MiB and a list of over 10000 items, then goes on', async () => {
    const huge = frameRequest(encodeCommand(['echo', 'x'.repeat(17 * 1024 * 1024)]))
    wire.writeRaw(huge)
    expect(refusalMessage((await wire.next(30_000)).value)).toMatch(/larger than 16777216/)
    const many = frameRequest(encodeCommand(['banned', ...Array(10_001).fill('192.0.2.1')]))
    wire.writeRaw(many)
    expect(refusalMessage((await wire.next()).value)).toMatch(/more than 10000 items/)
    expect(await wire.send(['ping'])).toEqual([0, 'pong'])
  }, 60_000)

  it('refuses a memo bomb and a huge integer before building them, then goes on', async () => {
    // 10 bytes asking the unpickler for a memo table of 2^31 slots (tens of GiB as root)
    wire.writeRaw(frameRequest(Buffer.from('80025d72ffffff7f2e', 'hex')))
    expect(refusalMessage((await wire.next()).value)).toMatch(/memo index/)
    wire.writeRaw(
      frameRequest(
        py("import pickle,sys; sys.stdout.buffer.write(pickle.dumps(['banned', 10**5000], 2))")
      )
    )
    expect(refusalMessage((await wire.next()).value)).toMatch(/undecodable|too large|out of range/)
    expect(await wire.send(['ping'])).toEqual([0, 'pong'])
  }, 30_000)

  it('splits at the first marker: a marker inside an argument gives two refusals, no ban', async () => {
    wire.writeRaw(
      frameRequest(encodeCommand(['set', 'webapp', 'banip', '192.0.2.77<F2B_END_COMMAND>x']))
    )
    expect(refusalMessage((await wire.next()).value)).toMatch(/^refused: undecodable/)
    expect(refusalMessage((await wire.next()).value)).toMatch(/^refused: undecodable/)
    expect(await wire.send(['ping'])).toEqual([0, 'pong'])
    expect(
      JSON.stringify(await directCommand(server.socketPath, ['get', 'webapp', 'banip']))
    ).not.toContain('192.0.2.77')
  })

  it('answers pipelined requests strictly in order', async () => {
    const cmds: string[][] = []
    for (let i = 0; i < 60; i++) {
      cmds.push(
        i % 3 === 0 ? ['ping'] : i % 3 === 1 ? ['echo', String(i)] : ['get', 'sshd', 'maxretry']
      )
    }
    for (const c of cmds) wire.writeRaw(frameRequest(encodeCommand(c)))
    for (const c of cmds) {
      const v = (await wire.next()).value as unknown[]
      if (c[0] === 'ping') expect(v).toEqual([0, 'pong'])
      else if (c[0] === 'echo') expect(refusalMessage(v)).toMatch(/echo/)
      else expect(v).toEqual([0, 3])
    }
  })
})

describe('bangui-dbrows', () => {
  it('returns the bans table rows after real bans, paged by rowid and filtered by time', async () => {
    const t0 = Math.floor(Date.now() / 1000) - 5
    await server.appendFailures('webapp', '192.0.2.31', 3)
    await wire.send(['set', 'sshd', 'banip', '192.0.2.32', '192.0.2.33'])
    // log-triggered bans take about one poll cycle
    let rows: unknown[][] = []
    for (let i = 0; i < 50; i++) {
      const r = (await wire.send(['bangui-dbrows', t0, 0, 100])) as [number, unknown[][]]
      expect(r[0]).toBe(0)
      rows = r[1]
      if (rows.some((row) => row[2] === '192.0.2.31')) break
      await new Promise((res) => setTimeout(res, 200))
    }
    const ips = rows.map((r) => r[2])
    expect(ips).toEqual(expect.arrayContaining(['192.0.2.31', '192.0.2.32', '192.0.2.33']))
    for (const row of rows) {
      expect(row).toHaveLength(7)
      const [rowid, jail, ip, timeofban, bantime, bancount, data] = row
      expect(typeof rowid).toBe('number')
      expect(['webapp', 'sshd']).toContain(jail)
      expect(typeof ip).toBe('string')
      expect(timeofban as number).toBeGreaterThanOrEqual(t0)
      expect(typeof bantime).toBe('number')
      expect(typeof bancount).toBe('number')
      expect(typeof data).toBe('string')
    }
    const logged = rows.find((r) => r[2] === '192.0.2.31')!
    expect(JSON.parse(logged[6] as string)).toHaveProperty('failures')
    // ordered by rowid; after_rowid pages; limit bounds the page
    const ids = rows.map((r) => r[0] as number)
    expect([...ids].sort((a, b) => a - b)).toEqual(ids)
    const page = (await wire.send(['bangui-dbrows', t0, ids[0]!, 1])) as [number, unknown[][]]
    expect(page[1].map((r) => r[0])).toEqual([ids[1]])
    // since in the future: nothing
    expect(await wire.send(['bangui-dbrows', t0 + 86_400, 0, 100])).toEqual([0, []])
  }, 30_000)
})

describe('--socket through a symlink', () => {
  it('uses the checked real path: swapping the link later never reaches another socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bangui-helper-link-'))
    const link = join(dir, 'f2b.sock')
    let fakeConnections = 0
    const fake = createServer((c) => {
      fakeConnections++
      c.destroy()
    })
    await new Promise<void>((r) => fake.listen(join(dir, 'fake.sock'), r))
    execFileSync('/bin/ln', ['-s', server.socketPath, link])
    const s = await launchHelper({
      via: 'direct',
      helperPath: HELPER,
      extraArgs: ['--socket', link]
    })
    try {
      const w = new HelperWire(s.stream)
      // the link now points at a socket someone else could run
      rmSync(link)
      execFileSync('/bin/ln', ['-s', join(dir, 'fake.sock'), link])
      expect(await w.send(['ping'])).toEqual([0, 'pong'])
      expect(fakeConnections).toBe(0)
    } finally {
      s.kill()
      fake.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 30_000)
})

describe('bangui-configured-jails', () => {
  it('names the jails the configuration enables, and nothing else of the dump', async () => {
    const r = (await wire.send(['bangui-configured-jails'])) as [number, unknown]
    expect(r[0]).toBe(0)
    expect([...(r[1] as string[])].sort()).toEqual([...server.jails].sort())
  }, 30_000)
})

/**
 * A scripted server on a private socket: answers the n-th request with `bodies[n]` + marker,
 * written in two parts with a pause between them: up to and including the first marker inside
 * the data (so "the data so far ends with the marker" would cut the reply there), then the rest.
 */
async function startSplittingServer(bodies: Buffer[]): Promise<{ path: string; close(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'bangui-split-'))
  const path = join(dir, 's.sock')
  const srv = createServer((sock) => {
    let n = 0
    let buf = Buffer.alloc(0)
    sock.on('error', () => undefined)
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      let at: number
      while ((at = buf.indexOf(END)) >= 0) {
        const req = buf.subarray(0, at).toString('latin1')
        buf = buf.subarray(at + END.length)
        if (req === '<F2B_CLOSE_COMMAND>') return void sock.end()
        const body = Buffer.concat([bodies[n++]!, END])
        const inner = body.indexOf(END)
        const cut = inner + END.length < body.length ? inner + END.length : body.length
        sock.write(body.subarray(0, cut))
        if (cut < body.length) setTimeout(() => sock.write(body.subarray(cut)), 100)
      }
    })
  })
  await new Promise<void>((r) => srv.listen(path, r))
  return {
    path,
    close() {
      srv.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

describe('reply framing (scripted server)', () => {
  it('relays replies byte for byte, markers inside data and globals included, never decoding them', async () => {
    const side = join(scratch, 'reply-side-effect')
    const replies = py(
      'import pickle,sys,os\n' +
        'class E:\n' +
        `  def __reduce__(self): return (os.system, ("touch ${side}",))\n` +
        'M="<F2B_END_COMMAND>"\n' +
        'out=[\n' +
        ' pickle.dumps((0, "a"+M+"b"), 4),\n' + // one frame, marker inside
        ' pickle.dumps((0, ["ip"+M+"x"*30+str(i) for i in range(3000)]), 4),\n' + // several frames
        ' pickle.dumps((0, "x"*300000+M+"y"), 5),\n' + // one large frame
        ' pickle.dumps((0, "proto2"), 2),\n' + // no frames: the fallback path
        ' pickle.dumps((0, E()), 4),\n' + // a global: relayed, never run by the helper
        ']\n' +
        'for o in out: sys.stdout.buffer.write(len(o).to_bytes(4,"little")+o)\n'
    )
    const bodies: Buffer[] = []
    for (let at = 0; at < replies.length;) {
      const n = replies.readUInt32LE(at)
      bodies.push(replies.subarray(at + 4, at + 4 + n))
      at += 4 + n
    }
    const fake = await startSplittingServer(bodies)
    const s = await launchHelper({
      via: 'direct',
      helperPath: HELPER,
      extraArgs: ['--socket', fake.path]
    })
    try {
      const w = new HelperWire(s.stream)
      for (let i = 0; i < bodies.length; i++) {
        w.writeRaw(frameRequest(encodeCommand(['ping'])))
        const r = await w.next(30_000)
        expect(r.raw.equals(Buffer.concat([bodies[i]!, END])), `reply ${i}`).toBe(true)
        if (i === 4) expect(r.error?.message).toMatch(/refuses to resolve/)
      }
      expect(existsSync(side)).toBe(false)
    } finally {
      s.kill()
      fake.close()
    }
  }, 60_000)
})

describe('audit log', () => {
  it('logs write commands and refusals to syslog (authpriv) with the caller uid', () => {
    // /dev/log is the system's: run the helper in a private mount namespace with a tmpfs /dev and
    // a datagram socket of our own bound at /dev/log.
    const out = join(scratch, 'syslog.txt')
    const requests = py(
      'import pickle,sys\n' +
        "for c in (['set','webapp','banip','192.0.2.99'], ['echo','x'], ['ping'],\n" +
        "          ['set','webapp','x\\n<85>forged']):\n" +
        "  sys.stdout.buffer.write(pickle.dumps(c, 2) + b'<F2B_END_COMMAND>')\n"
    )
    const reqFile = join(scratch, 'requests.bin')
    writeFileSync(reqFile, requests)
    const collector =
      'import socket,sys\n' +
      's=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind("/dev/log")\n' +
      'f=open(sys.argv[1],"ab",buffering=0)\n' +
      'while True: f.write(s.recv(65536)+b"\\n")\n'
    const script = [
      'set -e',
      'mount -t tmpfs tmpfs /dev',
      'mknod -m 666 /dev/null c 1 3',
      `/usr/bin/python3 -c '${collector}' ${out} & C=$!`,
      'for i in $(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done',
      `PKEXEC_UID=4242 ${HELPER} --stdio --conf ${join(server.dir, 'conf')} < ${reqFile} > /dev/null`,
      'sleep 0.2; kill $C'
    ].join('\n')
    execFileSync(
      '/usr/bin/unshare',
      ['--mount', '--propagation', 'private', '/bin/sh', '-c', script],
      {
        env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }
      }
    )
    const lines = readFileSync(out, 'utf8').trim().split('\n')
    // <85> = authpriv.notice, <84> = authpriv.warning
    expect(lines).toEqual([
      expect.stringMatching(
        /^<85>.*bangui-helper\[\d+\]: uid=4242 command \['set', 'webapp', 'banip', '192\.0\.2\.99'\]$/
      ),
      expect.stringMatching(
        /^<84>.*bangui-helper\[\d+\]: uid=4242 refused \(command 'echo' is not allowed\)$/
      ),
      // a newline in a request cannot forge a log line
      expect.stringMatching(
        /^<84>.*: uid=4242 refused \(set webapp x\?<85>forged is not allowed\)$/
      )
    ])
  })
})

describe('server restarts', () => {
  it('reconnects after the server went away, and says so while it is down', async () => {
    expect(await wire.send(['ping'])).toEqual([0, 'pong'])
    await server.restart()
    // the helper's connection was to the old server: it reconnects without the app noticing
    expect(await wire.send(['ping'])).toEqual([0, 'pong'])
    expect(await wire.send(['get', 'webapp', 'maxretry'])).toEqual([0, 2])
  }, 60_000)
})
