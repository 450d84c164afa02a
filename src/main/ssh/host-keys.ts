/**
 * Host keys, the OpenSSH way.
 *
 * A server not in known_hosts is never trusted silently. `fetchHostKey` learns its key over the
 * very route the session takes (the admin's config, ProxyJump and HostKeyAlias included, which
 * ssh-keyscan would miss): ssh with `StrictHostKeyChecking=accept-new` into a scratch known_hosts
 * and no usable authentication method, so it stops right after the key exchange — nothing is
 * authenticated, no command runs. The key is shown as `ssh-keygen -lf` prints it; once the admin
 * accepts, `acceptHostKey` appends exactly that key to the known_hosts file ssh itself uses
 * (`ssh -G`), hashed when HashKnownHosts says so (by `ssh-keygen -H`, as OpenSSH hashes).
 */
import { execFile } from 'node:child_process'
import { appendFile, chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir, userInfo } from 'node:os'
import { dirname, join } from 'node:path'
import { classifyExit, SshError } from './failures.ts'
import { parseServerProfile, type ServerProfile } from './profile.ts'
import { destination, profileArgs, sshEnv, SSH_BIN, SSH_KEYGEN_BIN } from './ssh-command.ts'

export interface HostKey {
  /** The name ssh looks the key up by: `host`, `[host]:port`, or the HostKeyAlias. */
  host: string
  /** `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, … */
  keyType: string
  /** base64 key blob */
  key: string
  /** `SHA256:…` */
  fingerprint: string
  bits: number
  /** `ED25519`, `ECDSA`, `RSA`, … as ssh-keygen prints it */
  typeLabel: string
  /** The whole line as `ssh-keygen -lf` prints it: `256 SHA256:… [h]:p (ED25519)`. */
  display: string
}

const KEY_TYPES = new Set([
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com'
])
const HOST_LABEL = /^(\[[A-Za-z0-9._:-]+\]:[0-9]{1,5}|[A-Za-z0-9._:-]+)$/
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
const PROBE_TIMEOUT_MS = 30_000

function run(
  file: string,
  args: string[],
  timeoutMs = PROBE_TIMEOUT_MS
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { env: sshEnv(), timeout: timeoutMs, maxBuffer: 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0
        resolve({ code, stdout: String(stdout), stderr: String(stderr) })
      }
    )
  })
}

/** `ssh -G`: the effective options for the profile's target (keys lower-case, values raw). */
export async function effectiveOptions(profile: ServerProfile): Promise<Map<string, string>> {
  const p = parseServerProfile(profile)
  const r = await run(SSH_BIN, ['-G', ...profileArgs(p), '--', destination(p)], 10_000)
  if (r.code !== 0) {
    throw new SshError(
      'unreachable',
      p.name,
      `${p.name}: ssh cannot read its configuration for this target: ${r.stderr.trim()}`,
      r.stderr
    )
  }
  const out = new Map<string, string>()
  for (const line of r.stdout.split('\n')) {
    const sp = line.indexOf(' ')
    if (sp > 0) out.set(line.slice(0, sp).toLowerCase(), line.slice(sp + 1))
  }
  return out
}

/** The name the key is recorded under, as ssh computes it. */
export function knownHostsName(opts: Map<string, string>): string {
  const alias = opts.get('hostkeyalias')
  if (alias && alias !== 'none') return alias
  const host = opts.get('hostname') ?? ''
  const port = opts.get('port') ?? '22'
  return port === '22' ? host : `[${host}]:${port}`
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? join(userInfo().homedir, p.slice(1)) : p
}

/** Parses `ssh-keygen -lf` output lines: `256 SHA256:… host (ED25519)`. */
function parseFingerprints(text: string): { bits: number; fp: string; label: string }[] {
  const out: { bits: number; fp: string; label: string }[] = []
  for (const line of text.split('\n')) {
    const m = /^(\d+) (SHA256:[A-Za-z0-9+/]+) .* \(([A-Z0-9-]+)\)$/.exec(line.trim())
    if (m) out.push({ bits: Number(m[1]), fp: m[2]!, label: m[3]! })
  }
  return out
}

/**
 * Learns the server's host key without authenticating. Rejects with an SshError when the server
 * cannot be reached (or the jump host's own key is unknown: that one must be accepted first).
 */
