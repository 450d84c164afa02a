import { create } from 'zustand'

/** One shared 1 s clock for every live countdown (not one timer per row). */
export const useNow = create<{ now: number }>(() => ({ now: Date.now() }))

let timer: ReturnType<typeof setInterval> | null = null
export function startTicker(): () => void {
  timer ??= setInterval(() => useNow.setState({ now: Date.now() }), 1000)
  return () => {
    if (timer) clearInterval(timer)
    timer = null
  }
}
