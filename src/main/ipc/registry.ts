/**
 * The handler registry: one plain function per contract channel, and `dispatch`, which parses
 * the request with the channel's schema, calls the handler, and maps any error to the
 * `{ code, message }` the UI shows as is. No electron here: the Electron binding and the e2e
 * harness both call `dispatch`.
 */
import { ZodError } from 'zod'
import {
  invokeContract,
  type AppErrorData,
  type ErrorCode,
  type InvokeName,
  type ParsedRequestOf,
  type ResponseOf,
  type Result
} from '../../shared/contract.ts'
import {
  Fail2BanArgumentError,
  Fail2BanCommandError,
  Fail2BanConnectionError,
  Fail2BanProtocolError,
  type Logger
} from '../fail2ban/index.ts'
import type { AppServices } from '../services/app-services.ts'
import { OperationCancelledError } from '../services/ban.service.ts'
import { BusyError } from '../services/jails.service.ts'

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
    watchJail: async ({ jail }) => (s.monitor.watch(jail), null)
  }
}

export type Dispatch = (name: string, request: unknown) => Promise<Result<unknown>>

/** Validates the channel name and request, runs the handler, and never throws. */
export function createDispatch(services: AppServices, logger?: Logger): Dispatch {
  const handlers = createHandlers(services)
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

/** Any error → what the UI shows. Internal details stay in the log. */
export function toAppError(err: unknown): AppErrorData {
  const e = (code: ErrorCode, message: string): AppErrorData => ({ code, message })
  if (err instanceof ZodError) return fromZod(err)
  if (err instanceof Fail2BanArgumentError) return e('invalid-argument', err.message)
  if (err instanceof OperationCancelledError) return e('cancelled', err.message)
  if (err instanceof BusyError) return e('busy', err.message)
  if (err instanceof Fail2BanCommandError) {
    if (err.className.endsWith('UnknownJailException'))
      return e('unknown-jail', `fail2ban has no jail named "${err.message}"`)
    return e('command-failed', `fail2ban refused the command: ${err.message}`)
  }
  if (err instanceof Fail2BanConnectionError) {
    if (err.code === 'EACCES' || err.code === 'EPERM') return e('permission-denied', err.message)
    if (err.code === 'ETIMEDOUT') return e('timeout', err.message)
    if (err.code === 'EAGAIN' || err.code === 'ENOBUFS') return e('busy', err.message)
    return e('not-connected', err.message)
  }
  if (err instanceof Fail2BanProtocolError)
    return e('protocol', `fail2ban sent a reply BanGUI cannot read: ${err.message}`)
  return e('internal', 'an unexpected error occurred; see the log for details')
}

function fromZod(err: ZodError): AppErrorData {
  const issues = err.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
  return { code: 'invalid-argument', message: issues.join('; ') }
}
