/**
 * A real, private fail2ban-server for tests: vitest, Playwright and plain Node scripts alike
 * (so nothing here imports vitest).
 *
 * Each server lives in its own temp dir (config, socket, pidfile, sqlite db, logs) and runs as a
 * foreground child (`fail2ban-server -f`) with PATH=/usr/bin:/bin, so its only actions are the
 * `dummy` action (appends `+IP`/`-IP` to a file) or none: no firewall is touched.
 * Facts this relies on are in docs/ARCHITECTURE.md ("Facts about fail2ban").
 *
 * No process may outlive the test run, even when a test fails or forgets `stop()`:
 * - live servers are kept in a module registry and SIGKILLed on process 'exit', SIGINT and SIGTERM;
 * - the child is started through a tiny /usr/bin/python3 shim that sets PR_SET_PDEATHSIG, so the
 *   kernel kills it if the spawning thread dies without running any JS (SIGKILL of a test worker).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, statSync } from 'node:fs'
import { appendFile, mkdir, writeFile } from 'node:fs/promises'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { Parser } from 'pickleparser'

export interface TestServerOptions {
  /**
   * Extra jail.conf sections, appended verbatim. Each section inherits `enabled = true`,
   * `filter = webapp`, `logpath = DIR/<name>.log` and the dummy action from [DEFAULT]; override
   * any of them (`action =` for none). `%(workdir)s` expands to the server's dir.
   */
  extraJails?: string
  /** Add N extra no-action jails named bulk1..bulkN (webapp filter, DIR/bulkN.log). Default 0. */
  bulkJails?: number
}

export interface TestServer {
  dir: string
  socketPath: string
  /** pid of the running fail2ban-server (changes on restart) */
  pid: number
  /** jail names configured, sorted */
  jails: string[]
  /** path of the log file the jail watches */
  logFile(jail: string): string
  /** file the dummy action appends '+IP'/'-IP' lines to (deleted by the action on stop) */
  actionsFile(jail: string): string
  /** appends `count` failure lines for `ip` with current timestamps in the jail's log format */
  appendFailures(jail: 'sshd' | 'webapp' | string, ip: string, count: number): Promise<void>
  /** stops the server (socket `stop`, then SIGTERM, then SIGKILL), waits for exit; idempotent */
  stop(): Promise<void>
  /**
   * stops and starts again on the same dir and socket; bans come back from the sqlite db.
   * After stop() it starts afresh on the same paths (the dir and db were removed).
   */
  restart(): Promise<void>
}

const SERVER_CANDIDATES = ['/usr/bin/fail2ban-server']
const PYTHON = '/usr/bin/python3'
const START_TIMEOUT_MS = 15_000
const STOP_REPLY_TIMEOUT_MS = 5_000
const EXIT_AFTER_STOP_MS = 10_000
const EXIT_AFTER_SIGTERM_MS = 5_000
/** How long jails may lag behind the server's "Server ready" line. */
const READY_GRACE_MS = 2_000
/** How long restart() waits for restored bans to show up again. */
const RESTORE_WAIT_MS = 5_000
const END = Buffer.from('<F2B_END_COMMAND>', 'latin1')
const CLOSE = Buffer.from('<F2B_CLOSE_COMMAND><F2B_END_COMMAND>', 'latin1')

/**
 * argv: PARENT_PID SERVER ARGS... Sets PR_SET_PDEATHSIG(SIGKILL) (kept across exec, so the server
 * keeps this pid), gives up if the parent already died before that, then execs the server.
 * Best effort: if prctl is unavailable it execs anyway.
 */
const PDEATHSIG_SHIM =
  'import ctypes,os,sys\n' +
  'try: ctypes.CDLL(None, use_errno=True).prctl(1, 9, 0, 0, 0)\n' +
  'except Exception: pass\n' +
  'if os.getppid() != int(sys.argv[1]): sys.exit(1)\n' +
  'os.execv(sys.argv[2], sys.argv[2:])'