export async function fetchHostKey(rawProfile: ServerProfile): Promise<HostKey> {
  const profile = parseServerProfile(rawProfile)
  const dir = await mkdtemp(join(tmpdir(), 'bangui-hostkey-'))
  try {
    const scratch = join(dir, 'known_hosts')
    await writeFile(scratch, '', { mode: 0o600 })
    const r = await run(SSH_BIN, [
      '-T',
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=accept-new',
      '-o',
      `UserKnownHostsFile=${scratch}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      'HashKnownHosts=no',
      '-o',
      'UpdateHostKeys=no',
      // no such method: ssh stops after the key exchange, before offering any key
      '-o',
      'PreferredAuthentications=bangui-no-auth',
      '-o',
      'ControlMaster=no',
      '-o',
      'ControlPath=none',
      '-o',
      'ClearAllForwardings=yes',
      '-o',
      'ConnectTimeout=15',
      ...profileArgs(profile),
      '--',
      destination(profile),
      'true'
    ])
    const text = await readFile(scratch, 'utf8')
    const line = text.split('\n').find((l) => l.trim() !== '')
    if (!line) {
      throw classifyExit(profile.name, {
        code: r.code,
        signal: null,
        stderr: r.stderr,
        established: false
      })
    }
    const [host = '', keyType = '', key = ''] = line.trim().split(/\s+/)
    const fp = await run(SSH_KEYGEN_BIN, ['-lf', scratch], 10_000)
    const [first] = parseFingerprints(fp.stdout)
    if (!first || !HOST_LABEL.test(host) || !KEY_TYPES.has(keyType) || !BASE64.test(key)) {
      throw new SshError(
        'helper-failed',
        profile.name,
        `${profile.name}: could not read the server's host key (${fp.stderr.trim() || line}).`
      )
    }
    return {
      host,
      keyType,
      key,
      fingerprint: first.fp,
      bits: first.bits,
      typeLabel: first.label,
      display: `${first.bits} ${first.fp} ${host} (${first.label})`
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Writes an accepted key to the user's known_hosts (the first UserKnownHostsFile ssh uses for
 * this target), hashed if HashKnownHosts is on. The key must be for this profile's host name:
 * a key fetched for another server is refused. Checks every field (it may come from the UI).
 */
export async function acceptHostKey(rawProfile: ServerProfile, key: HostKey): Promise<string> {
  const profile = parseServerProfile(rawProfile)
  if (
    typeof key?.host !== 'string' ||
    !HOST_LABEL.test(key.host) ||
    !KEY_TYPES.has(key.keyType) ||
    typeof key.key !== 'string' ||
    !BASE64.test(key.key) ||
    key.key.length > 16384
  ) {
    throw new SshError('helper-failed', profile.name, `${profile.name}: not a valid host key.`)
  }
  const opts = await effectiveOptions(profile)
  const expected = knownHostsName(opts)
  if (key.host !== expected) {
    throw new SshError(
      'helper-failed',
      profile.name,
      `${profile.name}: this key was fetched for ${key.host}, but the profile connects to ` +
        `${expected}. Fetch the key again.`
    )
  }
  const file = expandHome((opts.get('userknownhostsfile') ?? '~/.ssh/known_hosts').split(' ')[0]!)
  let line = `${key.host} ${key.keyType} ${key.key}\n`
  if ((opts.get('hashknownhosts') ?? 'no') === 'yes') line = await hashLine(line)
  await mkdir(dirname(file), { recursive: true, mode: 0o700 })
  let prefix = ''
  try {
    const st = await stat(file)
    if (st.size > 0) {
      const tail = await readFile(file)
      if (tail[tail.length - 1] !== 0x0a) prefix = '\n'
    }
  } catch {
    // a new file: created 0600 below, as ssh creates it
  }
  await appendFile(file, prefix + line, { mode: 0o600 })
  return file
}

/** Hashes one known_hosts line with `ssh-keygen -H`, in a private temp dir. */
async function hashLine(line: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bangui-hostkey-'))
  try {
    const f = join(dir, 'kh')
    await writeFile(f, line, { mode: 0o600 })
    await chmod(f, 0o600)
    const r = await run(SSH_KEYGEN_BIN, ['-H', '-f', f], 10_000)
    const hashed = (await readFile(f, 'utf8')).split('\n').find((l) => l.startsWith('|1|'))
    if (r.code !== 0 || !hashed) throw new Error(`ssh-keygen -H failed: ${r.stderr.trim()}`)
    return `${hashed}\n`
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
