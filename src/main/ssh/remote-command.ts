/**
 * The command ssh asks the server to run: the helper on stdio, as root.
 *
 * Push mode installs nothing: a short bootstrap run by the server's python3 reads exactly N bytes
 * of helper source from stdin (raw fd reads, so not one byte of the fail2ban frames that follow
 * is consumed), checks their SHA-256, and execs them as `__main__` with the helper's argv. The
 * bootstrap is passed in single quotes and contains none, so any POSIX shell (and fish) keeps it
 * as one argument.
 */
import { createHash } from 'node:crypto'
import { INSTALLED_HELPER_PATH, isSafeRemotePath, type ServerProfile } from './profile.ts'

/** Exit status and stderr prefix of the bootstrap when the pushed source did not arrive whole. */
export const BOOTSTRAP_TAG = 'bangui-bootstrap:'

// Python 3.7+ syntax, no single quotes (it travels inside '...').
const BOOTSTRAP = [
  'import hashlib,os,sys',
  'n=int(sys.argv[1]);b=b""',
  'while len(b)<n:',
  ' c=os.read(0,n-len(b))',
  ` if not c:sys.exit("${BOOTSTRAP_TAG} helper source truncated (%d of %d bytes)"%(len(b),n))`,
  ' b+=c',
  `if hashlib.sha256(b).hexdigest()!=sys.argv[2]:sys.exit("${BOOTSTRAP_TAG} helper source corrupted")`,
  'sys.argv=["bangui-helper"]+sys.argv[3:]',
  'exec(compile(b,"bangui-helper","exec"),{"__name__":"__main__","__file__":"bangui-helper"})'
].join('\n')

/** The python the pushed helper runs with: root's PATH on a root login; an exact path for sudo. */
export function remotePython(profile: ServerProfile): string {
  return profile.become === 'sudo' ? SUDO_PYTHON : 'python3'
}

/** Under sudo the path is exact, so that a sudoers rule naming it matches. */
const SUDO_PYTHON = '/usr/bin/python3'

/** The helper's own arguments (after its program name). */
export function helperArgs(profile: ServerProfile): string[] {
  const args = ['--stdio']
  if (profile.remoteSocket !== undefined) args.push('--socket', profile.remoteSocket)
  if (profile.remoteConf !== undefined) args.push('--conf', profile.remoteConf)
  return args
}

export interface RemoteCommand {
  /** One string: ssh hands it to the remote login shell. */
  command: string
  /** Bytes to write to the session's stdin before the first frame (push mode), else empty. */
  preamble: Buffer
}

/**
 * Builds the remote command. `helperSource` is the helper's Python source (push mode only).
 * Every interpolated piece is from a checked grammar (profile.ts) or produced here.
 */
export function buildRemoteCommand(
  profile: ServerProfile,
  helperSource?: Buffer,
  installedPath = INSTALLED_HELPER_PATH
): RemoteCommand {
  if (!isSafeRemotePath(installedPath)) throw new Error(`unsafe helper path ${installedPath}`)
  const sudo = profile.become === 'sudo' ? 'sudo -n -- ' : ''
  const args = helperArgs(profile).join(' ')
  if (profile.helper === 'installed') {
    return { command: `exec ${sudo}${installedPath} ${args}`, preamble: Buffer.alloc(0) }
  }
  if (!helperSource || helperSource.length === 0) {
    throw new Error('push mode needs the helper source')
  }
  const sha = createHash('sha256').update(helperSource).digest('hex')
  const command =
    `exec ${sudo}${remotePython(profile)} -I -c '${BOOTSTRAP}' ` +
    `${helperSource.length} ${sha} ${args}`
  return { command, preamble: helperSource }
}

/**
 * The sudoers drop-in line that lets `user` start the helper without a password. In push mode
 * that is python3 itself, which is as much as full root: said plainly, with the narrow
 * alternative (the installed helper, exact arguments).
 */
export function sudoersAdvice(
  profile: ServerProfile,
  user: string,
  installedPath = INSTALLED_HELPER_PATH
): string {
  const narrow = `${user} ALL=(root) NOPASSWD: ${installedPath} ${helperArgs(profile).join(' ')}`
  if (profile.helper === 'installed') {
    return `Add this line with "visudo -f /etc/sudoers.d/bangui" on the server:\n  ${narrow}`
  }
  return (
    `Add this line with "visudo -f /etc/sudoers.d/bangui" on the server:\n` +
    `  ${user} ALL=(root) NOPASSWD: ${SUDO_PYTHON}\n` +
    'It lets that user run any Python as root, which is as much as root itself. For a narrow ' +
    `rule, install the BanGUI helper on the server (the deb puts it at ${INSTALLED_HELPER_PATH}), ` +
    `set the profile's helper to "installed", and use instead:\n  ${narrow}`
  )
}
