/** The About box: open flag and the versions main reports. */
import { create } from 'zustand'
import type { AppInfo } from '../../../../shared/model.ts'
import { errorMessage } from '../../lib/app-error.ts'
import { aboutApi } from './api.ts'

export interface AboutState {
  open: boolean
  info: AppInfo | null
  error: string | null
  show(): void
  close(): void
}

export const useAboutStore = create<AboutState>()((set, get) => ({
  open: false,
  info: null,
  error: null,
  show() {
    set({ open: true })
    if (get().info === null)
      aboutApi.info().then(
        (info) => set({ info, error: null }),
        (e: unknown) => set({ error: errorMessage(e) })
      )
  },
  close() {
    set({ open: false })
  }
}))
