/**
 * One shared 1 s clock for every live countdown (ban expiries, the reconnect countdown):
 * one timer for the whole app, never one per row. Ticks on whole seconds so every countdown
 * on screen changes in the same frame.
 */
import { create } from 'zustand'

export const useNow = create<{ now: number }>(() => ({ now: Date.now() }))

/** The current tick (epoch ms). */
export const selectNow = (s: { now: number }): number => s.now

let users = 0
let timer: ReturnType<typeof setTimeout> | null = null

function schedule(): void {
  timer = setTimeout(
    () => {
      useNow.setState({ now: Date.now() })
      schedule()
    },
    1000 - (Date.now() % 1000) + 5
  )
}

/** Starts the clock (reference-counted); returns the function that releases it. */
export function startTicker(): () => void {
  users++
  if (timer === null) {
    useNow.setState({ now: Date.now() })
    schedule()
  }
  let released = false
  return () => {
    if (released) return
    released = true
    users--
    if (users === 0 && timer !== null) {
      clearTimeout(timer)
      timer = null
    }
  }
}
