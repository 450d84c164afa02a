/**
 * Builds every main-process service around one fail2ban client. Used by the Electron main
 * process and, unchanged, by the e2e harness and the bench.
 */
import { dirname, join } from 'node:path'
import { DEFAULT_SETTINGS } from '../../shared/settings.ts'
import {
  Fail2BanClient,
  Fail2BanCommands,
  Reloader,
  silentLogger,
  type Connector,
  type Logger
} from '../fail2ban/index.ts'
import { INSTALLED_HELPER_PATH, type AccessMode } from '../../shared/access.ts'
import type { HelperVia } from '../helper/launcher.ts'
import { AccessService } from './access.service.ts'
import { HistoryService } from '../history/history.service.ts'
import { helperReloadRunner, type ReloadRunner } from '../fail2ban/reload-runner.ts'
import { helperSource } from '../history/f2b-import.ts'
import { historySink } from '../history/history-sink.ts'
import { AuditService } from './audit.service.ts'
import { ClientLink } from './client-link.ts'
import { startHelperClient } from './helper-client.ts'
import { BanService } from './ban.service.ts'
import { ConnectionService } from './connection.service.ts'
import { EventHub } from './events.ts'
import { JailService } from './jails.service.ts'
import { MonitorService } from './monitor.service.ts'
import { SettingsService } from './settings.service.ts'

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
  /**
   * Opens direct connections instead of the Unix socket. Only for tests: a root test process
   * is never refused by a socket, so "permission denied" must be played by a connector.
   */
  directConnector?: Connector
  /** The privileged helper: its path, and (tests, e2e) how a chosen mode starts it. */
  helper?: {
    path?: string
    /** After `--stdio`; `--socket` and `--conf` are added when they are not the defaults. */
    extraArgs?: readonly string[]
    /** Tests run as root and start the helper directly instead of through pkexec or sudo. */
    via?: (mode: Exclude<AccessMode, 'direct'>) => HelperVia
  }
  /** The ban history's SQLite file; next to the settings file, or in memory without one. */
  historyFile?: string
}

export interface AppServices {
  socketPath: string
  /** The client in use now (direct or through the helper; the admin may switch). */
  readonly client: Fail2BanClient
  commands: Fail2BanCommands
  events: EventHub
  connection: ConnectionService
  monitor: MonitorService
  bans: BanService
  jails: JailService
  reloader: Reloader
  settings: SettingsService
  audit: AuditService
  access: AccessService
  history: HistoryService
  /** Starts the remembered access mode, the connection check and the monitor. */
  start(): Promise<void>
  dispose(): Promise<void>
}

export function createAppServices(opts: AppServicesOptions = {}): AppServices {
  const logger = opts.logger ?? silentLogger
  const settings = opts.settings ?? SettingsService.inMemory(opts.socketPath)
  const socketPath = opts.socketPath ?? settings.effectiveSocketPath
  const timeout = opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}
  const directClient = (): Fail2BanClient =>
    new Fail2BanClient({
      socketPath,
      logger,
      ...timeout,
      ...(opts.directConnector ? { connector: opts.directConnector } : {})
    })
  const link = new ClientLink(directClient())
  const commands = new Fail2BanCommands(link)
  const events = new EventHub()
  const connection = new ConnectionService({
    socketPath,
    // An uncached ping: a cached answer (version) would report "connected" with the server down.
    probe: () => probePing(link.current),
    emit: events.emit,
    ...(opts.reconnectBackoffMs ? { backoffMs: opts.reconnectBackoffMs } : {}),
    onConnected: () => {
      // The server may be another one now: fetch its version afresh.
      commands.resetVersion()
      commands.version().then(
        (version) => logger.info('connected to fail2ban', { socketPath, version }),
        (err: unknown) => connection.reportError(err)
      )
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
    runningJails: () => commands.jailNames(),
    // Through the helper, the helper runs fail2ban-client as root; directly, this process does.
    // It asks the helper client itself, never the link: while a switch is under way the link may
    // still be the direct socket, which must never receive a `reload`.
    runner: () => helperRunner
  })
  let helperRunner: ReloadRunner | null = null
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
  const helperPath = opts.helper?.path ?? INSTALLED_HELPER_PATH
  // What the helper needs beyond its defaults; sudoers rules must name exactly these.
  const helperArgs = [
    ...(socketPath !== DEFAULT_SETTINGS.socketPath ? ['--socket', socketPath] : []),
    ...(opts.confDir ? ['--conf', opts.confDir] : []),
    ...(opts.helper?.extraArgs ?? [])
  ]
  const access: AccessService = new AccessService({
    helperPath,
    helperArgs,
    loadMode: () => settings.current.access,
    saveMode: async (mode) => void (await settings.setAccess(mode)),
    emit: events.emit,
    activate: async (mode) => {
      if (mode === 'direct') {
        helperRunner = null
        await link.replace(directClient())
      } else {
        const h = await startHelperClient({
          via: opts.helper?.via?.(mode) ?? mode,
          helperPath,
          extraArgs: helperArgs,
          logger,
          ...timeout,
          onExit: (reason) => {
            if (mode === 'pkexec') access.helperExited(reason)
            void connection.check()
          }
        })
        await link.replace(h.client, () => h.close())
        helperRunner = helperReloadRunner(h.client)
        return { helperVersion: h.version }
      }
      return { helperVersion: null }
    }
  })
  // A new transport may reach another server (or the same one at last): check at once.
  const unsubscribeAccess = events.subscribe((name) => {
    if (name === 'accessChanged' && access.state().helper.status !== 'starting')
      void connection.check()
  })
  const history = new HistoryService({
    file:
      opts.historyFile ??
      (settings.file ? join(dirname(settings.file), 'history.sqlite') : ':memory:'),
    server: 'local',
    dbInfo: () => commands.dbSettings(),
    // Where fail2ban's database is not readable here (the app is not root), the helper reads it.
    helperSource: helperSource((tokens) => link.send(tokens)),
    retentionDays: () => settings.current.historyRetentionDays ?? 365,
    geoipPath: () => settings.current.geoipDatabasePath ?? null,
    logger
  })
  // the monitor's ban diff and this app's own bans/unbans go to the history
  const unsubscribeHistory = events.subscribe(historySink(history, 'local', logger))
  const unsubscribeSettings = settings.onChange((state, changed) => {
    if (changed.includes('pollIntervalMs')) monitor.intervalMs = state.settings.pollIntervalMs
    events.emit('settingsChanged', state)
  })
  return {
    socketPath,
    get client() {
      return link.current
    },
    commands,
    events,
    connection,
    monitor,
    bans,
    jails,
    reloader,
    settings,
    audit,
    access,
    history,
    async start() {
      if (access.mode !== 'direct') await access.start()
      await connection.check()
      monitor.start()
      history.start()
    },
    async dispose() {
      unsubscribeHistory()
      history.close()
      unsubscribeSettings()
      unsubscribeAccess()
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
