/**
 * The services of one fail2ban server, whatever the transport: its client link, commands,
 * connection state, monitor, bans, jails and reloader, with an event hub of their own. This
 * machine and every SSH server get one each; the fleet (fleet.service.ts) forwards the active
 * server's events to the window.
 */
import { Fail2BanCommands, Reloader, type Fail2BanClient, type Logger } from '../fail2ban/index.ts'
import type { ReloadRunner } from '../fail2ban/reload-runner.ts'
import { BanService } from '../services/ban.service.ts'
import type { ClientLink } from '../services/client-link.ts'
import { ConnectionService } from '../services/connection.service.ts'
import { EventHub } from '../services/events.ts'
import { JailService } from '../services/jails.service.ts'
import { MonitorService } from '../services/monitor.service.ts'

export interface ServerServicesOptions {
  /** 'local', or the SSH profile's name. */
  id: string
  /** What the connection state and server info show: the socket path or the SSH target. */
  where: string
  link: ClientLink
  /** Resolves when the server answers a fresh request; default an uncached ping. */
  probe?: () => Promise<unknown>
  /** fail2ban's configuration dir for local reloads (fail2ban-client's default when absent). */
  confDir?: string
  /** The helper's reload runner, or null to run fail2ban-client here (direct local access). */
  reloadRunner: () => ReloadRunner | null
  pollIntervalMs: number
  reconnectBackoffMs?: number
  logger: Logger
}

export interface ServerServices {
  readonly id: string
  readonly where: string
  readonly link: ClientLink
  readonly events: EventHub
  readonly commands: Fail2BanCommands
  readonly connection: ConnectionService
  readonly monitor: MonitorService
  readonly bans: BanService
  readonly jails: JailService
  readonly reloader: Reloader
  /** fail2ban's version, learnt at each (re)connect; null before the first. */
  readonly version: string | null
  /** The connection check and the monitor. */
  start(): Promise<void>
  /** Stops polling and closes the link. */
  dispose(): Promise<void>
}

export function createServerServices(o: ServerServicesOptions): ServerServices {
  const { link, logger } = o
  const events = new EventHub()
  let version: string | null = null
  const commands = new Fail2BanCommands(link)
  const connection = new ConnectionService({
    socketPath: o.where,
    // An uncached ping: a cached answer (version) would report "connected" with the server down.
    probe: o.probe ?? (() => probePing(link.current)),
    emit: events.emit,
    ...(o.reconnectBackoffMs ? { backoffMs: o.reconnectBackoffMs } : {}),
    onConnected: () => {
      // The server may be another one now: fetch its version afresh.
      commands.resetVersion()
      commands.version().then(
        (v) => {
          version = v
          logger.info('connected to fail2ban', { server: o.id, where: o.where, version: v })
        },
        (err: unknown) => connection.reportError(err)
      )
    }
  })
  const monitor = new MonitorService({
    commands,
    connection,
    emit: events.emit,
    intervalMs: o.pollIntervalMs
  })
  const reloader = new Reloader({
    socketPath: o.where,
    ...(o.confDir ? { confDir: o.confDir } : {}),
    runningJails: () => commands.jailNames(),
    runner: o.reloadRunner
  })
  const bans = new BanService({
    commands,
    emit: events.emit,
    afterChange: () => monitor.refresh()
  })
  const jails = new JailService({ commands, reloader, monitor, socketPath: o.where })
  return {
    id: o.id,
    where: o.where,
    link,
    events,
    commands,
    connection,
    monitor,
    bans,
    jails,
    reloader,
    get version() {
      return version
    },
    async start() {
      await connection.check()
      monitor.start()
    },
    async dispose() {
      monitor.stop()
      connection.stop()
      await link.close()
    }
  }
}

/** Resolves when the server answers this very ping with `pong`; rejects with the error. */
export async function probePing(client: Fail2BanClient): Promise<void> {
  const reply = await client.send(['ping'], { timeoutMs: Math.min(2000, client.timeoutMs) })
  if (reply !== 'pong') throw new Error(`fail2ban answered ping with ${JSON.stringify(reply)}`)
}
