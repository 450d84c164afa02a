import { create } from 'zustand'
import type { ReloadResult } from '../../../../shared/model.ts'
import { errorMessage } from '../../lib/api.ts'
import { reloadApi, type Scope } from './api.ts'

interface ReloadStore {
  open: boolean
  status: 'idle' | 'running' | 'done' | 'error'
  result: ReloadResult | null
  error: string | null
  show(): void
  close(): void
  run(scope: Scope, restart: boolean, unban: boolean): Promise<void>
}

export const useReload = create<ReloadStore>((set, get) => ({
  open: false,
  status: 'idle',
  result: null,
  error: null,
  show() {
    set({ open: true, status: 'idle', result: null, error: null })
  },
  close() {
    if (get().status !== 'running') set({ open: false })
  },
  async run(scope, restart, unban) {
    set({ status: 'running', error: null, result: null })
    try {
      set({ status: 'done', result: await reloadApi.reload(scope, restart, unban) })
    } catch (e) {
      set({ status: 'error', error: errorMessage(e) })
    }
  }
}))
