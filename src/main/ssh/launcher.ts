/**
 * Starts the helper on a server over one persistent `ssh` child and hands over its stdio as a
 * Duplex once the helper's hello frame `(0, ['bangui-helper', version])` has arrived: the same
 * shape the local launcher (pkexec/sudo) returns, so Fail2BanClient's stream transport serves both.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { Duplex } from 'node:stream'
import { ReplyReader, type ReadResult } from '../fail2ban/framing.ts'
import type { HelperExit, HelperSession } from '../helper/launcher.ts'
import { helloVersion } from '../helper/hello.ts'
import { decodeReply, isTruncationError } from '../fail2ban/pickle.ts'
import { classifyExit, lastLines, SshError } from './failures.ts'
import { effectiveOptions } from './host-keys.ts'
import {
  INSTALLED_HELPER_PATH,
  parseServerProfile,
  parseTarget,
  type ServerProfile
} from './profile.ts'
import { buildRemoteCommand, sudoersAdvice } from './remote-command.ts'
import { sessionArgv, sshEnv, SSH_BIN } from './ssh-command.ts'

export interface RemoteHelperExit extends HelperExit {
  /** Why the session ended, typed (session-dropped, helper-failed, …); undefined after kill(). */
  error?: SshError
}

/**
 * A running remote helper: the local launcher's HelperSession (stream, version, pid, exited,
 * kill), so one stream transport serves both. `pid` is the local ssh child's; `kill()` closes
 * stdin (the helper exits on EOF), and signals ssh only if it is still there 2 s later;
 * idempotent.
 */
export interface RemoteHelper extends HelperSession {
  exited: Promise<RemoteHelperExit>
  /** ssh's stderr so far (bounded). */
  stderrTail(): string
}

export interface LaunchOptions {
  /** The helper's Python source; needed when the profile's helper is 'push'. */
  helperSource?: Buffer
  /** How long to wait for the hello frame. Default 30 s (ConnectTimeout is 15 s). */
  helloTimeoutMs?: number
  /** The ssh program; tests only (default /usr/bin/ssh). */
  sshBin?: string
  /** Where the installed helper is on the server (helper: 'installed'); tests only. */
  installedHelperPath?: string
  /** The remote user, for the sudoers advice; default the user of the target or "YOURUSER". */
  remoteUser?: string
}

const STDERR_CAP = 64 * 1024
const MAX_HELLO_BYTES = 4096
const KILL_GRACE_MS = 2_000

/**
 * Connects and starts the helper. Rejects with an SshError whose `kind` says what failed
 * (host key unknown or changed, auth, sudo, python3, …); nothing but the helper's source and
 * the profile's own arguments has been sent by then.
 */
