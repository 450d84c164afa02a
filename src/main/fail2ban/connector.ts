/**
 * Transports. The client needs only a two-way byte stream per connection, so remote servers
 * (an SSH channel) can plug in later without touching the client.
 */
import net from 'node:net'
import type { Duplex } from 'node:stream'

/** Opens one connection; rejects with a Node error carrying `code` (ENOENT, EAGAIN, …). */
export type Connector = () => Promise<Duplex>

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
