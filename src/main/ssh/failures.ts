/**
 * What went wrong with a server, as a typed state with a message an admin can act on, read from
 * ssh's exit status and stderr (OpenSSH client messages are not translated; remote sudo speaks
 * English because the session asks for LC_ALL=C where the server accepts it).
 */
import type { ServerFailureKind } from '../../shared/servers.ts'
import { BOOTSTRAP_TAG } from './remote-command.ts'

/** The kinds are the renderer's too (shared/servers.ts): one list. */
export type SshFailureKind = ServerFailureKind

/** Failures that heal by themselves (worth a reconnect); the others need the admin. */
export const TRANSIENT: ReadonlySet<SshFailureKind> = new Set([
  'unreachable',
  'session-dropped',
  'fail2ban-not-running'
])

export interface HostKeyChange {
  /** known_hosts file and line of the key on record (as OpenSSH names it). */
  offendingFile?: string
  offendingLine?: number
  /** what the server sent now */
  keyType?: string
  fingerprint?: string
}

export class SshError extends Error {
  override name = 'SshError'
  readonly kind: SshFailureKind
  readonly server: string
  /** ssh's stderr (bounded), for a details pane and the log */
  readonly stderr: string
  /** what fixes it, when a line of config does (the sudoers line) */
  readonly fix?: string
  readonly hostKey?: HostKeyChange

  constructor(
    kind: SshFailureKind,
    server: string,
    message: string,
    stderr = '',
    fix?: string,
    hostKey?: HostKeyChange
  ) {
    super(message)
    this.kind = kind
    this.server = server
    this.stderr = stderr
    if (fix !== undefined) this.fix = fix
    if (hostKey !== undefined) this.hostKey = hostKey
  }

  get transient(): boolean {
    return TRANSIENT.has(this.kind)
  }
}

export interface ExitFacts {
  code: number | null
  signal: NodeJS.Signals | null
  stderr: string
  /** true once the helper's hello arrived: a later exit is a dropped or ended session */
  established: boolean
}

/**
 * Remote text made fit for a message: the server (or whatever answers there) writes to ssh's
 * stderr, so control characters (ANSI escapes, bidi overrides) go and lines are bounded.
 */