/** Path of fail2ban-server (/usr/bin first, then PATH), or undefined. */
export function fail2banServerPath(): string | undefined {
  const onPath = (process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'fail2ban-server'))
  return [...SERVER_CANDIDATES, ...onPath].find(isExecutableFile)
}

/** fail2ban-client next to the server binary. */
export function fail2banClientPath(): string {
  const server = fail2banServerPath()
  return server ? server.replace(/fail2ban-server$/, 'fail2ban-client') : '/usr/bin/fail2ban-client'
}

/** True when fail2ban-server is at /usr/bin or on PATH. */
export function f2bAvailable(): boolean {
  return fail2banServerPath() !== undefined
}

function isExecutableFile(p: string): boolean {
  try {
    const s = statSync(p)
    return s.isFile() && (s.mode & 0o111) !== 0
  } catch {
    return false
  }
}

/** The environment every fail2ban process gets: no firewall tool reachable, local time as ours. */
function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' }
  if (process.env.TZ !== undefined) env.TZ = process.env.TZ
  return env
}

/**
 * Runs `fail2ban-client -s SOCK ARGS...` and resolves with its stdout; rejects with its output on
 * a non-zero exit. Handy for tests that want to check with the official client.
 */
export function fail2banClient(
  socketPath: string,
  args: string[],
  timeoutMs = 15_000
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      fail2banClientPath(),
      ['-s', socketPath, ...args],
      { env: serverEnv(), timeout: timeoutMs },
      (err, stdout, stderr) => {
        if (err) {
          reject(
            new Error(
              `fail2ban-client ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`
            )
          )
        } else resolve(stdout)
      }
    )
  })
}

// ---------------------------------------------------------------------------------------------
// Minimal raw socket client (protocol-2 pickle of a list of str), used for readiness and stop:
// much cheaper than starting a Python fail2ban-client each time.

function encodeCommand(args: string[]): Buffer {
  const parts: Buffer[] = [Buffer.from([0x80, 0x02, 0x5d])] // PROTO 2, EMPTY_LIST
  for (const a of args) {
    const s = Buffer.from(a, 'utf8')
    const len = Buffer.alloc(4)
    len.writeUInt32LE(s.length)
    parts.push(Buffer.from([0x58]), len, s, Buffer.from([0x61])) // BINUNICODE ..., APPEND
  }
  parts.push(Buffer.from([0x2e]), END) // STOP
  return Buffer.concat(parts)
}

/**
 * Sends one command (a list of str) on a fresh connection; resolves with the reply decoded by
 * pickleparser. Meant for small replies (status, ping, stop): it re-joins chunks on every read.
 */
export function rawCommand(
  socketPath: string,
  args: string[],
  timeoutMs = 5_000
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let settled = false
    const sock = createConnection(socketPath)
    const finish = (err: Error | undefined, value?: unknown): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (err) sock.destroy()
      else sock.end(CLOSE)
      if (err) reject(err)
      else resolve(value)
    }
    const timer = setTimeout(
      () => finish(new Error(`no reply to ${args.join(' ')} within ${timeoutMs} ms`)),
      timeoutMs
    )
    sock.on('connect', () => sock.write(encodeCommand(args)))
    sock.on('error', (e) => finish(e))
    sock.on('close', () =>
      finish(new Error(`connection closed before a reply to ${args.join(' ')}`))
    )
    sock.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      const all = Buffer.concat(chunks)
      if (all.length < END.length || !all.subarray(all.length - END.length).equals(END)) return
      try {
        finish(undefined, new Parser().parse(all.subarray(0, all.length - END.length)))
      } catch {
        // the marker was inside the payload: keep reading
      }
    })
  })
}

