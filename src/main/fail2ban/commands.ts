/**
 * The typed command layer: one method per operation the app needs, each validating its
 * arguments (again — the IPC boundary did too), sending one command and parsing the reply into
 * model types. It never sends `set J action…`, `addaction`, `add`, `reload` or a bare `stop`.
 *
 * A jail name is sent only if it is in the server's live jail list (cached from every `status`
 * this layer reads, refreshed once on a miss), and never if it names a server-wide setting
 * (fail2ban tests those names before its jails: see SERVER_SETTING_NAMES).
 */
import type { Ban, DbSettings, JailCounts, JailSettings } from '../../shared/model.ts'
import {
  checkIgnoreIp,
  checkIgnoreIpRemoval,
  checkIp,
  checkJailName
} from '../../shared/validation.ts'
import type { SendOptions } from './client.ts'
import { Fail2BanArgumentError, Fail2BanConnectionError } from './errors.ts'
import {
  compareVersions,
  int,
  parseBanListWithTime,
  parseBannedAll,
  parseBannedByIp,
  parseIncrement,
  parseJailList,
  parseJailStatus,
  parseStatusAll,
  str,
  stringList,
  type JailStatus
} from './parse.ts'
import type { CommandArg } from './pickle.ts'

/** What the command layer needs of a client (the real one, or a test double). */
export interface CommandSender {
  send(tokens: readonly CommandArg[], opts?: SendOptions): Promise<unknown>
}

/** Server features by the version that introduced them. */
export const FEATURES = {
  /** `status --all [flavor]`: every jail's status in one command. */
  statusAll: '1.1.0'
} as const

const INCREMENT_KEYS = [
  'increment',
  'factor',
  'formula',
  'multipliers',
  'maxtime',
  'rndtime',
  'overalljails'
] as const

/** A syntactically valid jail name the server does not run (checked before anything is sent). */
export class Fail2BanUnknownJailError extends Fail2BanArgumentError {
  override readonly name: string = 'Fail2BanUnknownJailError'
  readonly jail: string
  constructor(jail: string) {
    super(`fail2ban has no running jail named "${jail}"; nothing was sent`)
    this.jail = jail
  }
}

export class Fail2BanCommands {
  readonly #c: CommandSender
  #version: string | null = null
  #statusAllUnusable = false
  /** The running jails as last reported by the server; null until first read. */
  #jails: ReadonlySet<string> | null = null

  constructor(client: CommandSender) {
    this.#c = client
  }

  /** The server's version, e.g. `1.0.2` (cached after the first call). */
  async version(): Promise<string> {
    this.#version ??= str(await this.#c.send(['version']), 'version')
    return this.#version
  }

  /** Whether the connected server has a feature; asks for the version once. */
  async supports(feature: keyof typeof FEATURES): Promise<boolean> {
    return compareVersions(await this.version(), FEATURES[feature]) >= 0
  }

  /** Forget the cached version (after a reconnect the server may be another one). */
  resetVersion(): void {
    this.#version = null
    this.#statusAllUnusable = false
    this.#jails = null
  }

