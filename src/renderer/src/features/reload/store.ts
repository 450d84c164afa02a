/** Reload fail2ban (every jail, or one), optionally restarting; keeps the verified result. */
import { create } from 'zustand'
import type { ReloadResult } from '../../../../shared/model.ts'
import { errorMessage } from '../../lib/app-error.ts'
import { reloadApi, type ReloadRequest } from './api.ts'

export interface ReloadState {
  open: boolean
  target: 'all' | 'jail'
  /** The jail for target 'jail'. */
  jail: string | null
  restart: boolean
  /** Unban the reloaded jails' IPs (only with restart). */
  unban: boolean
  status: 'idle' | 'running' | 'done' | 'error'
  result: ReloadResult | null
  error: string | null
}

export interface ReloadActions {
  /** Opens the dialog; with a jail, that jail is offered as the single target. */
  show(jail: string | null): void
  close(): void
  setTarget(target: 'all' | 'jail'): void
  setJail(jail: string): void
  setRestart(restart: boolean): void
  setUnban(unban: boolean): void
  run(): Promise<void>
}

export type ReloadStore = ReloadState & ReloadActions

export const initialReloadState: ReloadState = {
  open: false,
  target: 'all',
  jail: null,
  restart: false,
  unban: false,
  status: 'idle',
  result: null,
  error: null
}

/** The request for the dialog's choices (pure; unban only together with restart). */
export function reloadRequest(s: ReloadState): ReloadRequest {
  const scope: ReloadRequest['scope'] =
    s.target === 'jail' && s.jail !== null ? { kind: 'include', jails: [s.jail] } : { kind: 'all' }
  return { scope, restart: s.restart, unban: s.restart && s.unban }
}

export const useReloadStore = create<ReloadStore>()((set, get) => ({
  ...initialReloadState,
  show(jail) {
    if (get().status === 'running') return set({ open: true })
    set({ ...initialReloadState, open: true, jail, target: 'all' })
  },
  close() {
    if (get().status !== 'running') set({ open: false })
  },
  setTarget(target) {
    set({ target })
  },
  setJail(jail) {
    set({ jail, target: 'jail' })
  },
  setRestart(restart) {
    set({ restart, unban: restart ? get().unban : false })
  },
  setUnban(unban) {
    set({ unban })
  },
  async run() {
    if (get().status === 'running') return
    set({ status: 'running', error: null, result: null })
    try {
      const result = await reloadApi.reload(reloadRequest(get()))
      set({ status: 'done', result })
    } catch (e) {
      set({ status: 'error', error: errorMessage(e) })
    }
    // Jails that came or went, and their settings, arrived as events before the answer.
  }
}))
