/**
 * Builds every main-process service around one fail2ban client. Used by the Electron main
 * process and, unchanged, by the e2e harness and the bench.
 */
import { dirname, join } from 'node:path'
import { DEFAULT_SETTINGS } from '../../shared/settings.ts'
import {
  Fail2BanClient,
  silentLogger,
  type Connector,
  type Fail2BanCommands,
  type Logger,
  type Reloader
} from '../fail2ban/index.ts'
import type { AuditEntry } from '../../shared/model.ts'
import { LOCAL_SERVER_ID } from '../../shared/servers.ts'
import { FleetService } from '../fleet/fleet.service.ts'
import { startRemoteHistory } from '../fleet/remote-history.ts'
import { createServerServices, type ServerServices } from '../fleet/server-services.ts'
import type { ReconnectPolicy } from '../ssh/reconnect.ts'
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
import type { BanService } from './ban.service.ts'
import type { ConnectionService } from './connection.service.ts'
import { EventHub, type EventSink } from './events.ts'
import type { JailService } from './jails.service.ts'
import type { MonitorService } from './monitor.service.ts'
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
  /** SSH servers: the helper's source to push, and (tests) the ssh binary and back-off. */
  ssh?: {
    helperSource?: Buffer
    sshBin?: string
    policy?: ReconnectPolicy
    /** Asks the admin outside the window before ssh reads a new `-F` file (main: a dialog). */
    approveSshConfig?: (server: string, path: string) => Promise<boolean>
  }
}

export interface AppServices {
  /** This machine's socket path. */
  socketPath: string
  /** The active server's client (this machine: direct or through the helper). */
  readonly client: Fail2BanClient
  /** The active server's services: the jail views, bans and reload act on it. */
  readonly commands: Fail2BanCommands
  /** The window's hub: the active server's events and the app's own. */
  events: EventHub
  readonly connection: ConnectionService
  readonly monitor: MonitorService
  readonly bans: BanService
  readonly jails: JailService
  readonly reloader: Reloader
  /** This machine's services, whichever server is active. */
  local: ServerServices
  /** Every server; which one is active. */
  fleet: FleetService
  settings: SettingsService
  audit: AuditService
  access: AccessService
  history: HistoryService
  /** Starts the remembered access mode, this machine's services, the history and the fleet. */
  start(): Promise<void>
  dispose(): Promise<void>
}

export function createAppServices(opts: AppServicesOptions = {}): AppServices {
  const logger = opts.logger ?? silentLogger
  const settings = opts.settings ?? SettingsService.inMemory(opts.socketPath)
  const socketPath = opts.socketPath ?? settings.effectiveSocketPath
  const timeout = opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}
  const pollIntervalMs = (): number => opts.pollIntervalMs ?? settings.current.pollIntervalMs
  const directClient = (): Fail2BanClient =>
    new Fail2BanClient({
      socketPath,
      logger,
      ...timeout,
      ...(opts.directConnector ? { connector: opts.directConnector } : {})
    })
  const link = new ClientLink(directClient())
  let helperRunner: ReloadRunner | null = null
  const local = createServerServices({
    id: LOCAL_SERVER_ID,
    where: socketPath,
    link,
    ...(opts.confDir ? { confDir: opts.confDir } : {}),
    // Through the helper, the helper runs fail2ban-client as root; directly, this process does.
    // It asks the helper client itself, never the link: while a switch is under way the link may
    // still be the direct socket, which must never receive a `reload`.
    reloadRunner: () => helperRunner,
    pollIntervalMs: pollIntervalMs(),
    ...(opts.reconnectBackoffMs ? { reconnectBackoffMs: opts.reconnectBackoffMs } : {}),
    logger
  })
  const { connection } = local
  const events = new EventHub()
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
  const fleet = new FleetService({
    local,
    events,
    settings,
    launch: {
      ...(opts.ssh?.helperSource ? { helperSource: opts.ssh.helperSource } : {}),
      ...(opts.ssh?.sshBin ? { sshBin: opts.ssh.sshBin } : {})
    },
    pollIntervalMs,
    ...timeout,
    ...(opts.reconnectBackoffMs ? { reconnectBackoffMs: opts.reconnectBackoffMs } : {}),
    ...(opts.ssh?.policy ? { policy: opts.ssh.policy } : {}),
    ...(opts.ssh?.approveSshConfig ? { approveSshConfig: opts.ssh.approveSshConfig } : {}),
    // the tray pauses every server; one added while paused starts paused
    paused: () => local.monitor.paused,
    logger
  })
  const history = new HistoryService({
    file:
      opts.historyFile ??
      (settings.file ? join(dirname(settings.file), 'history.sqlite') : ':memory:'),
    server: LOCAL_SERVER_ID,
    dbInfo: () => local.commands.dbSettings(),
    // Where fail2ban's database is not readable here (the app is not root), the helper reads it.
    helperSource: helperSource((tokens) => link.send(tokens)),
    retentionDays: () => settings.current.historyRetentionDays ?? 365,
    geoipPath: () => settings.current.geoipDatabasePath ?? null,
    logger
  })
  // Every server's ban diff, and this app's own bans/unbans, go to the history under its id.
  const toHistory = new Map<string, EventSink>()
  const sinkOf = (server: string): EventSink => {
    let sink = toHistory.get(server)
    if (!sink) toHistory.set(server, (sink = historySink(history, server, logger)))
    return sink
  }
  const unsubscribeHistory = fleet.onServerEvent((server, name, payload) =>
    sinkOf(server)(name, payload)
  )
  const unsubscribeAudit = events.subscribe((name, payload) => {
    if (name !== 'auditAppended') return
    for (const [server, entry] of perServer(payload as AuditEntry))
      sinkOf(server)('auditAppended', entry)
  })
  const unsubscribeSettings = settings.onChange((state, changed) => {
    if (changed.includes('pollIntervalMs'))
      for (const s of fleet.servers) s.services.monitor.intervalMs = pollIntervalMs()
    events.emit('settingsChanged', state)
  })
  let stopRemoteHistory = (): void => undefined
  const active = (): ServerServices => fleet.active.services
  return {
    socketPath,
    get client() {
      return active().link.current
    },
    get commands() {
      return active().commands
    },
    events,
    get connection() {
      return active().connection
    },
    get monitor() {
      return active().monitor
    },
    get bans() {
      return active().bans
    },
    get jails() {
      return active().jails
    },
    get reloader() {
      return active().reloader
    },
    local,
    fleet,
    settings,
    audit,
    access,
    history,
    async start() {
      if (access.mode !== 'direct') await access.start()
      await local.start()
      history.start()
      stopRemoteHistory = startRemoteHistory(fleet, history, logger)
      await fleet.start()
    },
    async dispose() {
      stopRemoteHistory()
      unsubscribeHistory()
      unsubscribeAudit()
      history.close()
      unsubscribeSettings()
      unsubscribeAccess()
      await fleet.dispose()
      await local.dispose()
    }
  }
}

/**
 * An audit entry as the history of each server it acted on sees it: a fleet-wide ban is a ban
 * on every server that took it (its summary maps servers to counts, or 'failed').
 */
function perServer(e: AuditEntry): [string, AuditEntry][] {
  if (e.action !== 'fleetBan') return [[e.server ?? LOCAL_SERVER_ID, e]]
  if (!e.result.ok || typeof e.result.value !== 'object' || e.result.value === null) return []
  return Object.entries(e.result.value)
    .filter(([, n]) => typeof n === 'number')
    .map(([server]): [string, AuditEntry] => [server, { ...e, action: 'ban', server }])
}