export function printableLine(s: string, max = 300): string {
  let out = ''
  for (const ch of s) {
    const c = ch.codePointAt(0)!
    const control = c < 0x20 || (c >= 0x7f && c <= 0x9f)
    const bidi = (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
    if (control || bidi) continue
    if (out.length >= max) return `${out.trim()}…`
    out += ch
  }
  return out.trim()
}

/** The last meaningful stderr lines, without OpenSSH's banner of '@' lines, made printable. */
export function lastLines(stderr: string, n = 3): string {
  return stderr
    .split('\n')
    .map((l) => printableLine(l))
    .filter((l) => l !== '' && !/^@+$/.test(l))
    .slice(-n)
    .join(' / ')
}

/** The fail2ban socket is absent or refuses: the helper's words for it, from its stderr. */
const F2B_DOWN =
  /bangui-helper: refusing to start: \[Errno (2|111)\]|cannot connect to \S+: \[Errno (2|111)\]/

/**
 * Classifies a failed or ended session. `sudoFix` gives the sudoers advice for the profile
 * (remote-command.ts builds it; passed in to keep this module free of profiles).
 */
export function classifyExit(server: string, f: ExitFacts, sudoFix?: () => string): SshError {
  const e = f.stderr
  const tail = lastLines(e)
  const mk = (kind: SshFailureKind, msg: string, fix?: string, hk?: HostKeyChange): SshError =>
    new SshError(kind, server, `${server}: ${msg}`, e, fix, hk)

  const missingSsh = /^bangui: cannot run (\S+): .*ENOENT/m.exec(e)
  if (missingSsh) {
    return mk(
      'helper-failed',
      `the OpenSSH client (${missingSsh[1]}) is not installed on this machine: install ` +
        'openssh-client.'
    )
  }
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED/.test(e) || /Host key for .* has changed/.test(e)) {
    const off = /Offending (\S+) key in (.+?):(\d+)/.exec(e)
    const now =
      /The fingerprint for the (\S+) key sent by the remote host is\s*\n?\s*(SHA256:[A-Za-z0-9+/]+)/.exec(
        e
      )
    const hk: HostKeyChange = {}
    if (off) {
      hk.offendingFile = off[2]!
      hk.offendingLine = Number(off[3])
    }
    if (now) {
      hk.keyType = now[1]!
      hk.fingerprint = now[2]!
    }
    const where = off ? `Offending key in ${off[2]}:${off[3]}.` : ''
    const sent = now ? ` The server now sends the ${now[1]} key ${now[2]}.` : ''
    return mk(
      'host-key-changed',
      'REMOTE HOST IDENTIFICATION HAS CHANGED! Someone could be eavesdropping on you right now ' +
        '(man-in-the-middle attack), or the host key has just been changed. Nothing was sent.' +
        `${sent} ${where} If the change is expected, remove the old key ` +
        '(ssh-keygen -R <host>) and connect again to check the new one.',
      undefined,
      hk
    )
  }
  if (/No \S+ host key is known for|Host key verification failed/.test(e)) {
    // with ProxyJump the unknown key may be the jump host's: name whose it is
    const who = /No \S+ host key is known for (\S+) and/.exec(e)?.[1]
    return mk(
      'host-key-unknown',
      `the host key of ${who ?? 'the server'} is not in known_hosts yet. Check its fingerprint ` +
        'and accept it to connect; nothing was sent.'
    )
  }
  if (
    /Permission denied \(|Too many authentication failures|no mutual signature|Authentication failed/.test(
      e
    )
  ) {
    const m = /^(\S+@\S+): Permission denied \(([^)]*)\)/m.exec(e)
    return mk(
      'auth-failed',
      `SSH refused the login${m ? ` as ${m[1]} (server accepts: ${m[2]})` : ''}. BanGUI never ` +
        'prompts (BatchMode): load the key into your ssh-agent, name an identity file in the ' +
        'profile, or check authorized_keys on the server.'
    )
  }
  if (
    !f.established &&
    (f.code === 255 || f.code === null) &&
    /ssh: |Connection (refused|timed out|reset|closed)|Could not resolve|No route to host|Network is unreachable|kex_exchange_identification|Broken pipe|banner exchange/.test(
      e
    )
  ) {
    return mk('unreachable', `cannot reach the server over SSH (${tail}).`)
  }
  if (
    /sudo: (a password is required|a terminal is required)|is not in the sudoers file|sudo: .*not allowed to execute/.test(
      e
    )
  ) {
    return mk(
      'sudo-password',
      'sudo on the server needs a password, and BanGUI never types one (sudo -n).',
      sudoFix?.()
    )
  }
  if (F2B_DOWN.test(e)) {
    return mk('fail2ban-not-running', `fail2ban is not running on the server (${tail}).`)
  }
  if (e.includes(BOOTSTRAP_TAG)) {
    return mk('helper-failed', `the helper could not be started: ${tail}.`)
  }
  if (/\/bangui-helper: (command )?not found|\/bangui-helper: No such file/.test(e)) {
    return mk(
      'helper-missing',
      'the installed helper is missing on the server: install the BanGUI package there, or set ' +
        'the profile\u2019s helper to "push".'
    )
  }
  if (/python3[^\n]*(not found|No such file)/.test(e) || (!f.established && f.code === 127)) {
    return mk(
      'python-missing',
      'python3 is not installed on the server (fail2ban needs it too: is fail2ban installed?).'
    )
  }
  if (f.established && (f.code === 255 || f.code === null || f.code === 0)) {
    return mk('session-dropped', `the SSH session dropped (${tail || 'connection closed'}).`)
  }
  if (!f.established && f.code === 255) {
    return mk('unreachable', `cannot reach the server over SSH (${tail || 'ssh failed'}).`)
  }
  const how = f.signal ? `was killed by ${f.signal}` : `exited with status ${f.code}`
  return mk('helper-failed', `the helper ${how}${tail ? ` (${tail})` : ''}.`)
}

/** The helper's words for "fail2ban's socket is gone or refuses" in a ConnectionError reply. */
const F2B_DOWN_REPLY =
  /^(cannot connect to|cannot send to|connection to the server failed|the server closed the connection)/

/**
 * A reply `(1, ConnectionError(...))` from the helper that means fail2ban itself is down (the
 * session is fine): as a typed error for the server's state, else undefined.
 */
export function classifyReplyError(server: string, reply: unknown): SshError | undefined {
  if (!Array.isArray(reply) || reply[0] !== 1) return undefined
  const exc: unknown = reply[1]
  if (typeof exc !== 'object' || exc === null) return undefined
  const { className, message } = exc as { className?: unknown; message?: unknown }
  if (className !== 'builtins.ConnectionError' || typeof message !== 'string') return undefined
  if (!F2B_DOWN_REPLY.test(message)) return undefined
  return new SshError(
    'fail2ban-not-running',
    server,
    `${server}: fail2ban is not running on the server (${printableLine(message)}).`
  )
}
