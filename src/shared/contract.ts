/**
 * The IPC contract: every channel once. Main registers its handlers from `invokeContract`,
 * the preload builds `window.bangui` from it, and the renderer's types derive from the preload.
 *
 * Every invoke channel returns a {@link Result}: errors do not survive contextBridge as objects,
 * so they travel as `{ ok: false, error: { code, message } }` and the renderer turns them back
 * into exceptions in its own `api.ts`.
 *
 * There is deliberately no channel that sends a raw command: the renderer can only ask for
 * the typed operations below, each validated here and again in the fail2ban client.
 */
import { z } from 'zod'
import type {
  AppInfo,
  AuditEntry,
  Ban,
  BanProgress,
  ConnectionState,
  FindIpResult,
  Jail,
  JailSettings,
  ReloadResult,
  ServerInfo
} from './model.ts'
import type { HistoryEvent, HistorySummary, ImportReport, IpHistory, Timeline } from './history.ts'
import { UNBAN_ALL_EVERY_JAIL, type EventName, type InvokeName } from './channels.ts'
import {
  checkIgnoreIp,
  checkIgnoreIpRemoval,
  checkIp,
  checkJailName,
  MAX_IPS_PER_REQUEST
} from './validation.ts'
import { serverProfileSchema, settingsPatchSchema, type SettingsState } from './settings.ts'
import { ACCESS_MODES, type AccessState, type SudoCheck } from './access.ts'
import type { BanColumns } from './ban-columns.ts'
import { hasControl } from './server-profile.ts'
import type {
  AcceptedKey,
  FleetBanColumns,
  FleetFindResult,
  FleetOverview,
  PerServer,
  FleetProgress,
  ServersState,
  ServerTest
} from './servers.ts'

/** Error codes the UI can act on. */
export type ErrorCode =
  | 'invalid-argument'
  | 'unknown-jail'
  | 'not-connected'
  | 'permission-denied'
  | 'timeout'
  | 'busy'
  | 'command-failed'
  | 'protocol'
  | 'cancelled'
  | 'forbidden'
  | 'internal'

export interface AppErrorData {
  code: ErrorCode
  message: string
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorData }

// ---- schemas (shared by the IPC binding and the e2e harness) ----

export const jailNameSchema = z.string().superRefine((v, ctx) => {
  const c = checkJailName(v)
  if (!c.ok) ctx.addIssue({ code: 'custom', message: c.reason })
})

/** One IP or CIDR, normalised to fail2ban's form. */
export const ipSchema = z.string().transform((v, ctx) => {
  const c = checkIp(v)
  if (!c.ok) {
    ctx.addIssue({ code: 'custom', message: c.reason })
    return z.NEVER
  }
  return c.value
})

export const ignoreIpSchema = z.string().transform((v, ctx) => {
  const c = checkIgnoreIp(v)
  if (!c.ok) {
    ctx.addIssue({ code: 'custom', message: c.reason })
    return z.NEVER
  }
  return c.value
})

export const ignoreIpRemovalSchema = z.string().transform((v, ctx) => {
  const c = checkIgnoreIpRemoval(v)
  if (!c.ok) {
    ctx.addIssue({ code: 'custom', message: c.reason })
    return z.NEVER
  }
  return c.value
})

const ipListSchema = z.array(ipSchema).min(1, 'no IP given').max(MAX_IPS_PER_REQUEST)
const noArgs = z.undefined()
const jailOnly = z.strictObject({ jail: jailNameSchema })
/** Seconds; -1 means permanent for bantime. Upper bound: 10 years. */
const durationSchema = z.number().int().min(-1).max(315_360_000)

/**
 * Declares one invoke channel: its request schema and (as a type only) its response.
 * Curried so that the schema's type is inferred while the response type is given.
 */
function channel<Res>() {
  return <S extends z.ZodType>(request: S): { request: S; response?: Res } => ({ request })
}

// ---- ban history (times in epoch seconds; windows are [since, until)) ----

const epochS = z
  .number()
  .int()
  .min(0)
  .max(2 ** 40)
