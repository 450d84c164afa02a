/**
 * Transports. The client needs only a two-way byte stream per connection, so remote servers
 * (an SSH channel) can plug in later without touching the client.
 */
import net from 'node:net'
import type { Duplex } from 'node:stream'
import { Fail2BanConnectionError } from './errors.ts'
import { assertTrustedPath, UntrustedPathError } from './trust.ts'

/** Opens one connection; rejects with a Node error carrying `code` (ENOENT, EAGAIN, …). */
export type Connector = () => Promise<Duplex>

/**
 * The local Unix socket of fail2ban-server, checked under the trust rule (trust.ts) before each
 * connect: a socket someone else could have put there is never opened.
 */
export function unixSocketConnector(socketPath: string): Connector {
  return async () => {
    try {
      await assertTrustedPath(socketPath, 'socket')
    } catch (err) {
      if (err instanceof UntrustedPathError && err.code === 'EUNTRUSTED')
        throw new Fail2BanConnectionError('EUNTRUSTED', socketPath, err.message)
      throw err // ENOENT, ENOTSOCK…: reported like a failed connect
    }
    return connect(socketPath)
  }
}

function connect(socketPath: string): Promise<Duplex> {
  return new Promise<Duplex>((resolve, reject) => {
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