  /** Names of the running jails, sorted. */
  async jailNames(): Promise<string[]> {
    const names = parseJailList(await this.#c.send(['status']))
    this.#jails = new Set(names)
    return names
  }

  /**
   * Checks a jail name before it is sent: valid syntax, not a server setting, and running on
   * the server (the cached list first; on a miss the list is read again once).
   */
  async #jail(jail: string): Promise<string> {
    const name = jailArg(jail)
    if (this.#jails?.has(name)) return name
    await this.jailNames()
    if (this.#jails?.has(name)) return name
    throw new Fail2BanUnknownJailError(name)
  }

  /** `[jail, key, ...args]` with the arguments checked first: bad input sends nothing at all. */
  async #jailThen(jail: string, key: string, args: string[]): Promise<string[]> {
    return [await this.#jail(jail), key, ...args]
  }

  /** Counts of one jail (`status J short`: no IP list, a few hundred bytes). */
  async jailCounts(jail: string): Promise<JailCounts> {
    const {
      files: _f,
      bannedIps: _b,
      ...counts
    } = parseJailStatus(await this.#c.send(['status', await this.#jail(jail), 'short']))
    return counts
  }

  /** Counts, files and the banned IP list of one jail (`status J`). */
  async jailStatus(jail: string): Promise<JailStatus> {
    return parseJailStatus(await this.#c.send(['status', await this.#jail(jail)]))
  }

  /**
   * Counts of every running jail, by name. Uses `status --all short` (one command) on servers
   * that have it, and falls back for good to one `status J short` per jail if its reply does
   * not have the expected shape.
   */
  async allJailCounts(): Promise<Map<string, JailCounts>> {
    if (!this.#statusAllUnusable && (await this.supports('statusAll'))) {
      try {
        const all = parseStatusAll(await this.#c.send(['status', '--all', 'short']))
        this.#jails = new Set(all.keys())
        return all
      } catch (err) {
        if (err instanceof Fail2BanConnectionError) throw err
        this.#statusAllUnusable = true
      }
    }
    const names = await this.jailNames()
    const entries = await Promise.all(
      names.map(async (n) => [n, await this.jailCounts(n)] as const)
    )
    return new Map(entries)
  }

  /** Current bans of one jail with start, duration and end. */
  async banList(jail: string, opts?: SendOptions): Promise<Ban[]> {
    const name = await this.#jail(jail)
    return parseBanListWithTime(
      await this.#c.send(['get', name, 'banip', '--with-time'], opts),
      name
    )
  }

  /** Banned IPs of one jail, without times. */
  async bannedIps(jail: string): Promise<string[]> {
    return stringList(
      await this.#c.send(['get', await this.#jail(jail), 'banip']),
      'get JAIL banip'
    )
  }

  /** Every jail's banned IPs. */
  async bannedAll(): Promise<Record<string, string[]>> {
    return parseBannedAll(await this.#c.send(['banned']))
  }

  /** For each IP, the jails that ban it. */
  async jailsBanning(ips: readonly string[]): Promise<string[][]> {
    const list = ipArgs(ips)
    return parseBannedByIp(await this.#c.send(['banned', ...list]), list.length)
  }

  /** Bans IPs/CIDRs in one jail; returns how many were newly banned. One command: chunk above. */
  async banIps(jail: string, ips: readonly string[], opts?: SendOptions): Promise<number> {
    return int(
      await this.#c.send(['set', ...(await this.#jailThen(jail, 'banip', ipArgs(ips)))], opts),
      'set JAIL banip'
    )
  }

  /** Unbans IPs in one jail; returns how many were removed (absent IPs count 0). */
  async unbanIps(jail: string, ips: readonly string[], opts?: SendOptions): Promise<number> {
    return int(
      await this.#c.send(['set', ...(await this.#jailThen(jail, 'unbanip', ipArgs(ips)))], opts),
      'set JAIL unbanip'
    )
  }

  /** Unbans IPs in every jail; returns the count summed over jails. */
  async unbanEverywhere(ips: readonly string[], opts?: SendOptions): Promise<number> {
    return int(await this.#c.send(['unban', ...ipArgs(ips)], opts), 'unban')
  }

  /** Unbans everything in every jail (also clears fail2ban's DB of those bans). */
  async unbanAll(opts?: SendOptions): Promise<number> {
    return int(
      await this.#c.send(['unban', '--all'], opts ?? { timeoutMs: 120_000 }),
      'unban --all'
    )
  }

  /** Settings of one jail, the bantime.increment family included. */
  async jailSettings(jail: string): Promise<JailSettings> {
    const name = await this.#jail(jail)
    const get = (key: string): Promise<unknown> => this.#c.send(['get', name, key])
    const [bantime, findtime, maxretry, logpath, ignoreip, failregex, actions, usedns, ...inc] =
      await Promise.all([
        get('bantime'),
        get('findtime'),
        get('maxretry'),
        get('logpath'),
        get('ignoreip'),
        get('failregex'),
        get('actions'),
        get('usedns'),
        ...INCREMENT_KEYS.map((k) => get(`bantime.${k}`))
      ])
    return {
      name,
      bantime: int(bantime, 'bantime'),
      findtime: int(findtime, 'findtime'),
      maxretry: int(maxretry, 'maxretry'),
      logpath: stringList(logpath, 'logpath'),
      ignoreip: stringList(ignoreip, 'ignoreip'),
      failregex: stringList(failregex, 'failregex'),
      actions: stringList(actions, 'actions'),
      usedns: String(usedns),
      increment: parseIncrement(Object.fromEntries(INCREMENT_KEYS.map((k, i) => [k, inc[i]])))
    }
  }

  /** The jail's action names (empty: bans cost no firewall call). */
  async jailActions(jail: string): Promise<string[]> {
    return stringList(await this.#c.send(['get', await this.#jail(jail), 'actions']), 'actions')
  }

  /** Sets bantime in seconds (-1: permanent); returns the new value. */
  async setBantime(jail: string, seconds: number): Promise<number> {
    return this.#setInt(jail, 'bantime', seconds, -1)
  }

  /** Sets findtime in seconds; returns the new value. */
  async setFindtime(jail: string, seconds: number): Promise<number> {
    return this.#setInt(jail, 'findtime', seconds, 1)
  }

  /** Sets maxretry; returns the new value. */
  async setMaxretry(jail: string, count: number): Promise<number> {
    return this.#setInt(jail, 'maxretry', count, 1)
  }

  /** Adds an ignoreip entry; returns the jail's new list. */
  async addIgnoreIp(jail: string, entry: string): Promise<string[]> {
    return stringList(
      await this.#c.send([
        'set',
        ...(await this.#jailThen(jail, 'addignoreip', [ignoreArg(entry)]))
      ]),
      'addignoreip'
    )
  }

  /**
   * Removes an ignoreip entry; returns the jail's new list. Any network may be removed, however
   * broad (removing only narrows what is ignored): see checkIgnoreIpRemoval.
   */
  async delIgnoreIp(jail: string, entry: string): Promise<string[]> {
    return stringList(
      await this.#c.send([
        'set',
        ...(await this.#jailThen(jail, 'delignoreip', [ignoreRemovalArg(entry)]))
      ]),
      'delignoreip'
    )
  }

  /** Starts a jail the server knows (stopped jails vanish from `status`; use reload to re-add). */
  async startJail(jail: string): Promise<void> {
    await this.#c.send(['start', await this.#jail(jail)])
  }

  /** Stops one jail (never the server: the jail name is always given and validated). */
  async stopJail(jail: string): Promise<void> {
    await this.#c.send(['stop', await this.#jail(jail)], { timeoutMs: 30_000 })
  }

  /** The server's database settings. */
  async dbSettings(): Promise<DbSettings> {
    const [dbfile, dbpurgeage, dbmaxmatches] = await Promise.all([
      this.#c.send(['get', 'dbfile']),
      this.#c.send(['get', 'dbpurgeage']),
      this.#c.send(['get', 'dbmaxmatches'])
    ])
    return {
      dbfile: dbfile === null ? null : str(dbfile, 'dbfile'),
      dbpurgeage: int(dbpurgeage, 'dbpurgeage'),
      dbmaxmatches: int(dbmaxmatches, 'dbmaxmatches')
    }
  }

  async #setInt(jail: string, key: string, value: number, min: number): Promise<number> {
    if (!Number.isSafeInteger(value) || value < min) {
      throw new Fail2BanArgumentError(
        `${key} must be a whole number >= ${min}, got ${String(value)}`
      )
    }
    return int(await this.#c.send(['set', await this.#jail(jail), key, value]), `set JAIL ${key}`)
  }
}

function jailArg(jail: string): string {
  const c = checkJailName(jail)
  if (!c.ok) throw new Fail2BanArgumentError(c.reason)
  return c.value
}

function ipArgs(ips: readonly string[]): string[] {
  if (ips.length === 0) throw new Fail2BanArgumentError('no IP given')
  return ips.map((ip) => {
    const c = checkIp(ip)
    if (!c.ok) throw new Fail2BanArgumentError(c.reason)
    return c.value
  })
}

function ignoreArg(entry: string): string {
  const c = checkIgnoreIp(entry)
  if (!c.ok) throw new Fail2BanArgumentError(c.reason)
  return c.value
}

function ignoreRemovalArg(entry: string): string {
  const c = checkIgnoreIpRemoval(entry)
  if (!c.ok) throw new Fail2BanArgumentError(c.reason)
  return c.value
}
