/**
 * One command's life span: a deadline on the monotonic clock (performance.now(), immune to
 * wall-clock jumps) started when `send` is called, plus the caller's optional AbortSignal.
 * Whatever the command is waiting on (a semaphore slot, a connect, a back-off, a reply)
 * subscribes with `onEnd` and gives up when the scope ends. One timer per command.
 */
export const now = (): number => performance.now()

export class CommandScope {
  readonly deadline: number
  #ended: Error | null = null
  #listeners: Array<(err: Error) => void> = []
  #timer: ReturnType<typeof setTimeout> | null = null
  readonly #signal: AbortSignal | undefined
  readonly #onAbort: (() => void) | null = null

  /**
   * @param timeoutMs budget from now
   * @param onTimeout builds the error a timed-out command rejects with
   * @param onAbort builds the error an aborted command rejects with
   */
  constructor(
    timeoutMs: number,
    signal: AbortSignal | undefined,
    onTimeout: () => Error,
    onAbort: (reason: unknown) => Error
  ) {
    this.deadline = now() + timeoutMs
    this.#signal = signal
    if (signal?.aborted) {
      this.#ended = onAbort(signal.reason)
      return
    }
    this.#timer = setTimeout(() => this.#end(onTimeout()), Math.max(0, timeoutMs))
    if (signal) {
      this.#onAbort = () => this.#end(onAbort(signal.reason))
      signal.addEventListener('abort', this.#onAbort, { once: true })
    }
  }

  /** The error the command ends with, once the deadline passed or the signal fired. */
  get ended(): Error | null {
    return this.#ended
  }

  /** Milliseconds left (0 when over). */
  get remaining(): number {
    return Math.max(0, this.deadline - now())
  }

  /** Calls `fn` once when the scope ends (at once if it already has); returns an unsubscribe. */
  onEnd(fn: (err: Error) => void): () => void {
    if (this.#ended) {
      fn(this.#ended)
      return noop
    }
    this.#listeners.push(fn)
    return () => {
      const i = this.#listeners.indexOf(fn)
      if (i !== -1) this.#listeners.splice(i, 1)
    }
  }

  /** Resolves after `ms`, or rejects when the scope ends first. */
  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        off()
        resolve()
      }, ms)
      const off = this.onEnd((err) => {
        clearTimeout(t)
        reject(err)
      })
    })
  }

  /** Races `p` against the scope; `onLate` receives a value that arrives after the end. */
  race<T>(p: Promise<T>, onLate?: (v: T) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let over = false
      const off = this.onEnd((err) => {
        over = true
        reject(err)
      })
      p.then(
        (v) => {
          off()
          if (over) onLate?.(v)
          else resolve(v)
        },
        (e: unknown) => {
          off()
          if (!over) reject(e)
        }
      )
    })
  }

  /** Frees the timer and the signal listener; call when the command settled. */
  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    if (this.#onAbort) this.#signal?.removeEventListener('abort', this.#onAbort)
    this.#listeners.length = 0
  }

  /** Ends the scope now with `err` (e.g. the client is closing). */
  end(err: Error): void {
    this.#end(err)
  }

  #end(err: Error): void {
    if (this.#ended) return
    this.#ended = err
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    const ls = this.#listeners
    this.#listeners = []
    for (const fn of ls) fn(err)
  }
}

const noop = (): void => undefined
