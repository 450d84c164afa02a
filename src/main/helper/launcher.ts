/**
 * Starts the privileged helper (src/helper/bangui-helper.py) through pkexec or sudo, or directly
 * (tests, or an app already running as root), reads its hello frame, and hands back its stdio as
 * one Duplex that speaks fail2ban's wire protocol. No electron here: the launcher is plain Node.
 *
 * One attempt per call: a refused or dismissed authentication ends in a HelperLaunchError and is
 * never retried here (retrying would put password prompts in a loop).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { stat } from 'node:fs/promises'
import { Duplex } from 'node:stream'
import { decodeReply, isTruncationError } from '../fail2ban/pickle.ts'
import { ReplyReader } from '../fail2ban/framing.ts'
import { HelperLaunchError, sudoersLine } from './errors.ts'
import { helloVersion } from './hello.ts'

export { HelperLaunchError, sudoersLine } from './errors.ts'
export type { HelperErrorCode } from './errors.ts'

export const PKEXEC = '/usr/bin/pkexec'
export const SUDO = '/usr/bin/sudo'
/** Where the deb installs the helper (and where the polkit policy and sudoers rule point). */
export const INSTALLED_HELPER = '/usr/lib/bangui/bangui-helper'

/** pkexec's own exit statuses (the helper never exits with these). */
const PKEXEC_DISMISSED = 126
const PKEXEC_NOT_AUTHORIZED = 127

const MAX_HELLO_BYTES = 4096
const STDERR_TAIL_BYTES = 4096
/** A password dialog may stay open a while. */
const DEFAULT_TIMEOUT_MS = 120_000
/** How long kill() waits for the helper to exit on EOF before it signals. */
const KILL_GRACE_MS = 2_000

export type HelperVia = 'pkexec' | 'sudo' | 'direct'

export interface LaunchOptions {
  via: HelperVia
  /** Absolute path of the helper; the polkit policy and sudoers rule pin this exact path. */
  helperPath: string
  /** Arguments after `--stdio` (e.g. `--socket`, `--conf`; sudo/pkexec rules may refuse them). */
  extraArgs?: readonly string[]
  /** How long to wait for the hello frame, authentication included. */
  timeoutMs?: number
  /** Spawn pkexec/sudo/the helper as this user (only possible for a root caller; tests). */
  runAs?: { uid: number; gid: number }
}

export interface HelperExit {
  code: number | null
  signal: NodeJS.Signals | null
  /** The last few KiB of stderr. */
  stderr: string
}

export interface HelperSession {
  /** The helper's stdin and stdout joined: write request frames, read reply frames (FIFO). */
  stream: Duplex
  /** Version from the hello frame. */
  version: string
  /** pid of the process spawned (pkexec or sudo, which exec/wait the helper; or the helper). */
  pid: number
  /** Resolves when the process has ended, with why. */
  exited: Promise<HelperExit>
  /**
   * Ends the helper: closes its stdin (it exits 0 on EOF), then, if it is still there after a
   * grace period, sends SIGTERM (which only works when we may signal it, e.g. via 'direct').
   */
  kill(): void
}

/** The argv to spawn for `via`. */
export function helperCommand(opts: LaunchOptions): [string, string[]] {
  const args = ['--stdio', ...(opts.extraArgs ?? [])]
  switch (opts.via) {
    case 'pkexec':
      return [PKEXEC, ['--disable-internal-agent', opts.helperPath, ...args]]
    case 'sudo':
      return [SUDO, ['-n', opts.helperPath, ...args]]
    case 'direct':
      return [opts.helperPath, args]
  }
}

/** Starts the helper and waits for its hello; rejects with a HelperLaunchError. */
export async function launchHelper(opts: LaunchOptions): Promise<HelperSession> {
  if (!opts.helperPath.startsWith('/')) {
    throw new HelperLaunchError(
      'HELPER_MISSING',
      `helper path must be absolute: ${opts.helperPath}`
    )
  }
  await requireFile(opts.helperPath, 'the BanGUI helper', installHint(opts.helperPath))
  if (opts.via === 'pkexec') await requireFile(PKEXEC, 'pkexec', 'install the pkexec package')
  if (opts.via === 'sudo') await requireFile(SUDO, 'sudo', 'install the sudo package')

  const [cmd, argv] = helperCommand(opts)
  const child = spawn(cmd, argv, {
    // Nothing of the app's environment reaches pkexec/sudo/the helper.
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' },
    cwd: '/',
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(opts.runAs ? { uid: opts.runAs.uid, gid: opts.runAs.gid } : {})
  })
  const stderr = collectTail(child)
  const exited = new Promise<HelperExit>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal, stderr: stderr() }))
  })
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve))
  // A helper started through pkexec/sudo runs as root: signalling it fails with EPERM, which
  // ChildProcess reports as an 'error' event. Closing its stdin is what ends it.
  child.on('error', () => {})

  try {
    const version = await readHello(child, opts, exited, spawnError)
    const stream = Duplex.from({ readable: child.stdout!, writable: child.stdin! })
    return {
      stream,
      version,
      pid: child.pid!,
      exited,
      kill() {
        child.stdin?.end()
        const timer = setTimeout(() => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
        }, KILL_GRACE_MS)
        timer.unref()
        void exited.then(() => clearTimeout(timer))
      }
    }
  } catch (err) {
    child.stdin?.destroy()
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    throw err
  }
}

