/**
 * Whether the server is reachable now, for every feature: actions that need the server are
 * disabled while it is not, and data on screen is marked stale with its age. The app's wiring
 * sets it from the connection feature; features only read it (so no feature imports another's
 * store for this).
 */
import { create } from 'zustand'

export interface OnlineState {
  /** True while main reports a working connection. */
  online: boolean
  /** Since when (epoch ms) the connection has been down; null while online. */
  downSince: number | null
}

export const useOnline = create<OnlineState>(() => ({ online: false, downSince: null }))

export const selectOnline = (s: OnlineState): boolean => s.online
export const selectDownSince = (s: OnlineState): number | null => s.downSince

/** Sets the state (from the wiring only). */
export function setOnline(online: boolean, since: number): void {
  const prev = useOnline.getState()
  if (prev.online === online && (online || prev.downSince !== null)) return
  useOnline.setState({ online, downSince: online ? null : (prev.downSince ?? since) })
}

/** "5 s", "2 min": how old last-known data is. */
export function staleAge(downSince: number, now: number): string {
  const s = Math.max(0, Math.floor((now - downSince) / 1000))
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min`
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
}
