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

/**
 * A connection error of the long-lived stream transport (the privileged helper): `socketPath`
 * holds the transport's description (e.g. "pkexec helper"), and the message names it.
 */
export class Fail2BanTransportError extends Fail2BanConnectionError {
  override readonly name: string = 'Fail2BanTransportError'
  constructor(code: ConnectionErrorCode, transport: string, message?: string, bytesReceived = 0) {
    super(code, transport, message ?? describeTransportError(code, transport), bytesReceived)
  }
}

/** The client was closed while the command waited or ran; nothing is sent after `close()`. */
export class Fail2BanClientClosedError extends Fail2BanConnectionError {
  override readonly name: string = 'Fail2BanClientClosedError'
  constructor(where: string) {
    super(
      'ECLIENTCLOSED',
      where,
      'the fail2ban client was closed before the command finished; its outcome is unknown if it was already sent'
    )
  }
}

/** The caller's AbortSignal fired; the command's outcome is unknown if it was already sent. */
export class Fail2BanAbortError extends Error {
  override readonly name: string = 'AbortError'
  readonly code = 'ABORT_ERR'
  /** True when the request had been written (the server may still run it). */
  readonly sent: boolean
  constructor(sent: boolean, reason?: unknown) {
    super(
      sent
        ? 'command aborted after it was sent: fail2ban may still run it'
        : 'command aborted before it was sent',
      reason === undefined ? undefined : { cause: reason }
    )
    this.sent = sent
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

/** Like describeConnectionError, for the stream transport (a helper process, an SSH channel). */
export function describeTransportError(code: string, transport: string): string {
  switch (code) {
    case 'ETIMEDOUT':
      return `fail2ban did not answer through ${transport} in time: the server may be busy (a slow ban action blocks every client) or hung.`
    case 'ECLOSED':
    case 'ECONNRESET':
    case 'EPIPE':
      return `${transport} ended: fail2ban can no longer be reached through it. Use "Retry" to start it again.`
    case 'EPROTO':
      return `${transport} sent bytes that are not a fail2ban reply; it was stopped.`
    case 'EREOPEN':
      return `${transport} ended earlier and is not restarted automatically. Use "Retry" to start it again.`
    default:
      return `Cannot reach fail2ban through ${transport} (${code}).`
  }
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
      return `Permission denied on ${socketPath}: the socket is root-only (0700). Run BanGUI as root, or see the README section "Reaching the socket".`
    case 'ETIMEDOUT':
      return `fail2ban did not answer on ${socketPath} in time: the server may be busy (a slow ban action blocks every client) or hung.`
    case 'EPROTO':
      return `fail2ban on ${socketPath} sent bytes nobody asked for; the connection was dropped.`
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
