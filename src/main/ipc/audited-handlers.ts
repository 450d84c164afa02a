/**
 * Audit wrapper for the handler registry: every channel that changes something (on the fail2ban
 * server or in the app's settings) is recorded with its request and outcome; read-only channels
 * pass through. Every channel is classified below, and a test checks that the two lists cover
 * the contract, so a new mutating channel cannot slip past the log. No electron here.
 */
import type { InvokeName, ParsedRequestOf, ResponseOf } from '../../shared/contract.ts'
import type { AuditAction, AuditEntry } from '../../shared/model.ts'
import { Fail2BanArgumentError, silentLogger, type Logger } from '../fail2ban/index.ts'
import { auditIpList, type AuditSink } from '../services/audit.service.ts'
import { toAppError } from './errors.ts'
import { HISTORY_CHANNELS } from './history-handlers.ts'
import { FLEET_READ_CHANNELS } from './fleet-handlers.ts'
import type { PerServer } from '../../shared/servers.ts'
import type { Handlers } from './handlers.ts'

interface AuditRule<K extends InvokeName> {
  action: AuditAction
  /** The jail acted on; null for every jail or none. */
  target(req: ParsedRequestOf<K>): string | null
  params(req: ParsedRequestOf<K>): Record<string, unknown>
  /** A short summary of a successful answer (never whole lists or reload output). */
  summary(res: ResponseOf<K>): unknown
  /** True when the call changed nothing and is not worth an entry (a flood of them would rotate real entries out). */
  noop?(res: ResponseOf<K>): boolean
}

/** The channels that are audited, and how each is described. */
const RULES = {
  banIps: {
    action: 'ban',
    target: (r) => r.jail,
    params: (r) => ({ ips: auditIpList(r.ips), operationId: r.operationId }),
    summary: (res) => res
  } satisfies AuditRule<'banIps'>,
  cancelBan: {
    action: 'cancelBan',
    target: () => null,
    params: (r) => ({ operationId: r.operationId }),
    summary: (res) => ({ wasRunning: res }),
    noop: (res) => res === false // nothing was running under that id
  } satisfies AuditRule<'cancelBan'>,
  unbanIps: {
    action: 'unban',
    target: (r) => r.jail,
    params: (r) => ({ ips: auditIpList(r.ips), everyJail: r.jail === null }),
    summary: (res) => ({ removed: res })
  } satisfies AuditRule<'unbanIps'>,
  unbanAll: {
    action: 'unbanAll',
    target: (r) => r.jail,
    params: (r) => ({ everyJail: r.jail === null }),
    summary: (res) => ({ removed: res })
  } satisfies AuditRule<'unbanAll'>,
  reload: {
    action: 'reload',
    target: (r) =>
      r.scope.kind === 'include' && r.scope.jails.length === 1 ? r.scope.jails[0]! : null,
    params: (r) => ({ scope: r.scope, restart: r.restart, unban: r.unban }),
    summary: (res) => ({
      ok: res.ok,
      jails: res.jails.length,
      missing: res.missing,
      durationMs: res.durationMs
    })
  } satisfies AuditRule<'reload'>,
  startJail: {
    action: 'startJail',
    target: (r) => r.jail,
    params: () => ({}),
    summary: () => undefined
  } satisfies AuditRule<'startJail'>,
  stopJail: {
    action: 'stopJail',
    target: (r) => r.jail,
    params: () => ({}),
    summary: () => undefined
  } satisfies AuditRule<'stopJail'>,
  setJailValue: {
    action: 'setJailValue',
    target: (r) => r.jail,
    params: (r) => ({ key: r.key, value: r.value }),
    summary: (res) => ({ value: res })
  } satisfies AuditRule<'setJailValue'>,
  changeIgnoreIp: {
    action: 'changeIgnoreIp',
    target: (r) => r.jail,
    params: (r) => ({ op: r.op, entry: r.entry }),
    summary: (res) => ({ entries: res.length })
  } satisfies AuditRule<'changeIgnoreIp'>,
  chooseAccess: {
    action: 'chooseAccess',
    target: () => null,
    params: (r) => ({ mode: r.mode }),
    summary: (res) => ({ helper: res.helper.status, message: res.helper.message || undefined })
  } satisfies AuditRule<'chooseAccess'>,
  fleetBan: {
    action: 'fleetBan',
    target: (r) => r.jail,
    params: (r) => ({
      servers: r.servers,
      ips: auditIpList(r.ips),
      operationId: r.operationId
    }),
    summary: perServerSummary
  } satisfies AuditRule<'fleetBan'>,
  fleetUnban: {
    action: 'fleetUnban',
    target: () => null,
    params: (r) => ({ servers: r.servers, ips: auditIpList(r.ips), operationId: r.operationId }),
    summary: perServerSummary
  } satisfies AuditRule<'fleetUnban'>,
  saveServer: {
    action: 'saveServer',
    target: () => null,
    params: (r) => ({ previous: r.previous, profile: r.profile }),
    summary: () => undefined
  } satisfies AuditRule<'saveServer'>,
  // a test starts ssh with a profile nobody saved yet: recorded like a save
  testServer: {
    action: 'testServer',
    target: () => null,
    params: (r) => ({ profile: r.profile }),
    summary: (res) => (res.ok ? { ok: true, jails: res.jails.length } : { failure: res.failure })
  } satisfies AuditRule<'testServer'>,
  removeServer: {
    action: 'removeServer',
    target: () => null,
    params: (r) => ({ server: r.id }),
    summary: () => undefined
  } satisfies AuditRule<'removeServer'>,
  acceptHostKey: {
    action: 'acceptHostKey',
    target: () => null,
    params: () => ({}),
    // the token means nothing later: the summary names the server and the key written
    summary: (res) => res.accepted
  } satisfies AuditRule<'acceptHostKey'>,
  updateSettings: {
    action: 'settingsChanged',
    target: () => null,
    params: (r) => ({ ...r }),
    summary: (res) => ({ restartRequired: res.restartRequired, warnings: res.warnings.length })
  } satisfies AuditRule<'updateSettings'>
}