/** Jail names from a raw `status` reply `[0, [['Number of jail', n], ['Jail list', 'a, b']]]`. */
function jailsFromStatus(reply: unknown): string[] | undefined {
  if (!Array.isArray(reply) || reply[0] !== 0 || !Array.isArray(reply[1])) return undefined
  const entry = (reply[1] as unknown[]).find((e) => Array.isArray(e) && e[0] === 'Jail list')
  const list = Array.isArray(entry) ? entry[1] : undefined
  if (typeof list !== 'string') return undefined
  return list === '' ? [] : list.split(', ')
}

// ---------------------------------------------------------------------------------------------
// Registry of live servers: killed synchronously if the process goes away.

interface Live {
  child: ChildProcess
  dir: string
}
const live = new Set<Live>()
let hooksInstalled = false

function killAllSync(): void {
  for (const s of live) {
    try {
      if (s.child.pid !== undefined && !exited(s.child)) process.kill(s.child.pid, 'SIGKILL')
    } catch {
      // already gone
    }
    if (!process.env.KEEP_F2B_DIR) rmSync(s.dir, { recursive: true, force: true })
  }
  live.clear()
}

function onSignal(signal: NodeJS.Signals): void {
  killAllSync()
  // Installing a listener disables Node's default "exit on signal": restore it when we are alone.
  if (process.listenerCount(signal) === 1) {
    process.removeListener(signal, onSignal)
    process.kill(process.pid, signal)
  }
}

function installHooks(): void {
  if (hooksInstalled) return
  hooksInstalled = true
  process.on('exit', killAllSync)
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
}

// ---------------------------------------------------------------------------------------------

interface JailSpec {
  name: string
  logFile: string
  format: 'syslog' | 'iso'
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const pad2 = (n: number): string => String(n).padStart(2, '0')
const hms = (d: Date): string =>
  `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`

/** `Nov 25 06:20:00` (syslog: day padded with a space), server-local time. */
function syslogStamp(d: Date): string {
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${hms(d)}`
}

/** `2026-11-25 06:20:00`, server-local time. */
function isoStamp(d: Date): string {
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${hms(d)}`
}

interface Section {
  name: string
  enabled: boolean
  logpath?: string
  filter?: string
}

/** Section names and their `enabled`/`logpath`/`filter` lines from jail.conf text. */
function parseSections(text: string): Section[] {
  const out: Section[] = []
  let cur: Section | undefined
  for (const line of text.split('\n')) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line)?.[1]
    if (header !== undefined) {
      cur = { name: header.trim(), enabled: true }
      if (cur.name !== 'DEFAULT' && cur.name !== 'INCLUDES') out.push(cur)
      continue
    }
    const [, key, value = ''] = /^\s*(enabled|logpath|filter)\s*=\s*(.*?)\s*$/.exec(line) ?? []
    if (!cur || key === undefined) continue
    if (key === 'enabled') cur.enabled = !/^(false|no|off|0)$/i.test(value)
    else cur[key as 'logpath' | 'filter'] = value
  }
  return out
}

