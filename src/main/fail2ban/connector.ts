/**
 * Transports. The client needs only two-way byte streams, so it works over two kinds:
 *
 * - **Connector** (per-connection mode, direct use of the local socket): a factory called for
 *   each new connection. The client keeps a small pool of idle connections, sends one request
 *   at a time per connection, retries EAGAIN/ECONNREFUSED/ENOBUFS on connect with back-off,
 *   and destroys a connection whose request timed out or was aborted.
 *
 * - **StreamTransport** (stream mode, the privileged helper or an SSH channel): `open()` yields
 *   ONE long-lived duplex that speaks fail2ban's wire protocol (`pickle + <F2B_END_COMMAND>`
 *   each way). Requests are written on it in order without waiting (pipelined, at most
 *   `maxInFlight` at once) and replies are matched first in, first out. A request that times
 *   out or is aborted does not end the stream: it stays queued as abandoned and its late reply
 *   is read and dropped. Opens are serialized (never two at once). When the stream ends or
 *   errors, every request still waiting on it is rejected, and the client opens a new stream
 *   only if `autoReopen` is true (after a back-off that doubles per failed open), otherwise
 *   only after `client.reopen()` (e.g. the user pressed "Retry": pkexec asks for a password on
 *   every open, so it must never open in a loop). Errors name `description` instead of a
 *   socket path. Closing the client ends the stream with fail2ban's close command.
 *
 *   `open()` rejects with a Node-style error carrying `code`; the duplex must emit 'error',
 *   'end' or 'close' when the other side is gone.
 */
import net from 'node:net'
import type { Duplex } from 'node:stream'

/** Opens one connection; rejects with a Node error carrying `code` (ENOENT, EAGAIN, …). */
export type Connector = () => Promise<Duplex>

/** One long-lived, pipelined stream to fail2ban (see the file comment). */
export interface StreamTransport {
  /** Starts the transport (e.g. spawns the helper) and yields its duplex. */
  open(): Promise<Duplex>
  /** Who is on the other end, for messages: e.g. "the pkexec helper (fail2ban socket /run/…)". */
  description: string
  /** Re-open after the stream died, without being asked. Default false. */
  autoReopen?: boolean
  /** First delay before an automatic re-open, doubled per failed open (max 30 s). Default 1000. */
  reopenBackoffMs?: number
}

/** The local Unix socket of fail2ban-server. */
export function unixSocketConnector(socketPath: string): Connector {
  return () =>
    new Promise<Duplex>((resolve, reject) => {
      const sock = net.createConnection({ path: socketPath })
      const onError = (err: Error): void => {
        sock.destroy()
        reject(err)
      }
      sock.once('error', onError)
      sock.once('connect', () => {
        sock.off('error', onError)
        resolve(sock)
      })
    })
}
