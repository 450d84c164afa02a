/**
 * Builds every main-process service around one fail2ban client. Used by the Electron main
 * process and, unchanged, by the e2e harness and the bench.
 */
import {
  Fail2BanClient,
  Fail2BanCommands,
  Reloader,
  silentLogger,
  type Logger
} from '../fail2ban/index.ts'
import { BanService } from './ban.service.ts'
import { ConnectionService } from './connection.service.ts'
import { EventHub } from './events.ts'
import { JailService } from './jails.service.ts'
import { MonitorService } from './monitor.service.ts'

export const DEFAULT_SOCKET_PATH = '/var/run/fail2ban/fail2ban.sock'

export interface AppServicesOptions {
  socketPath?: string
  /** fail2ban configuration dir for reloads (fail2ban-client's default when absent). */
  confDir?: string
  pollIntervalMs?: number
  /** First reconnect delay (doubles up to 30 s). */
  reconnectBackoffMs?: number
  timeoutMs?: number
  logger?: Logger
}

export interface AppServices {
  socketPath: string
  client: Fail2BanClient
  commands: Fail2BanCommands
  events: EventHub
  connection: ConnectionService
  monitor: MonitorService
  bans: BanService
  jails: JailService
  reloader: Reloader
  /** Starts the connection check and the monitor. */
  start(): Promise<void>
  dispose(): Promise<void>
}

export function createAppServices(opts: AppServicesOptions = {}): AppServices {
  const socketPath = opts.socketPath ?? DEFAULT_SOCKET_PATH
  const logger = opts.logger ?? silentLogger
  const client = new Fail2BanClient({
    socketPath,
    logger,
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {})
  })
  const commands = new Fail2BanCommands(client)
  const events = new EventHub()
  const connection = new ConnectionService({
    socketPath,
    probe: () => commands.version(),
    emit: events.emit,
    ...(opts.reconnectBackoffMs ? { backoffMs: opts.reconnectBackoffMs } : {}),
    onConnected: () => {
      commands.resetVersion()
      logger.info('connected to fail2ban', { socketPath })
    }
  })
  const monitor = new MonitorService({
    commands,
    connection,
    emit: events.emit,
    ...(opts.pollIntervalMs ? { intervalMs: opts.pollIntervalMs } : {})
  })
  const reloader = new Reloader({
    socketPath,
    ...(opts.confDir ? { confDir: opts.confDir } : {}),
    runningJails: () => commands.jailNames()
  })
  const bans = new BanService({ commands, emit: events.emit })
  const jails = new JailService({ commands, reloader, monitor, socketPath })
  return {
    socketPath,
    client,
    commands,
    events,
    connection,
    monitor,
    bans,
    jails,
    reloader,
    async start() {
      await connection.check()
      monitor.start()
    },
    async dispose() {
      monitor.stop()
      connection.stop()
      await client.close()
    }
  }
}
