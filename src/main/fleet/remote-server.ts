/**
 * One SSH server as the app uses it: a ServerLink (session, typed state, reconnect) and the
 * server services on top, whose client is swapped for a fresh stream client over each new
 * session. The remote reload runs through the helper there, never through a local
 * fail2ban-client.
 */
import {
  Fail2BanClient,
  Fail2BanCommandError,
  Fail2BanConnectionError,
  type Logger
} from '../fail2ban/index.ts'
import { helperReloadRunner } from '../fail2ban/reload-runner.ts'
import { ClientLink } from '../services/client-link.ts'
import { SshError } from '../ssh/failures.ts'
import type { LaunchOptions } from '../ssh/launcher.ts'
import type { ServerProfile } from '../ssh/profile.ts'
import type { ReconnectPolicy } from '../ssh/reconnect.ts'
import { ServerLink, type LinkState } from '../ssh/server-link.ts'
import { createServerServices, probePing, type ServerServices } from './server-services.ts'

export interface RemoteServerOptions {
  launch: LaunchOptions
  pollIntervalMs: number
  timeoutMs?: number
  reconnectBackoffMs?: number
  policy?: ReconnectPolicy
  logger: Logger
}

export interface RemoteServer {
  readonly profile: ServerProfile
  readonly link: ServerLink
  readonly services: ServerServices
  start(): Promise<void>
  dispose(): Promise<void>
}

export function createRemoteServer(profile: ServerProfile, o: RemoteServerOptions): RemoteServer {
  const serverLink = new ServerLink(profile, {
    ...o.launch,
    ...(o.policy ? { policy: o.policy } : {})
  })
  const where = `ssh ${profile.target}`
  const notConnected = (s: LinkState): Fail2BanConnectionError =>
    new Fail2BanConnectionError(
      'ECONNREFUSED',
      where,
      s.status === 'failed' || s.status === 'waiting'
        ? s.error.message
        : `${profile.name}: not connected yet (${s.status}).`
    )
  // Until the first session: a client whose every send says why there is none.
  const idle = (): Fail2BanClient =>
    new Fail2BanClient({
      stream: {
        description: where,
        open: () => Promise.reject(notConnected(serverLink.state))
      },
      ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
      logger: o.logger
    })
  const link = new ClientLink(idle())
  const services = createServerServices({
    id: profile.name,
    where,
    link,
    probe: async () => {
      if (serverLink.state.status !== 'connected') throw notConnected(serverLink.state)
      try {
        await probePing(link.current)
      } catch (err) {
        // The helper answers, fail2ban there does not: the link's state says so, and it retries.
        if (err instanceof Fail2BanCommandError && err.className.endsWith('ConnectionError'))
          serverLink.reportFailure(
            new SshError(
              'fail2ban-not-running',
              profile.name,
              `${profile.name}: fail2ban is not running on the server (${err.message}).`
            )
          )
        throw err
      }
    },
    reloadRunner: () => helperReloadRunner(link),
    pollIntervalMs: o.pollIntervalMs,
    ...(o.reconnectBackoffMs ? { reconnectBackoffMs: o.reconnectBackoffMs } : {}),
    logger: o.logger
  })
  serverLink.on('session', (session) => {
    const client = new Fail2BanClient({
      stream: { description: where, open: async () => session.stream },
      ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
      logger: o.logger
    })
    // The session belongs to the ServerLink; closing the client only ends this use of it.
    // The link swaps clients at once (the old one closes after): check the new one now.
    void link.replace(client, () => client.close())
    void services.connection.check()
  })
  // 'connected' comes just before 'session': checked there, on the new session's client
  serverLink.on('state', (s) => {
    if (s.status !== 'connected') void services.connection.check()
  })
  return {
    profile: serverLink.profile,
    link: serverLink,
    services,
    async start() {
      serverLink.start()
      await services.start()
    },
    async dispose() {
      await serverLink.stop()
      await services.dispose()
    }
  }
}