function readHello(
  child: ChildProcess,
  opts: LaunchOptions,
  exited: Promise<HelperExit>,
  spawnError: Promise<Error>
): Promise<string> {
  const out = child.stdout!
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
  return new Promise<string>((resolve, reject) => {
    let settled = false
    const reader = new ReplyReader({
      maxBytes: MAX_HELLO_BYTES,
      decode: decodeReply,
      isTruncation: isTruncationError
    })
    const finish = (err: Error | undefined, version?: string): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      out.off('data', onData)
      out.pause()
      if (err) reject(err)
      else resolve(version!)
    }
    const timer = setTimeout(
      () =>
        finish(
          new HelperLaunchError(
            'TIMEOUT',
            `the helper did not answer within ${Math.round(timeoutMs / 1000)} s` +
              (opts.via === 'pkexec' ? ' (was the password dialog left open?)' : '')
          )
        ),
      timeoutMs
    )
    const onData = (chunk: Buffer): void => {
      try {
        const r = reader.push(chunk)
        if (!r.done) return
        finish(undefined, checkHello(r.value))
      } catch (err) {
        finish(
          err instanceof HelperLaunchError
            ? err
            : new HelperLaunchError(
                'BAD_HELLO',
                `the program at ${opts.helperPath} is not the BanGUI helper: ${(err as Error).message}`
              )
        )
      }
    }
    out.on('data', onData)
    void exited.then((e) => finish(exitError(opts, e)))
    void spawnError.then((e) => finish(spawnFailure(opts, e)))
  })
}

function checkHello(value: unknown): string {
  const version = helloVersion(value)
  if (version === undefined)
    throw new HelperLaunchError('BAD_HELLO', 'the helper did not greet as bangui-helper')
  return version
}

/** The error for a process that ended before its hello. */
export function exitError(opts: LaunchOptions, e: HelperExit): HelperLaunchError {
  const tail = e.stderr.trim()
  const detail = tail ? `\n${tail}` : ''
  const how = e.signal ? `was killed by ${e.signal}` : `exited with status ${String(e.code)}`
  if (opts.via === 'pkexec' && e.code === PKEXEC_DISMISSED) {
    return new HelperLaunchError(
      'AUTH_FAILED',
      'Authentication was dismissed or failed: BanGUI did not get administrator rights. ' +
        'Choose "Connect as administrator" again to retry.' +
        detail,
      e.code,
      tail
    )
  }
  if (opts.via === 'pkexec' && e.code === PKEXEC_NOT_AUTHORIZED) {
    return new HelperLaunchError(
      'NOT_AUTHORIZED',
      'pkexec refused to run the BanGUI helper (status 127): you are not authorized, no ' +
        'authentication agent is running, or the polkit policy org.bangui.helper is not ' +
        `installed for ${opts.helperPath} (see docs/HELPER.md).` +
        detail,
      e.code,
      tail
    )
  }
  if (opts.via === 'sudo' && /a password is required/i.test(tail)) {
    return new HelperLaunchError(
      'SUDO_PASSWORD_REQUIRED',
      'sudo asks for a password, and BanGUI never types one. Add this line with ' +
        '`sudo visudo -f /etc/sudoers.d/bangui` (and check it with `sudo visudo -cf ' +
        `/etc/sudoers.d/bangui\`):\n  ${sudoersLine(opts.helperPath)}` +
        detail,
      e.code,
      tail
    )
  }
  if (
    opts.via === 'sudo' &&
    /not allowed to execute|may not run sudo|not in the sudoers/i.test(tail)
  ) {
    return new HelperLaunchError(
      'SUDO_NOT_ALLOWED',
      `sudo does not allow you to run ${opts.helperPath} --stdio. Ask an administrator to add:\n  ` +
        sudoersLine(opts.helperPath) +
        detail,
      e.code,
      tail
    )
  }
  return new HelperLaunchError(
    'EXITED',
    `the BanGUI helper (via ${opts.via}) ${how} before it was ready` + detail,
    e.code,
    tail
  )
}

function spawnFailure(opts: LaunchOptions, e: Error): HelperLaunchError {
  const code = (e as NodeJS.ErrnoException).code
  if (code === 'ENOENT' || code === 'EACCES') {
    return new HelperLaunchError(
      'HELPER_MISSING',
      `cannot run ${helperCommand(opts)[0]} (${code}): ${installHint(opts.helperPath)}`
    )
  }
  return new HelperLaunchError('EXITED', `cannot start the helper: ${e.message}`)
}

async function requireFile(path: string, what: string, hint: string): Promise<void> {
  try {
    const s = await stat(path)
    if (s.isFile()) return
  } catch {
    // reported below
  }
  throw new HelperLaunchError('HELPER_MISSING', `${what} is not installed at ${path}: ${hint}`)
}

function installHint(helperPath: string): string {
  return helperPath === INSTALLED_HELPER
    ? 'install the BanGUI deb package, or use "Install helper" (see docs/HELPER.md)'
    : 'check the helper path'
}

/** Keeps the last STDERR_TAIL_BYTES of the child's stderr. */
function collectTail(child: ChildProcess): () => string {
  let tail = Buffer.alloc(0)
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = Buffer.concat([tail, chunk])
    if (tail.length > STDERR_TAIL_BYTES) tail = tail.subarray(tail.length - STDERR_TAIL_BYTES)
  })
  return () => tail.toString('utf8')
}
