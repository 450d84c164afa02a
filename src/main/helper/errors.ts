/**
 * Why the privileged helper could not be started, as messages an admin can act on. The launcher
 * never retries by itself: each of these ends one attempt, and only the user starts another.
 */

export type HelperErrorCode =
  /** pkexec 126: the password dialog was dismissed or the authentication failed. */
  | 'AUTH_FAILED'
  /** pkexec 127: not authorized (no agent, no rule), or the policy/helper is not installed. */
  | 'NOT_AUTHORIZED'
  /** sudo -n: no NOPASSWD rule for the helper. */
  | 'SUDO_PASSWORD_REQUIRED'
  /** sudo: the user may not run the helper this way at all. */
  | 'SUDO_NOT_ALLOWED'
  /** the helper (or pkexec/sudo) is not installed where expected */
  | 'HELPER_MISSING'
  /** the first frame was not the helper's hello */
  | 'BAD_HELLO'
  /** no hello within the time limit */
  | 'TIMEOUT'
  /** the helper ended before saying hello, for another reason */
  | 'EXITED'

export class HelperLaunchError extends Error {
  override readonly name: string = 'HelperLaunchError'
  readonly code: HelperErrorCode
  /** Exit status of pkexec/sudo/the helper, when it ended. */
  readonly exitCode: number | null
  /** The last lines the process wrote on stderr. */
  readonly stderr: string

  constructor(code: HelperErrorCode, message: string, exitCode: number | null = null, stderr = '') {
    super(message)
    this.code = code
    this.exitCode = exitCode
    this.stderr = stderr
  }
}

/** The sudoers line that lets members of group sudo start the helper without a password. */
export function sudoersLine(helperPath: string): string {
  return `%sudo ALL=(root) NOPASSWD: ${helperPath} --stdio`
}
