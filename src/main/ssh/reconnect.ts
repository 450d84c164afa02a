/**
 * When to try a server again. Only failures that heal by themselves are retried (unreachable,
 * session dropped, fail2ban not running), with exponential back-off and jitter; the others
 * (host key, auth, sudo, python3, helper) wait for the admin, so nothing ever loops on a
 * refusal. BatchMode means no attempt can prompt either.
 */
import { TRANSIENT, type SshFailureKind } from './failures.ts'

export interface BackoffOptions {
  /** First delay. Default 1 s. */
  baseMs?: number
  /** Ceiling. Default 60 s. */
  maxMs?: number
  /** Growth per attempt. Default 2. */
  factor?: number
  /** Random spread, as a fraction of the delay (0..1). Default 0.2. */
  jitter?: number
  /** Injected for tests. */
  random?: () => number
}

export class ReconnectPolicy {
  readonly #base: number
  readonly #max: number
  readonly #factor: number
  readonly #jitter: number
  readonly #random: () => number

  constructor(opts: BackoffOptions = {}) {
    this.#base = opts.baseMs ?? 1_000
    this.#max = opts.maxMs ?? 60_000
    this.#factor = opts.factor ?? 2
    this.#jitter = Math.min(Math.max(opts.jitter ?? 0.2, 0), 1)
    this.#random = opts.random ?? Math.random
  }

  /**
   * Milliseconds to wait before attempt `attempt` (0 = the first retry) after a failure of
   * `kind`; undefined when the admin must act first.
   */
  delay(kind: SshFailureKind, attempt: number): number | undefined {
    if (!TRANSIENT.has(kind)) return undefined
    const raw = Math.min(this.#max, this.#base * this.#factor ** Math.max(0, attempt))
    const spread = raw * this.#jitter * (this.#random() * 2 - 1)
    return Math.max(0, Math.round(Math.min(this.#max, raw + spread)))
  }
}
