/**
 * How main reaches fail2ban's root-only socket, as the UI sees and chooses it. Plain data only.
 *
 * - `direct`: main opens the socket itself (the app runs as root, or the socket was opened to
 *   the user by other means);
 * - `pkexec` / `sudo`: main starts the privileged helper once per session through pkexec (a
 *   password prompt from the desktop's polkit agent) or `sudo -n` (a sudoers rule, no prompt),
 *   and every command passes through the helper's allow-list.
 */

export const ACCESS_MODES = ['direct', 'pkexec', 'sudo'] as const
export type AccessMode = (typeof ACCESS_MODES)[number]

/** Where the packages install the helper; the polkit policy and sudoers rule name this path. */
export const INSTALLED_HELPER_PATH = '/usr/lib/bangui/bangui-helper'

export type HelperStatus = 'stopped' | 'starting' | 'running' | 'failed'

export interface AccessState {
  mode: AccessMode
  /** The helper's path and whether it is there (installed by the deb, or the AppImage step). */
  helperPath: string
  helperInstalled: boolean
  helper: {
    status: HelperStatus
    /** The version from the helper's hello frame, once running. */
    version: string | null
    /** Why it failed or stopped, in words an admin can act on; empty otherwise. */
    message: string
  }
  /** The sudoers line that lets this user start the helper without a password. */
  sudoersLine: string
  /** Shell commands that install that line safely (checked by `visudo -cf` first). */
  sudoersCommands: string[]
  /** The app itself runs as root (only with --allow-root). */
  runningAsRoot: boolean
}

/** The result of "Check again" for passwordless sudo. */
export interface SudoCheck {
  ok: boolean
  /** What sudo said, or why the check could not run. */
  message: string
}