/** One server's history, or every server's (null). */
const historyWindow = z
  .strictObject({ server: z.string().min(1).max(256).nullable(), since: epochS, until: epochS })
  .refine((w) => w.since < w.until, { message: 'the window must start before it ends' })
  .refine((w) => w.until - w.since <= 20 * 366 * 86_400, {
    message: 'the window may span at most 20 years'
  })

const historyContract = {
  /**
   * Bans by jail in the window (with a diagnostic when it looks empty or incomplete), the top
   * `limit` offenders, repeat offenders (banned `minRepeat`+ times, across jails and servers)
   * with their country, and top countries. Errors: invalid-argument, internal.
   */
  historySummary: channel<HistorySummary>()(
    z.intersection(
      historyWindow,
      z.strictObject({
        limit: z.number().int().min(1).max(1000).default(20),
        minRepeat: z.number().int().min(2).max(1_000_000).default(3)
      })
    )
  ),
  /** Bans per jail per bucket; the bucket width follows the window (zoom). */
  historyTimeline: channel<Timeline>()(historyWindow),
  /** Every recorded event of one IP (newest first) with its country. */
  historyIp: channel<IpHistory>()(z.strictObject({ ip: ipSchema })),
  /** The window's events for export, oldest first (at most `limit`). */
  historyEvents: channel<HistoryEvent[]>()(
    z.intersection(
      historyWindow,
      z.strictObject({ limit: z.number().int().min(1).max(500_000).default(100_000) })
    )
  ),
  /** Imports fail2ban's database now; null when the server keeps none. Errors: not-connected. */
  historyImport: channel<ImportReport | null>()(noArgs)
}

// ---- servers (this machine and SSH profiles) and fleet-wide actions ----

const serverIdSchema = z
  .string()
  .min(1)
  .max(64)
  .refine((v) => !hasControl(v), 'the server id contains a control character')
const operationIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/)
const serverListSchema = z.array(serverIdSchema).min(1, 'no server chosen').max(51)

const serversContract = {
  /** Every server with its state and counts, and which one the jail views act on. */
  listServers: channel<ServersState>()(noArgs),
  /** Act on this server from now on (jail list, bans, reload, settings). Errors: invalid-argument. */
  selectServer: channel<ServersState>()(z.strictObject({ id: serverIdSchema })),
  /**
   * Add a profile (`previous` null) or replace the one named `previous`, save it and connect.
   * Errors: invalid-argument (grammar, a name in use or reserved, too many servers).
   */
  saveServer: channel<ServersState>()(
    z.strictObject({ previous: serverIdSchema.nullable(), profile: serverProfileSchema })
  ),
  /** Disconnect and forget a profile (not this machine). */
  removeServer: channel<ServersState>()(z.strictObject({ id: serverIdSchema })),
  /** Connect once with a profile (saved or not), list its jails, disconnect (never fails). */
  testServer: channel<ServerTest>()(z.strictObject({ profile: serverProfileSchema })),
  /** Reconnect a server now (after fixing sudo, starting fail2ban, …). */
  retryServer: channel<ServersState>()(z.strictObject({ id: serverIdSchema })),
  /**
   * Record the host key main fetched under `token` in known_hosts and reconnect. The key itself
   * never comes from the renderer. Errors: invalid-argument (unknown or used token).
   */
  acceptHostKey: channel<ServersState & { accepted: AcceptedKey }>()(
    z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) })
  ),
  /** Jails grouped by server, with fleet totals. */
  fleetOverview: channel<FleetOverview>()(noArgs),
  /** Every current ban on every connected server, merged, with a server column. */
  fleetBans: channel<FleetBanColumns>()(noArgs),
  /** Which servers and jails ban an IP (or a network containing it). */
  fleetFind: channel<FleetFindResult>()(z.strictObject({ ip: ipSchema })),
  /**
   * Ban IPs in the jail of that name on each chosen server, all servers at once, with one
   * `fleetProgress` event per server. Per server: how many were newly banned, or why not.
   */
  fleetBan: channel<PerServer<number>[]>()(
    z.strictObject({
      servers: serverListSchema,
      jail: jailNameSchema,
      ips: ipListSchema,
      operationId: operationIdSchema
    })
  ),
  /** Unban IPs in every jail of each chosen server. Per server: how many bans were removed. */
  fleetUnban: channel<PerServer<number>[]>()(
    z.strictObject({ servers: serverListSchema, ips: ipListSchema, operationId: operationIdSchema })
  )
}

