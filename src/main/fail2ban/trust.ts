/**
 * Which files root-level fail2ban access may be pointed at. Whoever controls the socket BanGUI
 * talks to controls what `fail2ban-client` unpickles (it runs `pickle.loads` on the reply, as the
 * user who started it), and whoever controls the config dir controls what a reload starts. So a
 * socket path, a config dir and the fail2ban-client binary are trusted only if they, their
 * directory and every directory above are owned by root or by this process's uid, and neither
 * the path nor its directory is writable by group or others (an ancestor may be, if sticky, as
 * /tmp is: then others cannot rename what is inside). Symlinks are resolved first and the real
 * path is checked. Checked before every connect and before any child process is spawned.
 */
import { constants, type Stats } from 'node:fs'
import { lstat, realpath, stat } from 'node:fs/promises'
import { dirname, isAbsolute } from 'node:path'

/** The sticky bit (S_ISVTX), missing from node:fs constants' types. */
const STICKY = 0o1000

export type TrustedKind = 'socket' | 'directory' | 'executable'

/** A path refused by the trust rule; `code` is the Node error code when the path is missing. */
export class UntrustedPathError extends Error {
  override readonly name: string = 'UntrustedPathError'
  readonly code: string
  readonly path: string
  constructor(path: string, message: string, code = 'EUNTRUSTED') {
    super(message)
    this.path = path
    this.code = code
  }
}

export interface TrustOptions {
  /** The uid besides root that may own the files. Default: this process's uid. */
  uid?: number
}

const WHAT: Record<TrustedKind, string> = {
  socket: 'fail2ban socket',
  directory: 'fail2ban configuration directory',
  executable: 'fail2ban-client'
}

/**
 * Resolves `path` and checks it under the rule above; returns the real path. Throws
 * {@link UntrustedPathError} (code ENOENT/ENOTDIR when it does not exist, EUNTRUSTED otherwise).
 */
export async function assertTrustedPath(
  path: string,
  kind: TrustedKind,
  opts: TrustOptions = {}
): Promise<string> {
  const what = WHAT[kind]
  if (typeof path !== 'string' || !isAbsolute(path) || path.includes('\0')) {
    throw new UntrustedPathError(String(path), `The ${what} path must be an absolute path.`)
  }
  const uid = opts.uid ?? process.getuid?.() ?? 0
  let real: string
  try {
    real = await realpath(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'ENOENT'
    throw new UntrustedPathError(path, `No ${what} at ${path} (${code}).`, code)
  }
  const st = await lstat(real)
  const typeOk =
    kind === 'socket' ? st.isSocket() : kind === 'directory' ? st.isDirectory() : st.isFile()
  if (!typeOk) {
    const code = kind === 'socket' ? 'ENOTSOCK' : 'EUNTRUSTED'
    throw new UntrustedPathError(path, `${path} is not a ${kindNoun(kind)}.`, code)
  }
  const refuse = (why: string): never => {
    throw new UntrustedPathError(
      path,
      `Refusing the ${what} ${path}${real === path ? '' : ` (really ${real})`}: ${why}. ` +
        `Only paths owned by root${uid === 0 ? '' : ` or by uid ${uid}`} and not writable by group or others are used, because whoever controls them can run code as ${uid === 0 ? 'root' : 'this user'}.`
    )
  }
  checkNode(real, st, uid, false, refuse)
  let dir = dirname(real)
  let first = true
  for (;;) {
    const ds = await stat(dir)
    checkNode(dir, ds, uid, !first, refuse)
    first = false
    const up = dirname(dir)
    if (up === dir) break
    dir = up
  }
  return real
}

/** True if the path passes {@link assertTrustedPath}. */
export async function isTrustedPath(
  path: string,
  kind: TrustedKind,
  opts: TrustOptions = {}
): Promise<boolean> {
  try {
    await assertTrustedPath(path, kind, opts)
    return true
  } catch {
    return false
  }
}

function checkNode(
  path: string,
  st: Stats,
  uid: number,
  stickyAllowed: boolean,
  refuse: (why: string) => never
): void {
  if (st.uid !== 0 && st.uid !== uid) refuse(`${path} is owned by uid ${st.uid}`)
  const writable = st.mode & (constants.S_IWGRP | constants.S_IWOTH)
  if (writable && !(stickyAllowed && st.isDirectory() && st.mode & STICKY)) {
    refuse(`${path} is writable by ${st.mode & constants.S_IWOTH ? 'others' : 'its group'}`)
  }
}

function kindNoun(kind: TrustedKind): string {
  return kind === 'socket' ? 'socket' : kind === 'directory' ? 'directory' : 'regular file'
}
