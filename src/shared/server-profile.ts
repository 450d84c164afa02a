/**
 * Server profiles: how BanGUI reaches one remote fail2ban over SSH.
 *
 * Everything here reaches the `ssh` command line, so each field has a strict grammar and is
 * checked before any process starts: a target can never be read by ssh as an option (no leading
 * '-', no whitespace or control characters, no `%` tokens), and paths are absolute.
 */

/** How the remote helper becomes root. */
export type BecomeRoot = 'root-login' | 'sudo'

/**
 * Which helper runs on the server: 'push' sends the app's own helper source over the session
 * and runs it with the server's python3 (nothing installed); 'installed' runs the packaged
 * helper at {@link INSTALLED_HELPER_PATH} (a narrow sudoers rule can then name it exactly).
 */
export type HelperMode = 'push' | 'installed'

/** Where the deb installs the helper. */
export const INSTALLED_HELPER_PATH = '/usr/lib/bangui/bangui-helper'

export interface ServerProfile {
  /** Display name, unique among profiles. */
  name: string
  /** An alias of the ssh config, or `user@host[:port]` (host: name, IPv4 or `[IPv6]`). */
  target: string
  become: BecomeRoot
  helper: HelperMode
  /** fail2ban's socket on the server; the helper's default (from its config) when absent. */
  remoteSocket?: string
  /** fail2ban's configuration dir on the server, for reloads; /etc/fail2ban when absent. */
  remoteConf?: string
  /** `ssh -i`: an identity file on this machine. */
  identityFile?: string
  /** `ssh -F`: an ssh config file on this machine (instead of ~/.ssh/config). */
  sshConfig?: string
}

/** A parsed target: what goes after `--` on the ssh command line, and an optional `-p`. */
export interface SshTarget {
  /** `alias`, `user@host` (IPv6 without brackets, as ssh wants it). */
  destination: string
  port?: number
  /** True when the target is a bare name that ssh resolves through its config. */
  isAlias: boolean
}

export class SshProfileError extends Error {
  override name = 'SshProfileError'
  readonly field: keyof ServerProfile | 'profile'
  constructor(field: keyof ServerProfile | 'profile', message: string) {
    super(message)
    this.field = field
  }
}

const MAX_NAME = 64
const MAX_TARGET = 255
const MAX_PATH = 4096

// A DNS name or an ssh config alias: letters, digits, '.', '_', '-', not starting with '-' or '.'.
const HOST_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/
// POSIX-ish user names (plus upper case, which some directories use).
const USER_NAME = /^[A-Za-z_][A-Za-z0-9._-]*\$?$/
const IPV6 = /^[0-9A-Fa-f:.]+$/
// Absolute path without whitespace or control characters: it is passed as one argv item here,
// but the remote socket travels inside a remote shell command line.
const REMOTE_PATH = /^\/[A-Za-z0-9._/+-]*$/

/**
 * Parses `alias` or `user@host[:port]`. Throws SshProfileError with a message an admin can act on.
 */
export function parseTarget(raw: unknown): SshTarget {
  if (typeof raw !== 'string' || raw === '') {
    throw new SshProfileError('target', 'The SSH target is empty: give a host alias or user@host.')
  }
  if (raw.length > MAX_TARGET) {
    throw new SshProfileError('target', `The SSH target is longer than ${MAX_TARGET} characters.`)
  }
  if (raw.startsWith('-')) {
    throw new SshProfileError(
      'target',
      `The SSH target "${printable(raw)}" starts with '-': ssh would read it as an option.`
    )
  }
  if (/\s/.test(raw) || hasControl(raw)) {
    throw new SshProfileError(
      'target',
      'The SSH target contains spaces or control characters; give a host alias or user@host[:port].'
    )
  }
  const at = raw.indexOf('@')
  if (at === -1) {
    if (!HOST_NAME.test(raw)) {
      throw new SshProfileError(
        'target',
        `"${printable(raw)}" is not a host alias: use letters, digits, '.', '_' and '-' ` +
          '(or user@host[:port]).'
      )
    }
    return { destination: raw, isAlias: true }
  }
  const user = raw.slice(0, at)
  const rest = raw.slice(at + 1)
  if (!USER_NAME.test(user)) {
    throw new SshProfileError('target', `"${printable(user)}" is not a valid user name.`)
  }
  let host: string
  let portText: string | undefined
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']')
    if (close === -1) throw new SshProfileError('target', 'An IPv6 address lacks its closing "]".')
    host = rest.slice(1, close)
    const after = rest.slice(close + 1)
    if (after !== '' && !after.startsWith(':')) {
      throw new SshProfileError(
        'target',
        `Unexpected "${printable(after)}" after the IPv6 address.`
      )
    }
    portText = after === '' ? undefined : after.slice(1)
    if (!IPV6.test(host) || !host.includes(':')) {
      throw new SshProfileError('target', `"${printable(host)}" is not an IPv6 address.`)
    }
  } else {
    const colon = rest.indexOf(':')
    host = colon === -1 ? rest : rest.slice(0, colon)
    portText = colon === -1 ? undefined : rest.slice(colon + 1)
    if (!HOST_NAME.test(host)) {
      throw new SshProfileError(
        'target',
        `"${printable(host)}" is not a host name (IPv6 addresses go in brackets: user@[::1]:22).`
      )
    }
  }
  const target: SshTarget = { destination: `${user}@${host}`, isAlias: false }
  if (portText !== undefined) {
    if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new SshProfileError('target', `"${printable(portText)}" is not a port (1-65535).`)
    }
    target.port = Number(portText)
  }
  return target
}

