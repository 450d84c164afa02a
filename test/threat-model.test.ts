/**
 * Threat model, asserted: access to fail2ban's socket is root, so main sends only the typed
 * operations the command layer defines, and never `set J action…`, `set J addaction`,
 * `add` (new jail), `reload` over the socket, or a bare `stop` (the whole server).
 *
 * 1. Every public method of the command layer runs against a private real fail2ban-server
 *    through a recording client; every command it sent must match the allowlist grammar below.
 *    A new method that is missing from the argument table fails the test, so it gets reviewed.
 * 2. The sources of main are scanned for the forbidden tokens, as a second net.
 * 3. Main and preload never call shell.openExternal, use the remote module or load a web URL.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Fail2BanClient, Fail2BanCommands, type CommandSender } from '../src/main/fail2ban/index.ts'
import { checkIgnoreIp, checkIp, checkJailName } from '../src/shared/validation.ts'
import { startTestServer, type TestServer } from './support/f2b-server.ts'

let server: TestServer
let client: Fail2BanClient
const sent: unknown[][] = []

beforeAll(async () => {
  server = await startTestServer()
  client = new Fail2BanClient({ socketPath: server.socketPath })
})
afterAll(async () => {
  await client?.close()
  await server?.stop()
})

const isJail = (t: unknown) => checkJailName(t).ok
const isIp = (t: unknown) => {
  const c = checkIp(t)
  return c.ok && c.value === t // already in the normal form fail2ban reports
}
const isInt = (t: unknown) => Number.isSafeInteger(t)
const GET_KEYS = new Set([
  'banip',
  'bantime',
  'findtime',
  'maxretry',
  'logpath',
  'ignoreip',
  'failregex',
  'actions',
  'usedns',
  'bantime.increment',
  'bantime.factor',
  'bantime.formula',
  'bantime.multipliers',
  'bantime.maxtime',
  'bantime.rndtime',
  'bantime.overalljails'
])

/** The only command shapes main may send. */
export function allowedCommand(t: readonly unknown[]): boolean {
  const [verb, a, b, ...rest] = t
  switch (verb) {
    case 'version':
    case 'ping':
      return t.length === 1
    case 'status':
      return (
        t.length === 1 ||
        (t.length === 2 && isJail(a)) ||
        (t.length === 3 && isJail(a) && b === 'short') ||
        (t.length === 3 && a === '--all' && b === 'short')
      )
    case 'get':
      if (t.length === 2) return a === 'dbfile' || a === 'dbpurgeage' || a === 'dbmaxmatches'
      if (t.length === 4) return isJail(a) && b === 'banip' && rest[0] === '--with-time'
      return t.length === 3 && isJail(a) && GET_KEYS.has(String(b))
    case 'banned':
      return t.slice(1).every(isIp)
    case 'unban':
      return (t.length === 2 && a === '--all') || (t.length > 1 && t.slice(1).every(isIp))
    case 'start':
    case 'stop':
      return t.length === 2 && isJail(a) // never the bare `stop`: that stops the server
    case 'set':
      if (!isJail(a)) return false
      if (b === 'banip' || b === 'unbanip') return rest.length > 0 && rest.every(isIp)
      if (b === 'bantime' || b === 'findtime' || b === 'maxretry')
        return rest.length === 1 && isInt(rest[0])
      if (b === 'addignoreip' || b === 'delignoreip')
        return rest.length === 1 && checkIgnoreIp(rest[0]).ok
      return false
    default:
      return false
  }
}

/** Valid arguments for every public method of the command layer. */
const CALLS: Record<string, unknown[]> = {
  version: [],
  supports: ['statusAll'],
  resetVersion: [],
  jailNames: [],
  jailCounts: ['sshd'],
  jailStatus: ['sshd'],
  allJailCounts: [],
  banList: ['sshd'],
  bannedIps: ['sshd'],
  bannedAll: [],
  jailsBanning: [['192.0.2.7']],
  banIps: ['sshd', ['192.0.2.7', '198.51.100.0/24']],
  unbanIps: ['sshd', ['192.0.2.7']],
  unbanEverywhere: [['198.51.100.0/24']],
  unbanAll: [],
  jailSettings: ['sshd'],
  jailActions: ['sshd'],
  setBantime: ['sshd', 600],
  setFindtime: ['sshd', 600],
  setMaxretry: ['sshd', 5],
  addIgnoreIp: ['sshd', '203.0.113.9'],
  delIgnoreIp: ['sshd', '203.0.113.9'],
  startJail: ['sshd'],
  stopJail: ['sshd'],
  dbSettings: []
}

