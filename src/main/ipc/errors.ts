/**
 * Error mapping for the IPC layer: any error becomes the `{ code, message }` the UI shows as
 * is. Shared by the handler registry and the audit wrapper (which records the same outcome).
 */
import { ZodError } from 'zod'
import type { AppErrorData, ErrorCode } from '../../shared/contract.ts'
import {
  Fail2BanArgumentError,
  Fail2BanCommandError,
  Fail2BanConnectionError,
  Fail2BanProtocolError,
  Fail2BanUnknownJailError
} from '../fail2ban/index.ts'
import { BusyError } from '../services/jails.service.ts'

/** Any error → what the UI shows. Internal details stay in the log. */
export function toAppError(err: unknown): AppErrorData {
  const e = (code: ErrorCode, message: string): AppErrorData => ({ code, message })
  if (err instanceof ZodError) return fromZod(err)
  if (err instanceof Fail2BanUnknownJailError) return e('unknown-jail', err.message)
  if (err instanceof Fail2BanArgumentError) return e('invalid-argument', err.message)
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

export function fromZod(err: ZodError): AppErrorData {
  const issues = err.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
  return { code: 'invalid-argument', message: issues.join('; ') }
}
