/**
 * The bridge returns `Result` values (errors do not survive contextBridge as objects); the
 * features' `api.ts` files turn them back into thrown {@link AppError}s that stores can catch.
 */
import type { AppErrorData, ErrorCode, Result } from '../../../shared/contract.ts'

/** An error from main, with the code the UI can act on and a message for people. */
export class AppError extends Error {
  readonly code: ErrorCode
  constructor(data: AppErrorData) {
    super(data.message)
    this.name = 'AppError'
    this.code = data.code
  }
}

/** Returns the value of an ok result, throws an {@link AppError} otherwise. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value
  throw new AppError(result.error)
}

/**
 * Awaits a bridge call and unwraps it. A rejected promise (the bridge itself failed, which the
 * contract does not foresee) becomes an `internal` AppError, so callers see one error type.
 */
export async function call<T>(pending: Promise<Result<T>>): Promise<T> {
  let result: Result<T>
  try {
    result = await pending
  } catch (err) {
    throw new AppError({
      code: 'internal',
      message: `The app's bridge to fail2ban failed: ${err instanceof Error ? err.message : String(err)}`
    })
  }
  return unwrap(result)
}

/** True when `err` is an AppError, optionally with the given code. */
export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code)
}

/** The sentence to show for any caught error. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name
  return String(err)
}