describe('what main sends to fail2ban', () => {
  it('the grammar refuses the dangerous commands', () => {
    for (const bad of [
      ['set', 'sshd', 'action', 'iptables', 'actionban', 'touch /tmp/pwned'],
      ['set', 'sshd', 'addaction', 'evil'],
      ['set', 'sshd', 'delaction', 'iptables'],
      ['set', 'sshd', 'addlogpath', '/etc/shadow'],
      ['set', 'sshd', 'addfailregex', '.*'],
      ['set', 'sshd', 'banip', '0.0.0.0/0x'],
      ['add', 'evil', 'polling'],
      ['reload'],
      ['stop'],
      ['set', 'loglevel', 'DEBUG'],
      ['set', 'dbfile', '/tmp/x'],
      ['echo', 'hi']
    ]) {
      expect(allowedCommand(bad), JSON.stringify(bad)).toBe(false)
    }
    expect(allowedCommand(['set', 'sshd', 'banip', '192.0.2.1'])).toBe(true)
  })

  it('every command-layer method, run against a real server, sends only allowed commands', async () => {
    const recorder: CommandSender = {
      send: (tokens, opts) => {
        sent.push([...tokens])
        return client.send(tokens, opts)
      }
    }
    const f2b = new Fail2BanCommands(recorder)
    const methods = Object.getOwnPropertyNames(Fail2BanCommands.prototype).filter(
      (m) => m !== 'constructor'
    )
    expect(
      methods.filter((m) => !(m in CALLS)),
      'methods without a CALLS entry'
    ).toEqual([])
    for (const m of Object.keys(CALLS)) {
      const fn = (f2b as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[m]!
      await fn.apply(f2b, CALLS[m]!)
    }
    // after a reconnect the layer asks for the version again before choosing how to poll
    f2b.resetVersion()
    await f2b.allJailCounts()

    expect(sent.length).toBeGreaterThan(30)
    const refused = sent.filter((t) => !allowedCommand(t))
    expect(refused).toEqual([])
    const verbs = new Set(sent.map((t) => `${t[0]}${t[0] === 'set' ? ` J ${t[2]}` : ''}`))
    expect([...verbs].sort()).toEqual(
      [
        'banned',
        'get',
        'set J addignoreip',
        'set J bantime',
        'set J banip',
        'set J delignoreip',
        'set J findtime',
        'set J maxretry',
        'set J unbanip',
        'start',
        'status',
        'stop',
        'unban',
        'version'
      ].sort()
    )
  })

  it('no source file of main names a forbidden command token', () => {
    const root = new URL('../src/main/', import.meta.url).pathname
    const files = readdirSync(root, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts'))
    expect(files.length).toBeGreaterThan(20)
    const offenders: string[] = []
    for (const f of files) {
      const text = readFileSync(join(root, f), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '') // comments may name them (this layer's own docs do)
        .replace(/\/\/.*$/gm, '')
      for (const m of text.matchAll(/['"`](action|addaction|delaction|addjail)['"`]/g))
        offenders.push(`${f}: ${m[0]}`)
      // a command array starting with `add` or `reload`, or a bare `stop`. fail2ban/reload.ts
      // alone builds `reload` — as fail2ban-client's argv (it needs the config stream that
      // only the official client builds), never as a socket command.
      const arrays =
        f === join('fail2ban', 'reload.ts') ? /\[\s*['"`]add['"`]/g : /\[\s*['"`](add|reload)['"`]/g
      for (const m of text.matchAll(arrays)) offenders.push(`${f}: ${m[0]}`)
      for (const m of text.matchAll(/\[\s*['"`]stop['"`]\s*\]/g)) offenders.push(`${f}: ${m[0]}`)
    }
    expect(offenders).toEqual([])
  })

  it('main and preload never open external URLs or load remote code', () => {
    const root = new URL('../src/', import.meta.url).pathname
    const offenders: string[] = []
    for (const dir of ['main', 'preload']) {
      for (const f of readdirSync(join(root, dir), { recursive: true }).map(String)) {
        if (!f.endsWith('.ts')) continue
        const text = readFileSync(join(root, dir, f), 'utf8')
        for (const m of text.matchAll(
          /\bopenExternal\b|@electron\/remote|\bloadURL\(\s*['"`]https?:/g
        ))
          offenders.push(`${dir}/${f}: ${m[0]}`)
      }
    }
    expect(offenders).toEqual([])
  })
})
