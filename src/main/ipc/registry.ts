/**
 * The handler registry: one plain function per contract channel, and `dispatch`, which parses
 * the request with the channel's schema, calls the handler, and maps any error to the
 * `{ code, message }` the UI shows as is. No electron here: the Electron binding and the e2e
 * harness both call `dispatch`.
 */
import {
  invokeContract,
  type InvokeName,
  type ParsedRequestOf,
  type ResponseOf,
  type Result
} from '../../shared/contract.ts'
import type { Logger } from '../fail2ban/index.ts'
import { appInfo } from '../services/app-info.ts'
import type { AppServices } from '../services/app-services.ts'
import { auditedHandlers } from './audited-handlers.ts'
import { fromZod, toAppError } from './errors.ts'

export { toAppError } from './errors.ts'

export type Handlers = { [K in InvokeName]: (req: ParsedRequestOf<K>) => Promise<ResponseOf<K>> }

/** The handlers, each a one-liner into a service; connection errors are reported to the state machine. */
export function createHandlers(s: AppServices): Handlers {
  return {
    getServerInfo: () => s.jails.serverInfo(),
    getConnection: async () => s.connection.state,
    retryConnection: () => s.connection.check(),
    listJails: () => s.jails.list(),
    getJailSettings: ({ jail }) => s.jails.settings(jail),
    startJail: async ({ jail }) => (await s.jails.start(jail), null),
    stopJail: async ({ jail }) => (await s.jails.stop(jail), null),
    reload: ({ scope, restart, unban }) => s.jails.reload({ scope, restart, unban }),
    listBans: ({ jail }) => s.jails.bans(jail),
    banIps: ({ jail, ips, operationId }) => s.bans.ban(jail, ips, operationId),
    cancelBan: async ({ operationId }) => s.bans.cancel(operationId),
    unbanIps: ({ jail, ips }) => s.bans.unban(jail, ips),
    unbanAll: ({ jail }) => s.bans.unbanAll(jail),
    findIp: ({ ip }) => s.jails.findIp(ip),
    setJailValue: ({ jail, key, value }) => s.jails.setValue(jail, key, value),
    changeIgnoreIp: ({ jail, op, entry }) => s.jails.changeIgnoreIp(jail, op, entry),
    watchJail: async ({ jail }) => (s.monitor.watch(jail), null),
    getSettings: async () => s.settings.state(),
    updateSettings: (patch) => s.settings.update(patch),
    listAudit: ({ limit }) => s.audit.tail(limit),
    getAppInfo: async () => appInfo()
  }
}

export type Dispatch = (name: string, request: unknown) => Promise<Result<unknown>>

/**
 * Validates the channel name and request, runs the handler, and never throws. By default the
 * handlers are those of {@link createHandlers} wrapped by {@link auditedHandlers}, so every admin
 * action that reaches a handler is recorded in `services.audit` with its outcome.
 */
export function createDispatch(
  services: AppServices,
  logger?: Logger,
  handlers: Handlers = auditedHandlers(createHandlers(services), services.audit, {
    ...(logger ? { logger } : {})
  })
): Dispatch {
  return async (name, request) => {
    if (!Object.hasOwn(invokeContract, name)) {
      return { ok: false, error: { code: 'forbidden', message: `unknown channel ${String(name)}` } }
    }
    const channel = name as InvokeName
    const parsed = invokeContract[channel].request.safeParse(request)
    if (!parsed.success) return { ok: false, error: fromZod(parsed.error) }
    try {
      const handler = handlers[channel] as (req: unknown) => Promise<unknown>
      const value = await handler(parsed.data)
      return { ok: true, value }
    } catch (err) {
      services.connection.reportError(err)
      const error = toAppError(err)
      if (error.code === 'internal')
        logger?.error('handler failed', { channel, err: String((err as Error)?.stack ?? err) })
      return { ok: false, error }
    }
  }
}