/** Writes the config (as start-test-server.sh does) and creates every watched log file. */
async function writeConfig(
  dir: string,
  opts: TestServerOptions
): Promise<{ conf: string; jails: JailSpec[] }> {
  const conf = join(dir, 'conf')
  const jails: JailSpec[] = [
    { name: 'sshd', logFile: join(dir, 'auth.log'), format: 'syslog' },
    { name: 'webapp', logFile: join(dir, 'webapp.log'), format: 'iso' },
    { name: 'bulk', logFile: join(dir, 'bulk.log'), format: 'iso' }
  ]
  let bulkSections = ''
  for (let i = 1; i <= (opts.bulkJails ?? 0); i++) {
    jails.push({ name: `bulk${i}`, logFile: join(dir, `bulk${i}.log`), format: 'iso' })
    bulkSections += `\n[bulk${i}]\naction =\n`
  }
  const extra = opts.extraJails ?? ''
  for (const s of parseSections(extra)) {
    if (!s.enabled || jails.some((j) => j.name === s.name)) continue
    const logFile = s.logpath
      ? s.logpath.replaceAll('%(workdir)s', dir)
      : join(dir, `${s.name}.log`)
    // the stock sshd filter wants syslog lines; everything else uses the webapp line format
    const format = /^sshd\b/.test(s.filter ?? '') ? 'syslog' : 'iso'
    jails.push({ name: s.name, logFile, format })
  }

  // The server dir (mkdtemp: 0700, ours) and the config dir must pass BanGUI's trust rule
  // (owned by us, not group/other-writable) whatever the umask: explicit modes.
  await mkdir(join(conf, 'filter.d'), { recursive: true, mode: 0o700 })
  await mkdir(join(conf, 'action.d'), { recursive: true, mode: 0o700 })
  for (const f of ['filter.d/common.conf', 'filter.d/sshd.conf', 'action.d/dummy.conf']) {
    await writeFile(join(conf, f), readFileSync(join('/etc/fail2ban', f)))
  }
  await writeFile(
    join(conf, 'filter.d', 'webapp.conf'),
    '[Definition]\nfailregex = ^\\s*FAIL login user=\\S+ from <HOST>$\n'
  )
  await writeFile(
    join(conf, 'fail2ban.conf'),
    `[Definition]
loglevel = INFO
logtarget = ${dir}/fail2ban.log
syslogsocket = auto
allowipv6 = auto
socket = ${dir}/f2b.sock
pidfile = ${dir}/f2b.pid
dbfile = ${dir}/f2b.sqlite3
dbpurgeage = 1d
dbmaxmatches = 10
`
  )
  await writeFile(
    join(conf, 'jail.conf'),
    `[DEFAULT]
workdir = ${dir}
enabled = true
backend = polling
bantime = 10m
findtime = 10m
maxretry = 3
ignoreip = 127.0.0.1/8 ::1
filter = webapp
logpath = %(workdir)s/%(__name__)s.log
action = dummy[target="%(workdir)s/actions-%(__name__)s.txt"]

[sshd]
filter = sshd
logpath = %(workdir)s/auth.log

[webapp]
maxretry = 2

[bulk]
action =
${bulkSections}
${extra}
`
  )
  // A missing log file makes the polling backend fail the jail.
  for (const j of jails) await appendFile(j.logFile, '')
  return { conf, jails }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}

/** Resolves true once the child has exited, false after `ms`. */
function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit)
      resolve(exited(child))
    }, ms)
    const onExit = (): void => {
      clearTimeout(timer)
      resolve(true)
    }
    child.once('exit', onExit)
  })
}

function tail(file: string, lines = 25): string {
  try {
    const text = readFileSync(file, 'utf8').trimEnd()
    return text === '' ? '(empty)' : text.split('\n').slice(-lines).join('\n')
  } catch {
    return '(missing)'
  }
}

