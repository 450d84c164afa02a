/** A counting semaphore: at most `limit` holders, waiters served first come first served. */
export class Semaphore {
  readonly limit: number
  #active = 0
  #waiters: Array<() => void> = []
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

  /** Resolves when a slot is held; call the returned function exactly once to free it. */
  async acquire(): Promise<() => void> {
    if (this.#active >= this.limit) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve))
    } else {
      this.#active++
    }
    this.#peak = Math.max(this.#peak, this.#active)
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.#waiters.shift()
      // Hand the slot straight to the next waiter: #active stays the same.
      if (next) next()
      else this.#active--
    }
  }
}
