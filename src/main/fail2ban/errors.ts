/**
 * Typed errors of the fail2ban client. Each message says what happened and, where the user can
 * act, what to do about it.
 */

/** The server answered `(1, exception)` or a bare `'ERROR: …'` string. */
export class Fail2BanCommandError extends Error {
  override readonly name: string = 'Fail2BanCommandError'
  /** Python class of the exception, e.g. `fail2ban.exceptions.UnknownJailException`. */
  readonly className: string
  /** The command that failed (its first tokens, for logs). */
  readonly command: readonly string[]
  constructor(className: string, message: string, command: readonly string[] = []) {
    super(message)
    this.className = className
    this.command = command
  }
}

/** Connection-level codes the client reports. */
export type ConnectionErrorCode =
  | 'ENOENT'
  | 'ECONNREFUSED'
  | 'EACCES'
  | 'ETIMEDOUT'
  | 'ECONNRESET'
  | 'EAGAIN'
  | 'ENOBUFS'
  | 'EPIPE'
  | 'ENOTSOCK'
  | 'ECLOSED'
  | string

/** The socket could not be used: missing, refused, not permitted, timed out, reset. */
export class Fail2BanConnectionError extends Error {
  override readonly name: string = 'Fail2BanConnectionError'
  readonly code: ConnectionErrorCode
  readonly socketPath: string
  /** Reply bytes received before the failure (0: the server said nothing). */
  readonly bytesReceived: number
  constructor(code: ConnectionErrorCode, socketPath: string, message?: string, bytesReceived = 0) {
    super(message ?? describeConnectionError(code, socketPath))
    this.code = code
    this.socketPath = socketPath
    this.bytesReceived = bytesReceived
  }
}

/** The reply could not be decoded, broke a limit, or named code we refuse to resolve. */
export class Fail2BanProtocolError extends Error {
  override readonly name: string = 'Fail2BanProtocolError'
}

/** A user-supplied argument was refused before anything was sent. */
export class Fail2BanArgumentError extends Error {
  override readonly name: string = 'Fail2BanArgumentError'
}

/** A sentence a Linux admin can act on, per connection error code. */
export function describeConnectionError(code: string, socketPath: string): string {
  switch (code) {
    case 'ENOENT':
      return `No fail2ban socket at ${socketPath}: the server is not running, or it uses another socket path. Start it (systemctl start fail2ban) or set the socket path in the settings.`
    case 'ECONNREFUSED':
      return `Connection refused on ${socketPath}: the socket file exists but no fail2ban-server listens on it (a stale socket left by a crash?). Restart fail2ban.`
    case 'EACCES':
    case 'EPERM':
      return `Permission denied on ${socketPath}: the socket is root-only (0700). Connect through BanGUI's privileged helper (README, "Reaching the socket"); running the app as root is refused without --allow-root.`
    case 'ETIMEDOUT':
      return `fail2ban did not answer on ${socketPath} in time: the server may be busy (a slow ban action blocks every client) or hung.`
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECLOSED':
      return `fail2ban closed the connection on ${socketPath} before it answered: the server may have stopped or restarted.`
    case 'EAGAIN':
    case 'ENOBUFS':
      return `fail2ban is busy on ${socketPath} (its listen queue is full) and kept refusing new connections. Try again in a moment.`
    case 'ENOTSOCK':
      return `${socketPath} is not a socket. Check the socket path in the settings.`
    default:
      return `Cannot use the fail2ban socket ${socketPath} (${code}).`
  }
}