/** The text of `file` from byte `offset` on ('' if missing). */
function readFrom(file: string, offset: number): string {
  try {
    return readFileSync(file).subarray(offset).toString('utf8')
  } catch {
    return ''
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

function logTails(dir: string): string {
  return (
    `--- ${dir}/fail2ban.log (tail) ---\n${tail(join(dir, 'fail2ban.log'))}\n` +
    `--- ${dir}/server.out (tail) ---\n${tail(join(dir, 'server.out'))}`
  )
}

/** Spawns `fail2ban-server -f` as our child, output appended to DIR/server.out. */
function spawnServer(dir: string, conf: string, socketPath: string): ChildProcess {
  const server = fail2banServerPath()
  if (!server) throw new Error('fail2ban-server not found (install it: apt-get install fail2ban)')
  rmSync(socketPath, { force: true }) // a stale socket makes the server refuse to start
  const args = ['-f', '-c', conf, '-s', socketPath, '-p', join(dir, 'f2b.pid')]
  const out = openSync(join(dir, 'server.out'), 'a')
  try {
    const [cmd, argv] = isExecutableFile(PYTHON)
      ? [PYTHON, ['-c', PDEATHSIG_SHIM, String(process.pid), server, ...args]]
      : [server, args]
    const child = spawn(cmd, argv, { cwd: dir, env: serverEnv(), stdio: ['ignore', out, out] })
    // A forgotten server must not keep a script alive: the 'exit' hook kills it instead.
    child.unref()
    child.on('error', () => {}) // spawn errors surface as an early exit in waitReady
    return child
  } finally {
    closeSync(out)
  }
}

/** Waits until `status` lists every configured jail (ping alone answers too early). */
async function waitReady(
  child: ChildProcess,
  dir: string,
  socketPath: string,
  jails: string[],
  outOffset: number
): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS
  let last = 'no answer yet'
  let readyAt: number | undefined
  const missing = (what: string): string => `expected jails [${jails.join(', ')}], ${what}`
  while (Date.now() < deadline) {
    if (exited(child)) {
      throw new Error(
        `fail2ban-server exited during start (code ${child.exitCode}, signal ${child.signalCode})\n${logTails(dir)}`
      )
    }
    try {
      const got = jailsFromStatus(await rawCommand(socketPath, ['status'], 2_000))
      if (got && jails.every((j) => got.includes(j))) return
      last = `jails so far: [${got?.join(', ') ?? '?'}]`
    } catch (e) {
      last = (e as Error).message
    }
    // "Server ready" is printed once the config stream is through: a jail still missing well
    // after that was skipped for a config error, so fail now rather than at the timeout.
    readyAt ??= /^Server ready$/m.test(readFrom(join(dir, 'server.out'), outOffset))
      ? Date.now()
      : undefined
    if (readyAt !== undefined && Date.now() - readyAt > READY_GRACE_MS) {
      throw new Error(`fail2ban-server in ${dir} is ready but ${missing(last)}\n${logTails(dir)}`)
    }
    await sleep(20)
  }
  throw new Error(
    `fail2ban-server in ${dir} did not list its jails within ${START_TIMEOUT_MS / 1000} s: ` +
      `${missing(last)}\n${logTails(dir)}`
  )
}

/** Number of current bans per jail, from one `banned` request (IPs are not decoded). */
async function bannedCounts(socketPath: string): Promise<Map<string, number>> {
  const reply = await rawCommand(socketPath, ['banned'], 10_000)
  const counts = new Map<string, number>()
  if (Array.isArray(reply) && reply[0] === 0 && Array.isArray(reply[1])) {
    for (const entry of reply[1] as unknown[]) {
      if (entry === null || typeof entry !== 'object') continue
      for (const [jail, ips] of Object.entries(entry)) {
        if (Array.isArray(ips)) counts.set(jail, ips.length)
      }
    }
  }
  return counts
}

/**
 * Jails are listed before they start, and a starting jail queues its restored bans for its
 * actions thread: wait (bounded, no error: bans may have expired meanwhile) until every jail
 * shows at least as many bans as before the restart.
 */
async function waitRestored(socketPath: string, before: Map<string, number>): Promise<void> {
  const deadline = Date.now() + RESTORE_WAIT_MS
  while (Date.now() < deadline) {
    const now = await bannedCounts(socketPath).catch(() => new Map<string, number>())
    if ([...before].every(([jail, n]) => (now.get(jail) ?? 0) >= n)) return
    await sleep(25)
  }
}

/** Socket `stop` (only ever sent once the jails are up), then SIGTERM, then SIGKILL. */
async function stopProcess(child: ChildProcess, socketPath: string): Promise<void> {
  if (exited(child)) return
  let accepted = false
  for (let attempt = 0; attempt < 5 && !accepted && !exited(child); attempt++) {
    try {
      await rawCommand(socketPath, ['stop'], STOP_REPLY_TIMEOUT_MS)
      accepted = true
    } catch (e) {
      // EAGAIN: the listen backlog is 1 (docs/ARCHITECTURE.md); anything else: go for signals
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') break
      await sleep(20)
    }
  }
  if (accepted && (await waitExit(child, EXIT_AFTER_STOP_MS))) return
  child.kill('SIGTERM')
  if (await waitExit(child, EXIT_AFTER_SIGTERM_MS)) return
  child.kill('SIGKILL')
  await waitExit(child, 5_000)
}

/** Starts a private fail2ban-server in a new temp dir; resolves once all its jails are up. */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  if (!f2bAvailable())
    throw new Error('fail2ban-server not found (install it: apt-get install fail2ban)')
  installHooks()
  const dir = mkdtempSync(join(tmpdir(), 'bangui-f2b-'))
  const socketPath = join(dir, 'f2b.sock')
  const keep = Boolean(process.env.KEEP_F2B_DIR)
  let conf: string
  let specs: JailSpec[]
  try {
    ;({ conf, jails: specs } = await writeConfig(dir, opts))
  } catch (e) {
    if (!keep) rmSync(dir, { recursive: true, force: true })
    throw e
  }
  const jailNames = specs.map((j) => j.name).sort()
  const byName = new Map(specs.map((j) => [j.name, j]))
  let current: Live | undefined

  const launch = async (): Promise<void> => {
    const outOffset = fileSize(join(dir, 'server.out')) // earlier runs' output stays above
    const entry: Live = { child: spawnServer(dir, conf, socketPath), dir }
    live.add(entry)
    entry.child.once('exit', () => live.delete(entry))
    current = entry
    try {
      await waitReady(entry.child, dir, socketPath, jailNames, outOffset)
    } catch (e) {
      // Never send `stop` before the jails exist (it hangs the server ~30 s): kill it.
      entry.child.kill('SIGKILL')
      await waitExit(entry.child, 5_000)
      live.delete(entry)
      throw e
    }
  }
  const halt = async (): Promise<void> => {
    if (!current) return
    await stopProcess(current.child, socketPath)
    live.delete(current)
  }

  try {
    await launch()
  } catch (e) {
    if (!keep) rmSync(dir, { recursive: true, force: true })
    throw e
  }

  // stop/restart run one after the other; `closed` = stopped and its dir cleaned up
  let chain: Promise<void> = Promise.resolve()
  let closed = false
  const enqueue = (step: () => Promise<void>): Promise<void> =>
    (chain = chain.catch(() => {}).then(step))
  const spec = (jail: string): JailSpec => {
    const s = byName.get(jail)
    if (!s)
      throw new Error(`no jail '${jail}' in this test server (jails: ${jailNames.join(', ')})`)
    return s
  }

  return {
    dir,
    socketPath,
    get pid(): number {
      return current?.child.pid ?? -1
    },
    jails: jailNames,
    logFile: (jail) => spec(jail).logFile,
    actionsFile: (jail) => join(dir, `actions-${spec(jail).name}.txt`),
    async appendFailures(jail, ip, count) {
      const s = spec(jail)
      const now = new Date()
      let text = ''
      for (let i = 0; i < count; i++) {
        text +=
          s.format === 'syslog'
            ? `${syslogStamp(now)} host sshd[${1000 + i}]: Failed password for invalid user x from ${ip} port ${40000 + i} ssh2\n`
            : `${isoStamp(now)} FAIL login user=bob from ${ip}\n`
      }
      await appendFile(s.logFile, text)
    },
    stop() {
      return enqueue(async () => {
        await halt()
        if (closed) return
        closed = true
        if (keep) process.stderr.write(`KEEP_F2B_DIR: kept ${dir}\n`)
        else rmSync(dir, { recursive: true, force: true })
      })
    },
    restart() {
      return enqueue(async () => {
        const running = current !== undefined && !exited(current.child)
        const before = running ? await bannedCounts(socketPath).catch(() => undefined) : undefined
        await halt()
        // after stop() the dir may be gone: write the same config again (the bans are lost then)
        if (closed) await writeConfig(dir, opts)
        closed = false
        await launch()
        if (before) await waitRestored(socketPath, before)
      })
    }
  }
}
