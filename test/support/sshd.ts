/**
 * A private OpenSSH server for tests: `/usr/sbin/sshd -D -e -f <own config>` on 127.0.0.1 and a
 * free port, with its own host keys, authorized-keys directory, pid file and log, all in a temp
 * dir. Never the system's sshd or /etc/ssh. Plus test users (useradd/userdel) and sudoers
 * drop-ins (checked with `visudo -cf`), all removed in teardown and on process exit.
 *
 * The lab dir is world-readable (0755) so that sshd and test users can reach homes and keys even
 * when the checkout sits in a directory they cannot enter; nothing the remote side runs reads
 * the checkout (the helper source is pushed over stdin).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  rmdirSync,
  writeFileSync
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const SSHD = '/usr/sbin/sshd'
const PRIVSEP_DIR = '/run/sshd' // compiled into Debian's sshd; the service normally creates it

/** Why SSH tests cannot run here, or undefined when they can. */
export function sshLabUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'SSH tests need root (useradd, sshd, sudoers drop-ins)'
  for (const f of [
    SSHD,
    '/usr/bin/ssh',
    '/usr/bin/ssh-keygen',
    '/usr/sbin/useradd',
    '/usr/bin/sudo'
  ]) {
    if (!existsSync(f))
      return `${f} is missing (apt-get install openssh-server openssh-client sudo)`
  }
  return undefined
}

export interface PrivateSshd {
  port: number
  dir: string
  /** pid of the listening sshd (undefined while stopped) */
  pid(): number | undefined
  /** `[127.0.0.1]:PORT ssh-ed25519 AAAA…` for a known_hosts file */
  knownHostsLine(name?: string): string
  /** its host key's `SHA256:…` fingerprint, as `ssh-keygen -lf` prints it */
  fingerprint(): string
  /** the sshd log (LogLevel VERBOSE) */
  log(): string
  /** Kills every session process and the listener: connections drop at once. Idempotent. */
  stop(): Promise<void>
  /** Starts again on the same port and keys. */
  start(): Promise<void>
}

const live = new Set<{ child: ChildProcess }>()
const cleanups: (() => void)[] = []
let hooked = false

function hook(): void {
  if (hooked) return
  hooked = true
  process.on('exit', cleanupAllSync)
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      cleanupAllSync()
      process.exit(130)
    })
  }
}

function cleanupAllSync(): void {
  for (const l of live) killTree(l.child.pid)
  live.clear()
  for (const c of cleanups.splice(0).reverse()) {
    try {
      c()
    } catch {
      // best effort at exit
    }
  }
}

/** pid → children, from /proc. */
function childrenMap(): Map<number, number[]> {
  const map = new Map<number, number[]>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      const list = map.get(ppid) ?? []
      list.push(Number(name))
      map.set(ppid, list)
    } catch {
      // gone meanwhile
    }
  }
  return map
}

/** Every descendant of `pid`. */
export function descendants(pid: number): number[] {
  const map = childrenMap()
  const out: number[] = []
  const stack = [...(map.get(pid) ?? [])]
  while (stack.length > 0) {
    const p = stack.pop()!
    out.push(p)
    stack.push(...(map.get(p) ?? []))
  }
  return out
}

/** The command line of a process ('' when gone). */
export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  } catch {
    return ''
  }
}

function killTree(pid: number | undefined): void {
  if (pid === undefined) return
  for (const p of [...descendants(pid), pid]) {
    try {
      process.kill(p, 'SIGKILL')
    } catch {
      // already gone
    }
  }
}

/** A port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      s.close(() => resolve(port))
    })
  })
}

/**
 * Labs in parallel test processes share /run/sshd: each registers itself in USERS_DIR, and the
 * last one out removes the directory if a lab created it (never one the system had).
 */
const USERS_DIR = '/run/bangui-sshlab-privsep'
const CREATED = join(USERS_DIR, 'created-by-a-lab')

