/**
 * Dispatch: parses the request with the channel's schema, calls the channel's handler (from
 * `handlers.ts`, audited by `audited-handlers.ts`), and maps any error to the `{ code, message }`
 * the UI shows as is. No electron here: the Electron binding and the e2e harness both call it.
 */
import {
  invokeContract,
  type AppErrorData,
  type InvokeName,
  type Result
} from '../../shared/contract.ts'
import type { Logger } from '../fail2ban/index.ts'
import type { AppServices } from '../services/app-services.ts'
import { auditedHandlers } from './audited-handlers.ts'
import { fromZod, toAppError } from './errors.ts'
import { createHandlers, type Handlers } from './handlers.ts'

export { toAppError } from './errors.ts'
export { createHandlers, type Handlers } from './handlers.ts'

export type Dispatch = (name: string, request: unknown) => Promise<Result<unknown>>

/**
 * Validates the channel name and request, runs the handler, and never throws. By default the
 * handlers are those of {@link createHandlers} wrapped by {@link auditedHandlers}, so every admin
 * action that reaches a handler is recorded in `services.audit` with its outcome; a request the
 * contract refuses (unknown channel, schema) is recorded as `refused` (rate-limited there).
 */
export function createDispatch(
  services: AppServices,
  logger?: Logger,
  handlers: Handlers = auditedHandlers(createHandlers(services), services.audit, {
    ...(logger ? { logger } : {}),
    server: () => (services.fleet.active.remote ? services.fleet.active.id : null)
  })
): Dispatch {
  return async (name, request) => {
    if (typeof name !== 'string' || !Object.hasOwn(invokeContract, name)) {
      const error = {
        code: 'forbidden' as const,
        message: `unknown channel ${String(name).slice(0, 64)}`
      }
      await refuse(services, logger, String(name).slice(0, 64), error)
      return { ok: false, error }
    }
    const channel = name as InvokeName
    const parsed = invokeContract[channel].request.safeParse(request)
    if (!parsed.success) {
      const error = fromZod(parsed.error)
      await refuse(services, logger, channel, error)
      return { ok: false, error }
    }
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

/** Records a request refused by the contract (rate-limited by the audit service). */
async function refuse(
  services: AppServices,
  logger: Logger | undefined,
  channel: string,
  error: AppErrorData
): Promise<void> {
  try {
    await services.audit.refused({
      time: new Date().toISOString(),
      action: 'refused',
      target: null,
      params: { channel },
      result: { ok: false, code: error.code, message: error.message },
      durationMs: 0
    })
  } catch (err) {
    logger?.error('audit log write failed', { action: 'refused', err: String(err) })
  }
}
