/**
 * Plain, structured-clone-safe data shared by main, preload and renderer.
 * Nothing here holds a class instance, a function or a Date: every value crosses IPC as is.
 */

/** Counts of one jail, from `status J short`. */
export interface JailCounts {
  currentlyFailed: number
  totalFailed: number
  currentlyBanned: number
  totalBanned: number
}

/** One jail as listed in the UI. `running` is false for a jail the server no longer reports. */
export interface Jail extends JailCounts {
  name: string
  running: boolean
  /**
   * Why the jail is not running, when a reload or start said so (e.g. its filter is missing);
   * kept until a reload brings the jail back. Absent when nothing is known.
   */
  problem?: string
}

/** One current ban, parsed from `get J banip --with-time`. */
export interface Ban {
  ip: string
  jail: string
  /** Ban start, epoch ms, from the server's local time. */
  bannedAt: number
  /** Ban duration in seconds; -1 when permanent. */
  bantime: number
  /** Ban end, epoch ms; null when permanent. */
  expiresAt: number | null
  permanent: boolean
}

/** The bantime.increment family; values are null where the server reports none. */
export interface BantimeIncrement {
  enabled: boolean
  /** A Python expression on the server (e.g. "1" or "1.5"), shown as is. */
  factor: string | null
  formula: string | null
  multipliers: string | null
  maxtime: number | null
  rndtime: number | null
  overalljails: boolean | null
}

/** Settings of one jail. Durations in seconds. */
export interface JailSettings {
  name: string
  bantime: number
  findtime: number
  maxretry: number
  logpath: string[]
  ignoreip: string[]
  failregex: string[]
  actions: string[]
  usedns: string
  increment: BantimeIncrement
}

/** Server database settings. */
export interface DbSettings {
  dbfile: string | null
  dbpurgeage: number
  dbmaxmatches: number
}

export interface ServerInfo {
  version: string
  socketPath: string
  db: DbSettings
}

/** Why the app is not talking to the server, in states the UI can explain. */
export type ConnectionStatus =
  | 'connecting'
  | 'connected'
  | 'socket-missing'
  | 'permission-denied'
  | 'not-answering'
  | 'reconnecting'
  /** The server answered with bytes BanGUI cannot decode; what is on screen may be stale. */
  | 'bad-reply'

export interface ConnectionState {
  status: ConnectionStatus
  socketPath: string
  /** Human sentence: what is wrong and what to do. Empty when connected. */
  message: string
  /** When the next reconnect attempt is due (epoch ms), if one is scheduled. */
  nextRetryAt: number | null
  since: number
}

/** A jail that did not come up after a reload, with fail2ban's reason when it gave one. */
export interface ReloadFailure {
  jail: string
  reason: string
}

/**
 * The outcome of a reload:
 * - `reloaded`: every expected jail runs;
 * - `partial`: the configuration was reloaded, but the jails in `failures` did not start;
 * - `not-reloaded`: fail2ban-client gave up before changing anything (`error` says why).
 */
export type ReloadOutcome = 'reloaded' | 'partial' | 'not-reloaded'

/** The outcome of a reload: what was asked, and each jail that did not come up. */
export interface ReloadResult {
  ok: boolean
  outcome: ReloadOutcome
  /** fail2ban's reason when nothing was reloaded; null otherwise. */
  error: string | null
  jails: string[]
  missing: string[]
  failures: ReloadFailure[]
  output: string
  durationMs: number
}

/** The answer of a search: jails that ban the IP itself, and banned networks that contain it. */
export interface FindIpResult {
  ip: string
  /** Jails with an entry for exactly this IP (fail2ban's `banned IP`). */
  jails: string[]
  /** Banned networks (CIDR entries) that contain the IP, per jail. */
  networks: { jail: string; network: string }[]
}

/** Progress of a chunked ban. */
export interface BanProgress {
  operationId: string
  jail: string
  done: number
  total: number
  newlyBanned: number
}

/** Versions for the About box (null where the runtime has none, e.g. the e2e harness). */
export interface AppInfo {
  app: string
  electron: string | null
  chrome: string | null
  node: string
}

/** An admin action as the audit log records it. */
export type AuditAction =
  | 'ban'
  | 'unban'
  | 'unbanAll'
  | 'cancelBan'
  | 'reload'
  | 'startJail'
  | 'stopJail'
  | 'setJailValue'
  | 'changeIgnoreIp'
  | 'settingsChanged'
  | 'chooseAccess'
  | 'fleetBan'
  | 'fleetUnban'
  | 'saveServer'
  | 'testServer'
  | 'removeServer'
  | 'acceptHostKey'
  /** A request BanGUI refused before anything was sent (bad input, unknown jail, …). */
  | 'refused'

/** A long IP list as the audit log keeps it: how many, and the first few. */
export interface AuditIpList {
  count: number
  first: string[]
}

/** One line of the audit log (JSON values only). */
export interface AuditEntry {
  /** When the action started, ISO 8601 (UTC). */
  time: string
  action: AuditAction
  /** The SSH server acted on; absent for this machine (and for app-wide actions). */
  server?: string
  /** The jail acted on; null for every jail, or for actions without one (settings). */
  target: string | null
  /** The request, IP lists shortened to an {@link AuditIpList}. */
  params: Record<string, unknown>
  /** `ok` with a short summary of the answer, or the error code and message the UI showed. */
  result: { ok: true; value?: unknown } | { ok: false; code: string; message: string }
  durationMs: number
}