/** Per server: the count, or that it failed (the message is in the UI and the log). */
function perServerSummary(res: PerServer<number>[]): unknown {
  return Object.fromEntries(res.map((r) => [r.server, r.ok ? r.value : 'failed']))
}

export type AuditedChannel = keyof typeof RULES
export const AUDITED_CHANNELS = Object.keys(RULES) as AuditedChannel[]

/** Channels deliberately not audited: they read, or only steer the UI. */
export const UNAUDITED_CHANNELS = [
  'getServerInfo',
  'getConnection',
  'retryConnection',
  'listJails',
  'getJailSettings',
  'listBans',
  'findIp',
  'watchJail',
  'getSettings',
  'listAudit',
  'getAccess',
  'checkSudo',
  // the ban history reads BanGUI's own store (historyImport only copies fail2ban's rows in)
  ...HISTORY_CHANNELS,
  // the fleet's reads, the switch of the active server, and a one-off connection test
  ...FLEET_READ_CHANNELS,
  'getAppInfo'
] as const satisfies readonly Exclude<InvokeName, AuditedChannel>[]

/** The channels that act on the active server (the others are app-wide or name their servers). */
const SERVER_SCOPED: ReadonlySet<string> = new Set([
  'banIps',
  'unbanIps',
  'unbanAll',
  'reload',
  'startJail',
  'stopJail',
  'setJailValue',
  'changeIgnoreIp'
])

export interface AuditedHandlersOptions {
  now?: () => Date
  /** Where a failure to write the log is reported (it never fails the action itself). */
  logger?: Logger
  /** The SSH server the jail channels act on now; null for this machine. */
  server?: () => string | null
}

/**
 * Wraps the mutating handlers so each call is appended to the audit log with its outcome:
 * `ok` with a short summary, or the error code and message the UI will show. A call refused
 * before anything was sent is recorded as `refused` (rate-limited by the sink); a no-op is not
 * recorded. The handler's own result or error passes through unchanged.
 */
export function auditedHandlers(
  handlers: Handlers,
  audit: AuditSink,
  opts: AuditedHandlersOptions = {}
): Handlers {
  const now = opts.now ?? (() => new Date())
  const logger = opts.logger ?? silentLogger
  const out: Record<string, unknown> = { ...handlers }
  for (const name of AUDITED_CHANNELS) {
    const rule = RULES[name] as unknown as AuditRule<InvokeName>
    const handler = handlers[name] as (req: unknown) => Promise<unknown>
    out[name] = async (req: never) => {
      const started = now()
      const server = SERVER_SCOPED.has(name) ? (opts.server?.() ?? null) : null
      const base = {
        time: started.toISOString(),
        action: rule.action,
        ...(server !== null ? { server } : {}),
        target: rule.target(req),
        params: rule.params(req)
      }
      const record = async (result: AuditEntry['result'], refused = false): Promise<void> => {
        const entry: AuditEntry = {
          ...base,
          ...(refused ? { action: 'refused', params: { channel: name, ...base.params } } : {}),
          result,
          durationMs: Math.max(0, now().getTime() - started.getTime())
        }
        try {
          await (refused && audit.refused ? audit.refused(entry) : audit.append(entry))
        } catch (err) {
          logger.error('audit log write failed', { action: rule.action, err: String(err) })
        }
      }
      try {
        const value = await handler(req)
        if (rule.noop?.(value as never)) return value
        let summary: unknown
        try {
          summary = rule.summary(value as never)
        } catch {
          summary = undefined // a summary must never cost the action its result
        }
        await record(summary === undefined ? { ok: true } : { ok: true, value: summary })
        return value
      } catch (err) {
        const { code, message } = toAppError(err)
        // Refused by BanGUI before anything was sent: recorded, but rate-limited.
        await record({ ok: false, code, message }, err instanceof Fail2BanArgumentError)
        throw err
      }
    }
  }
  return out as Handlers
}
