/**
 * Builds every main-process service around one fail2ban client. Used by the Electron main
 * process and, unchanged, by the e2e harness and the bench.
 */
import { DEFAULT_SETTINGS } from '../../shared/settings.ts'
import {
  Fail2BanClient,
  Fail2BanCommands,
  Reloader,
  silentLogger,
  type Logger
} from '../fail2ban/index.ts'
import { AuditService } from './audit.service.ts'
import { BanService } from './ban.service.ts'
import { ConnectionService } from './connection.service.ts'
import { EventHub } from './events.ts'
import { JailService } from './jails.service.ts'
import { MonitorService } from './monitor.service.ts'
import { SettingsService } from './settings.service.ts'

export const DEFAULT_SOCKET_PATH = DEFAULT_SETTINGS.socketPath

export interface AppServicesOptions {
  /** Wins over the settings' socket path (BANGUI_SOCKET, tests). */
  socketPath?: string
  /** fail2ban configuration dir for reloads (fail2ban-client's default when absent). */
  confDir?: string
  /** Wins over the settings' poll interval (tests poll faster than the settings allow). */
  pollIntervalMs?: number
  /** Loaded settings (main: from userData/settings.json); in-memory defaults when absent. */
  settings?: SettingsService
  /** The audit log's JSONL file; in memory when absent. */
  auditFile?: string
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
  settings: SettingsService
  audit: AuditService
  /** Starts the connection check and the monitor. */
  start(): Promise<void>
  dispose(): Promise<void>
}

export function createAppServices(opts: AppServicesOptions = {}): AppServices {
  const logger = opts.logger ?? silentLogger
  const settings = opts.settings ?? SettingsService.inMemory(opts.socketPath)
  const socketPath = opts.socketPath ?? settings.effectiveSocketPath
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
    intervalMs: opts.pollIntervalMs ?? settings.current.pollIntervalMs
  })
  const reloader = new Reloader({
    socketPath,
    ...(opts.confDir ? { confDir: opts.confDir } : {}),
    runningJails: () => commands.jailNames()
  })
  const bans = new BanService({
    commands,
    emit: events.emit,
    afterChange: () => monitor.refresh()
  })
  const jails = new JailService({ commands, reloader, monitor, socketPath })
  const audit = new AuditService({
    file: opts.auditFile ?? null,
    onAppend: (entry) => events.emit('auditAppended', entry),
    logger
  })
  const unsubscribeSettings = settings.onChange((state, changed) => {
    if (changed.includes('pollIntervalMs')) monitor.intervalMs = state.settings.pollIntervalMs
    events.emit('settingsChanged', state)
  })
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
    settings,
    audit,
    async start() {
      await connection.check()
      monitor.start()
    },
    async dispose() {
      unsubscribeSettings()
      monitor.stop()
      connection.stop()
      await client.close()
    }
  }
}