export const invokeContract = {
  /** Server version, socket path and DB settings. Errors: not-connected, timeout. */
  getServerInfo: channel<ServerInfo>()(noArgs),
  /** Current connection state (never fails). */
  getConnection: channel<ConnectionState>()(noArgs),
  /** Reconnect now instead of waiting for the back-off. */
  retryConnection: channel<ConnectionState>()(noArgs),
  /** Every jail with its counts (from `status J short`). Errors: not-connected, timeout. */
  listJails: channel<Jail[]>()(noArgs),
  /** Settings of one jail. Errors: unknown-jail, not-connected. */
  getJailSettings: channel<JailSettings>()(jailOnly),
  /** Start a jail that the configuration knows. Errors: unknown-jail, command-failed. */
  startJail: channel<null>()(jailOnly),
  /** Stop a running jail. Errors: unknown-jail. */
  stopJail: channel<null>()(jailOnly),
  /**
   * Reload through fail2ban-client (it builds the config stream); serialized by a lock and
   * verified afterwards. Errors: busy (a reload runs already), command-failed.
   */
  reload: channel<ReloadResult>()(
    z.strictObject({
      scope: z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('all') }),
        z.strictObject({
          kind: z.literal('include'),
          jails: z.array(jailNameSchema).min(1).max(500)
        }),
        z.strictObject({
          kind: z.literal('exclude'),
          jails: z.array(jailNameSchema).min(1).max(500)
        })
      ]),
      restart: z.boolean().default(false),
      unban: z.boolean().default(false)
    })
  ),
  /** Current bans of one jail with their times, as columns. Errors: unknown-jail. */
  listBans: channel<BanColumns>()(jailOnly),
  /**
   * Ban many IPs/CIDRs in one jail, in chunks, with `banProgress` events under `operationId`.
   * Returns how many were newly banned. Errors: invalid-argument, unknown-jail, cancelled.
   */
  banIps: channel<{ newlyBanned: number; submitted: number; cancelled: boolean }>()(
    z.strictObject({
      jail: jailNameSchema,
      ips: ipListSchema,
      operationId: operationIdSchema
    })
  ),
  /** Cancel a running ban operation after its current chunk. */
  cancelBan: channel<boolean>()(
    z.strictObject({ operationId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/) })
  ),
  /** Unban IPs in one jail, or in every jail when `jail` is null. Returns the count removed. */
  unbanIps: channel<number>()(
    z.strictObject({ jail: jailNameSchema.nullable(), ips: ipListSchema })
  ),
  /**
   * Unban everything in one jail (confirm = the jail name) or in every jail (jail null,
   * confirm = {@link UNBAN_ALL_EVERY_JAIL}). Returns the count removed.
   */
  unbanAll: channel<number>()(
    z
      .strictObject({ jail: jailNameSchema.nullable(), confirm: z.string() })
      .refine((v) => v.confirm === (v.jail ?? UNBAN_ALL_EVERY_JAIL), {
        message: 'confirmation does not match: type the jail name (or "all jails") to unban all'
      })
  ),
  /**
   * The jails that currently ban an IP, and the banned networks that contain it (fail2ban's
   * `banned IP` finds exact entries only).
   */
  findIp: channel<FindIpResult>()(z.strictObject({ ip: ipSchema })),
  /** Set bantime, findtime (seconds) or maxretry. Returns the new value. */
  setJailValue: channel<number>()(
    z.discriminatedUnion('key', [
      z.strictObject({ jail: jailNameSchema, key: z.literal('bantime'), value: durationSchema }),
      z.strictObject({
        jail: jailNameSchema,
        key: z.literal('findtime'),
        value: durationSchema.min(1)
      }),
      z.strictObject({
        jail: jailNameSchema,
        key: z.literal('maxretry'),
        value: z.number().int().min(1).max(1_000_000)
      })
    ])
  ),
  /** Add or remove an ignoreip entry. Returns the new list. */
  changeIgnoreIp: channel<string[]>()(
    z.discriminatedUnion('op', [
      z.strictObject({ jail: jailNameSchema, op: z.literal('add'), entry: ignoreIpSchema }),
      // Removing may name a broad entry stored before the breadth rule (see the validator).
      z.strictObject({ jail: jailNameSchema, op: z.literal('del'), entry: ignoreIpRemovalSchema })
    ])
  ),
  /** Which jail's full ban list is on screen (the monitor fetches full lists only for it). */
  watchJail: channel<null>()(z.strictObject({ jail: jailNameSchema.nullable() })),
  /** The app's settings, with any warning from loading them (never fails). */
  getSettings: channel<SettingsState>()(noArgs),
  /**
   * Change some settings (a partial object; `notifications.perJail` entries are merged) and
   * save them. Returns the new state; `restartRequired` names settings that apply after a
   * restart. Errors: invalid-argument. A failed save is a warning in the state, not an error.
   */
  updateSettings: channel<SettingsState>()(settingsPatchSchema),
  /** The last `limit` audit log entries (default 200), newest first. Errors: internal. */
  listAudit: channel<AuditEntry[]>()(
    z.strictObject({ limit: z.number().int().min(1).max(5000).default(200) })
  ),
  /** How main reaches fail2ban (direct socket or the privileged helper) and the helper's state. */
  getAccess: channel<AccessState>()(noArgs),
  /**
   * Remember how to reach fail2ban and switch now: `pkexec` starts the helper (one password
   * prompt), `sudo` starts it with `sudo -n`, `direct` stops it. A failed start is reported in
   * the state (helper.status 'failed' with the reason), not as an error, and is never retried
   * by itself.
   */
  chooseAccess: channel<AccessState>()(z.strictObject({ mode: z.enum(ACCESS_MODES) })),
  /** Whether `sudo -n` would start the helper without a password ("Check again"). */
  checkSudo: channel<SudoCheck>()(noArgs),
  ...historyContract,
  ...serversContract,
  /** The app's, Electron's, Chromium's and Node's versions (About box; never fails). */
  getAppInfo: channel<AppInfo>()(noArgs)
}