export function launchRemoteHelper(
  rawProfile: ServerProfile,
  opts: LaunchOptions = {}
): Promise<RemoteHelper> {
  const profile = parseServerProfile(rawProfile)
  const installed = opts.installedHelperPath ?? INSTALLED_HELPER_PATH
  const remote = buildRemoteCommand(profile, opts.helperSource, installed)
  const child = spawn(opts.sshBin ?? SSH_BIN, sessionArgv(profile, remote.command), {
    env: sshEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: false
  })
  let stderr = ''
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (s: string) => {
    stderr = (stderr + s).slice(-STDERR_CAP)
  })
  // A session ending before stdin is drained gives EPIPE: the exit status says why.
  child.stdin!.on('error', () => {})

  let established = false
  let killed = false
  // The sudoers advice names the remote user; an alias's user comes from `ssh -G` (local, fast).
  const user: Promise<string> =
    opts.remoteUser !== undefined
      ? Promise.resolve(opts.remoteUser)
      : profile.become === 'sudo' && parseTarget(profile.target).isAlias
        ? effectiveOptions(profile).then(
            (o) => o.get('user') ?? 'YOURUSER',
            () => 'YOURUSER'
          )
        : Promise.resolve(userOf(profile.target))
  const exited = new Promise<RemoteHelperExit>((resolve) => {
    child.once('error', (err) => {
      stderr += `\nbangui: cannot run ${opts.sshBin ?? SSH_BIN}: ${err.message}\n`
    })
    child.once('close', (code, signal) => {
      void user.then((u) => {
        const out: RemoteHelperExit = { code, signal, stderr: stderr.slice(-4096) }
        const facts = { code, signal, stderr, established }
        if (!killed)
          out.error = classifyExit(profile.name, facts, () => sudoersAdvice(profile, u, installed))
        resolve(out)
      })
    })
  })

  const kill = (): void => {
    if (killed) return
    killed = true
    // EOF first: the helper closes its fail2ban connection and exits, then ssh ends cleanly.
    child.stdin!.end()
    if (exitedAlready(child)) return
    const term = setTimeout(() => {
      if (!exitedAlready(child)) child.kill('SIGTERM')
    }, KILL_GRACE_MS)
    const hard = setTimeout(() => {
      if (!exitedAlready(child)) child.kill('SIGKILL')
    }, 2 * KILL_GRACE_MS)
    term.unref()
    hard.unref()
    child.once('close', () => {
      clearTimeout(term)
      clearTimeout(hard)
    })
  }

  if (remote.preamble.length > 0) child.stdin!.write(remote.preamble)

  return new Promise<RemoteHelper>((resolve, reject) => {
    const stdout = child.stdout!
    // The first end marker ends the hello: no false ends (a hello has no room for one).
    const reader = new ReplyReader({
      maxBytes: MAX_HELLO_BYTES,
      decode: decodeReply,
      isTruncation: () => false
    })
    const timeoutMs = opts.helloTimeoutMs ?? 30_000
    const timer = setTimeout(() => {
      done(
        new SshError(
          'helper-failed',
          profile.name,
          `${profile.name}: no answer from the helper within ${Math.round(timeoutMs / 1000)} s ` +
            `(${lastLines(stderr, 2) || 'ssh said nothing'}).`,
          stderr
        )
      )
    }, timeoutMs)
    const onData = (chunk: Buffer): void => {
      let r: ReadResult
      try {
        r = reader.push(chunk)
      } catch (err) {
        done(
          notAHelper(
            reader.length > MAX_HELLO_BYTES
              ? 'an oversized first frame'
              : isTruncationError(err)
                ? 'a truncated first frame'
                : String(err)
          )
        )
        return
      }
      if (!r.done) return
      const version = helloVersion(r.value)
      if (version === undefined) {
        done(notAHelper('a first frame that is not its hello'))
        return
      }
      done(undefined, version, r.rest ?? undefined)
    }
    const notAHelper = (what: string): SshError =>
      new SshError(
        'helper-failed',
        profile.name,
        `${profile.name}: the server did not start the BanGUI helper (got ${what}).`,
        stderr
      )
    const onEarlyExit = (): void => {
      void exited.then((x) => {
        if (!settled) done(x.error ?? notAHelper('no hello before the session ended'))
      })
    }
    let settled = false
    const done = (err: SshError | undefined, version?: string, rest?: Buffer): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      stdout.off('data', onData)
      child.off('close', onEarlyExit)
      if (err) {
        kill()
        reject(err)
        return
      }
      stdout.pause()
      if (rest && rest.length > 0) stdout.unshift(rest)
      established = true
      resolve({
        stream: Duplex.from({ readable: stdout, writable: child.stdin! }),
        version: version!,
        pid: child.pid ?? -1,
        exited,
        kill,
        stderrTail: () => stderr
      })
    }
    stdout.on('data', onData)
    child.once('close', onEarlyExit)
  })
}

function userOf(target: string): string {
  const at = target.indexOf('@')
  return at > 0 ? target.slice(0, at) : 'YOURUSER'
}

function exitedAlready(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}