function usePrivsepDir(): void {
  mkdirSync(USERS_DIR, { recursive: true, mode: 0o700 })
  const me = join(USERS_DIR, `user-${process.pid}`)
  writeFileSync(me, '')
  if (!existsSync(PRIVSEP_DIR)) {
    mkdirSync(PRIVSEP_DIR, { mode: 0o755 })
    writeFileSync(CREATED, '')
  }
  cleanups.push(() => {
    rmSync(me, { force: true })
    const others = readdirSync(USERS_DIR).filter(
      (f) => f.startsWith('user-') && pidAlive(Number(f.slice(5)))
    )
    if (others.length > 0) return
    try {
      if (existsSync(CREATED)) rmdirSync(PRIVSEP_DIR)
    } catch {
      // not empty or gone: leave it
    }
    rmSync(USERS_DIR, { recursive: true, force: true })
  })
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** A world-readable temp dir for a lab; removed at exit. */
export function makeLabDir(): string {
  hook()
  const dir = mkdtempSync(join(tmpdir(), 'bangui-sshlab-'))
  chmodSync(dir, 0o755)
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  usePrivsepDir()
  return dir
}

/** Runs a cleanup at process exit too (idempotent cleanups only). */
export function atExit(fn: () => void): void {
  hook()
  cleanups.push(fn)
}

export interface SshdOptions {
  /** Directory with one authorized_keys file per user name (AuthorizedKeysFile DIR/%u). */
  authorizedKeysDir: string
  /** Users allowed in (root included if listed). */
  allowUsers: string[]
}

/** Starts a private sshd in `dir` (created), with fresh ed25519 host keys. */
export async function startSshd(dir: string, opts: SshdOptions): Promise<PrivateSshd> {
  hook()
  mkdirSync(dir, { recursive: true, mode: 0o755 })
  const hostKey = join(dir, 'ssh_host_ed25519_key')
  execFileSync('/usr/bin/ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', hostKey])
  const port = await freePort()
  const logFile = join(dir, 'sshd.log')
  const config = join(dir, 'sshd_config')
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${opts.authorizedKeysDir}/%u`,
      'AuthorizedPrincipalsFile none',
      'UsePAM no',
      // the keys live under /tmp (sticky, world-writable): StrictModes would refuse the path
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      `AllowUsers ${opts.allowUsers.join(' ')}`,
      'AllowTcpForwarding yes',
      'X11Forwarding no',
      'PrintMotd no',
      'AcceptEnv LANG LC_*',
      // A login's shell startup (bash reads ~/.bashrc under sshd) may run `pyenv rehash`, which
      // waits up to 60 s for a lock that a session killed mid-login leaves behind; a test that
      // kills sessions must not stall the next login past the helper's hello timeout.
      'SetEnv PYENV_REHASH_TIMEOUT=1',
      'LogLevel VERBOSE',
      ''
    ].join('\n')
  )
  execFileSync(SSHD, ['-t', '-f', config])
  let entry: { child: ChildProcess } | undefined

  const start = async (): Promise<void> => {
    const child = spawn(SSHD, ['-D', '-e', '-f', config], {
      stdio: ['ignore', 'ignore', 'pipe']
    })
    entry = { child }
    live.add(entry)
    child.once('exit', () => {
      if (entry?.child === child) live.delete(entry)
    })
    let log = ''
    child.stderr!.setEncoding('utf8')
    child.stderr!.on('data', (s: string) => {
      writeFileSync(logFile, s, { flag: 'a' })
      log += s
    })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sshd did not start:\n${log}`)), 10_000)
      const check = (): void => {
        if (/Server listening on 127\.0\.0\.1 port/.test(log)) {
          clearTimeout(timer)
          child.stderr!.off('data', check)
          resolve()
        }
      }
      child.stderr!.on('data', check)
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`sshd exited with ${code}:\n${log}`))
      })
    })
  }
  const stop = async (): Promise<void> => {
    const e = entry
    if (!e) return
    entry = undefined
    killTree(e.child.pid)
    if (e.child.exitCode === null && e.child.signalCode === null) {
      await new Promise((r) => e.child.once('exit', r))
    }
    live.delete(e)
  }
  await start()
  const pub = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ')
  return {
    port,
    dir,
    pid: () => entry?.child.pid,
    knownHostsLine: (name = `[127.0.0.1]:${port}`) => `${name} ${pub}`,
    fingerprint: () =>
      execFileSync('/usr/bin/ssh-keygen', ['-lf', `${hostKey}.pub`], { encoding: 'utf8' }).split(
        ' '
      )[1]!,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    stop,
    start
  }
}

export interface TestUser {
  name: string
  home: string
  remove(): void
}

/** Creates a throwaway user (no password, not locked: '*'), home in `dir`. */
export function createTestUser(dir: string, suffix: string): TestUser {
  hook()
  const name = `bgt${process.pid % 100000}${suffix}`.slice(0, 31)
  const home = join(dir, 'home', name)
  try {
    execFileSync('/usr/sbin/userdel', [name], { stdio: 'ignore' })
  } catch {
    // not there: fine
  }
  execFileSync('/usr/sbin/useradd', ['-M', '-d', home, '-s', '/bin/sh', '-p', '*', name])
  mkdirSync(home, { recursive: true, mode: 0o755 })
  const uid = Number(execFileSync('/usr/bin/id', ['-u', name], { encoding: 'utf8' }).trim())
  const gid = Number(execFileSync('/usr/bin/id', ['-g', name], { encoding: 'utf8' }).trim())
  chownSync(home, uid, gid)
  let removed = false
  const remove = (): void => {
    if (removed) return
    removed = true
    try {
      execFileSync('/usr/sbin/userdel', [name], { stdio: 'ignore' })
    } catch {
      // already gone
    }
  }
  cleanups.push(remove)
  return { name, home, remove }
}

/** Installs /etc/sudoers.d/<name> after `visudo -cf` accepted it; returns its remover. */
export function installSudoers(name: string, text: string): () => void {
  hook()
  if (!/^[a-z0-9_-]+$/.test(name)) throw new Error(`bad sudoers drop-in name ${name}`)
  const staged = join(mkdtempSync(join(tmpdir(), 'bangui-sudoers-')), name)
  writeFileSync(staged, text, { mode: 0o440 })
  execFileSync('/usr/sbin/visudo', ['-cf', staged], { stdio: 'pipe' })
  const target = join('/etc/sudoers.d', name)
  writeFileSync(target, text, { mode: 0o440 })
  rmSync(join(staged, '..'), { recursive: true, force: true })
  let removed = false
  const remove = (): void => {
    if (removed) return
    removed = true
    rmSync(target, { force: true })
  }
  cleanups.push(remove)
  return remove
}

/** A fresh ed25519 client key pair: returns [private path, public line]. */
export function makeClientKey(dir: string, name = 'id_ed25519'): [string, string] {
  const p = join(dir, name)
  execFileSync('/usr/bin/ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'bangui-test',
    '-f',
    p
  ])
  return [p, readFileSync(`${p}.pub`, 'utf8').trim()]
}