export type InvokeContract = typeof invokeContract
// Every name in channels.ts has a schema here, and no schema lacks a name (checked by tsc).
const _namesMatch: Record<InvokeName, unknown> extends Record<keyof InvokeContract, unknown>
  ? Record<keyof InvokeContract, unknown> extends Record<InvokeName, unknown>
    ? true
    : never
  : never = true
void _namesMatch
export type RequestOf<K extends InvokeName> = z.input<InvokeContract[K]['request']>
export type ParsedRequestOf<K extends InvokeName> = z.output<InvokeContract[K]['request']>
export type ResponseOf<K extends InvokeName> = Exclude<InvokeContract[K]['response'], undefined>

/** Events main -> renderer, with their payload types. */
export interface EventContract extends Record<EventName, unknown> {
  /** The connection state changed. */
  connectionChanged: ConnectionState
  /** Jail list or counts changed (sent whole; it is small). */
  jailsChanged: Jail[]
  /** Bans were added or removed in the watched jail. */
  bansChanged: { jail: string; added: Ban[]; removed: string[] }
  /** Progress of a chunked ban. */
  banProgress: BanProgress
  /**
   * Fresh settings of a jail: after the app changed them (value edit, ignoreip, reload, start)
   * or when the monitor saw them change behind the app's back (watched jail only).
   */
  jailSettingsChanged: JailSettings
  /** The settings changed (sent whole). */
  settingsChanged: SettingsState
  /** An admin action was recorded in the audit log. */
  auditAppended: AuditEntry
  /** The access mode or the helper's state changed. */
  accessChanged: AccessState
  /** A server's state or counts changed, or another server became the active one. */
  serversChanged: ServersState
  /** One server finished its part of a fleet-wide ban or unban. */
  fleetProgress: FleetProgress
}
export {
  channelOf,
  eventNames,
  invokeNames,
  UNBAN_ALL_EVERY_JAIL,
  type EventName,
  type InvokeName
} from './channels.ts'
export {
  DEFAULT_SETTINGS,
  type AppSettings,
  type NotificationSettings,
  type SettingsPatch,
  type SettingsState
} from './settings.ts'
