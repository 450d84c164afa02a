/** Turns the bridge's `Result` values back into exceptions the stores can catch. */
import type { AppErrorData, ErrorCode, Result } from '../../../shared/contract.ts'

export class AppError extends Error {
  readonly code: ErrorCode
  constructor(data: AppErrorData) {
    super(data.message)
    this.name = 'AppError'
    this.code = data.code
  }
}

export async function unwrap<T>(result: Promise<Result<T>>): Promise<T> {
  const r = await result
  if (r.ok) return r.value
  throw new AppError(r.error)
}

/** The message to show for any caught error. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** The bridge, looked up when used (tests set it on globalThis). */
export function bridge(): Window['bangui'] {
  return (globalThis as unknown as Window).bangui
}