/** Validates an untrusted profile (settings file, renderer request); returns a clean copy. */
export function parseServerProfile(raw: unknown): ServerProfile {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SshProfileError('profile', 'A server profile must be an object.')
  }
  const r = raw as Record<string, unknown>
  const allowed = new Set([
    'name',
    'target',
    'become',
    'helper',
    'remoteSocket',
    'remoteConf',
    'identityFile',
    'sshConfig'
  ])
  for (const key of Object.keys(r)) {
    if (!allowed.has(key)) {
      throw new SshProfileError('profile', `Unknown profile field "${printable(key)}".`)
    }
  }
  const name = r.name
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME) {
    throw new SshProfileError('name', `A server needs a name of 1 to ${MAX_NAME} characters.`)
  }
  if (hasControl(name)) {
    throw new SshProfileError('name', 'The server name contains control characters.')
  }
  parseTarget(r.target)
  const become = r.become ?? 'root-login'
  if (become !== 'root-login' && become !== 'sudo') {
    throw new SshProfileError('become', 'Become root by "root-login" or "sudo".')
  }
  const helper = r.helper ?? 'push'
  if (helper !== 'push' && helper !== 'installed') {
    throw new SshProfileError('helper', 'The helper is "push" (sent over SSH) or "installed".')
  }
  const profile: ServerProfile = { name, target: r.target as string, become, helper }
  if (r.remoteSocket !== undefined) {
    const s = r.remoteSocket
    if (!isSafeRemotePath(s)) {
      throw new SshProfileError(
        'remoteSocket',
        'The remote socket must be an absolute path of letters, digits and . _ - + / ' +
          '(no spaces, no "..").'
      )
    }
    profile.remoteSocket = s
  }
  if (r.remoteConf !== undefined) {
    if (!isSafeRemotePath(r.remoteConf)) {
      throw new SshProfileError(
        'remoteConf',
        'The remote configuration directory must be an absolute path of letters, digits and ' +
          '. _ - + / (no spaces, no "..").'
      )
    }
    profile.remoteConf = r.remoteConf
  }
  for (const field of ['identityFile', 'sshConfig'] as const) {
    const p = r[field]
    if (p === undefined) continue
    if (
      typeof p !== 'string' ||
      !p.startsWith('/') ||
      hasControl(p) ||
      p.length > MAX_PATH ||
      hasDotDot(p)
    ) {
      const what = field === 'identityFile' ? 'identity file' : 'ssh config file'
      throw new SshProfileError(field, `The ${what} must be an absolute path on this machine.`)
    }
    profile[field] = p
  }
  return profile
}

/** C0/C1 control characters (no regex: the linter rightly flags control chars in patterns). */
export function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true
  }
  return false
}

/** True for an absolute path that may travel inside the remote shell command unquoted. */
export function isSafeRemotePath(s: unknown): s is string {
  return typeof s === 'string' && REMOTE_PATH.test(s) && s.length <= MAX_PATH && !hasDotDot(s)
}

function hasDotDot(p: string): boolean {
  return p.split('/').includes('..')
}

/** For messages: control characters shown as escapes, long input cut. */
function printable(s: string): string {
  const cut = s.length > 80 ? `${s.slice(0, 80)}…` : s
  let out = ''
  for (const ch of cut) {
    out += hasControl(ch) ? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}` : ch
  }
  return out
}
