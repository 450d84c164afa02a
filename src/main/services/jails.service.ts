/**
 * Jail operations for the UI: list with counts, settings, start/stop, values, ignoreip,
 * bans of a jail, finding an IP, reload. Thin over the command layer; adds what the UI needs
 * (a stopped jail is started again through a reload of that jail, since fail2ban forgets a
 * stopped jail entirely).
 */
import type {
  FindIpResult,
  Jail,
  JailSettings,
  ReloadResult,
  ServerInfo
} from '../../shared/model.ts'
import { toBanColumns, type BanColumns } from '../../shared/ban-columns.ts'
import { networkContains } from '../../shared/networks.ts'
import {
  Fail2BanCommandError,
  Fail2BanUnknownJailError,
  type Fail2BanCommands,
  type Reloader,
  type ReloadRequest
} from '../fail2ban/index.ts'
import type { MonitorService } from './monitor.service.ts'

export interface JailServiceOptions {
  commands: Fail2BanCommands
  reloader: Reloader
  monitor: MonitorService
  socketPath: string
}

export class BusyError extends Error {
  override readonly name: string = 'BusyError'
}

export class JailService {
  readonly #o: JailServiceOptions

  constructor(opts: JailServiceOptions) {
    this.#o = opts
  }

  async serverInfo(): Promise<ServerInfo> {
    const [version, db] = await Promise.all([
      this.#o.commands.version(),
      this.#o.commands.dbSettings()
    ])
    return { version, socketPath: this.#o.socketPath, db }
  }

  /**
   * The jail list (running and recently stopped) from fresh counts. The counts go through the
   * monitor, so they are fetched once and its `jailsChanged` listeners see them too; errors
   * reach the caller.
   */
  async list(): Promise<Jail[]> {
    return this.#o.monitor.ingest(await this.#o.commands.allJailCounts())
  }

  async settings(jail: string): Promise<JailSettings> {
    const settings = await this.#o.commands.jailSettings(jail)
    this.#o.monitor.seedSettings(settings)
    return settings
  }

  /** The jail's bans as columns (cheap to clone across IPC); seeds the monitor's watched list. */
  async bans(jail: string): Promise<BanColumns> {
    const bans = await this.#o.commands.banList(jail, { timeoutMs: 60_000 })
    this.#o.monitor.seedWatched(jail, bans)
    return toBanColumns(jail, bans)
  }

  /**
   * Starts a jail. fail2ban forgets a stopped jail entirely and fail2ban-client refuses to reload
   * a jail the server does not have, so a stopped jail comes back through `reload --all` (which
   * keeps every other jail's bans but resets every jail's runtime edits to the configuration),
   * verified to include it.
   */
  async start(jail: string): Promise<void> {
    const m = this.#o.monitor
    try {
      await this.#o.commands.startJail(jail)
    } catch (err) {
      const unknown =
        err instanceof Fail2BanUnknownJailError ||
        (err instanceof Fail2BanCommandError && err.className.endsWith('UnknownJailException'))
      if (!unknown) throw err
      const r = await this.#o.reloader.reload({ scope: { kind: 'all' } })
      await m.refresh({ settingsOf: r.jails })
      m.markFailed(r.failures)
      if (r.outcome === 'not-reloaded')
        throw new Fail2BanCommandError(
          'reload',
          `jail ${jail} did not start: nothing was reloaded: ${r.error ?? 'configuration error'}`
        )
      const running = await this.#o.commands.jailNames()
      if (!running.includes(jail)) {
        const failure = r.failures.find((f) => f.jail === jail)
        const why = failure
          ? failure.reason
          : r.jails.includes(jail)
            ? 'fail2ban gave no reason; see the reload output'
            : 'it is not enabled in the configuration'
        throw new Fail2BanCommandError('reload', `jail ${jail} did not start: ${why}`)
      }
      return
    }
    await m.refresh({ settingsOf: [jail] })
  }

  async stop(jail: string): Promise<void> {
    try {
      await this.#o.commands.stopJail(jail)
    } finally {
      await this.#o.monitor.refresh()
    }
  }

  async setValue(
    jail: string,
    key: 'bantime' | 'findtime' | 'maxretry',
    value: number
  ): Promise<number> {
    const c = this.#o.commands
    try {
      if (key === 'bantime') return await c.setBantime(jail, value)
      if (key === 'findtime') return await c.setFindtime(jail, value)
      return await c.setMaxretry(jail, value)
    } finally {
      // A bantime edit moves every current ban's end (and may expire some at once).
      await this.#o.monitor.refresh({ settingsOf: [jail] })
    }
  }

  async changeIgnoreIp(jail: string, op: 'add' | 'del', entry: string): Promise<string[]> {
    try {
      return op === 'add'
        ? await this.#o.commands.addIgnoreIp(jail, entry)
        : await this.#o.commands.delIgnoreIp(jail, entry)
    } finally {
      await this.#o.monitor.refresh({ settingsOf: [jail] })
    }
  }

  /**
   * Exact bans from fail2ban's `banned IP`, plus the banned networks that contain the IP:
   * fail2ban itself only finds exact entries, so each running jail's list is scanned for CIDR
   * entries (one `get J banip` per jail, sequentially: the server's backlog is 1).
   */
  async findIp(ip: string): Promise<FindIpResult> {
    const c = this.#o.commands
    const [jails] = await c.jailsBanning([ip])
    const networks: FindIpResult['networks'] = []
    if (!ip.includes('/')) {
      for (const jail of await c.jailNames()) {
        for (const entry of await c.bannedIps(jail)) {
          if (entry.includes('/') && networkContains(entry, ip))
            networks.push({ jail, network: entry })
        }
      }
    }
    return { ip, jails: jails ?? [], networks }
  }

  /** Reloads; refuses a second reload while one runs (the UI shows it as busy). */
  async reload(req: ReloadRequest): Promise<ReloadResult> {
    if (this.#o.reloader.running)
      throw new BusyError('a reload is already running; wait for it to finish')
    const r = await this.#o.reloader.reload(req)
    await this.#o.monitor.refresh({ settingsOf: r.jails })
    if (req.scope.kind === 'all' && r.outcome !== 'not-reloaded')
      this.#o.monitor.forgetFailedExcept(r.jails)
    this.#o.monitor.markFailed(r.failures)
    return r
  }
}
