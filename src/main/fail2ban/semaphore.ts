/**
 * A counting semaphore: at most `limit` holders, waiters served first come first served.
 * A waiter may give up (its command's deadline passed or it was aborted): it leaves the queue
 * and its acquire rejects, so a slow command ahead of it cannot stretch its deadline.
 */
export interface Cancellable {
  /** Calls `fn` once when the waiter must give up; returns an unsubscribe. */
  onEnd(fn: (err: Error) => void): () => void
  readonly ended: Error | null
}

interface Waiter {
  grant: () => void
}

export class Semaphore {
  readonly limit: number
  #active = 0
  #waiters: Waiter[] = []
  #peak = 0

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('semaphore limit must be >= 1')
    this.limit = limit
  }

  /** Holders right now. */
  get active(): number {
    return this.#active
  }

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.#waiters.length
  }

  /** Highest number of simultaneous holders seen. */
  get peak(): number {
    return this.#peak
  }

  /**
   * Resolves when a slot is held; call the returned function exactly once to free it.
   * Rejects with the scope's error if the scope ends while waiting (the slot is not taken).
   */
  acquire(scope?: Cancellable): Promise<() => void> {
    if (scope?.ended) return Promise.reject(scope.ended)
    if (this.#active < this.limit) {
      this.#active++
      if (this.#active > this.#peak) this.#peak = this.#active
      return Promise.resolve(this.#releaser())
    }
    return new Promise<() => void>((resolve, reject) => {
      let off = (): void => undefined
      const waiter: Waiter = {
        grant: () => {
          off()
          resolve(this.#releaser())
        }
      }
      this.#waiters.push(waiter)
      if (scope) {
        off = scope.onEnd((err) => {
          const i = this.#waiters.indexOf(waiter)
          if (i === -1) return
          this.#waiters.splice(i, 1)
          reject(err)
        })
      }
    })
  }

  #releaser(): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.#waiters.shift()
      // Hand the slot straight to the next waiter: #active stays the same.
      if (next) next.grant()
      else this.#active--
    }
  }
}
