/** How the app reaches fail2ban (direct or the privileged helper), and the first-run choice. */
import { create } from 'zustand'
import type { AccessMode, AccessState, SudoCheck } from '../../../../shared/access.ts'
import { errorMessage } from '../../lib/app-error.ts'
import { accessApi } from './api.ts'

export interface AccessStoreState {
  access: AccessState | null
  /** A mode switch in progress (the helper may be waiting for a password). */
  choosing: AccessMode | null
  sudoCheck: SudoCheck | null
  checkingSudo: boolean
  error: string | null
}

export interface AccessActions {
  load(): Promise<void>
  choose(mode: AccessMode): Promise<void>
  checkSudo(): Promise<void>
  apply(state: AccessState): void
}

export type AccessStore = AccessStoreState & AccessActions

export const initialAccessState: AccessStoreState = {
  access: null,
  choosing: null,
  sudoCheck: null,
  checkingSudo: false,
  error: null
}

export const useAccessStore = create<AccessStore>()((set, get) => ({
  ...initialAccessState,
  async load() {
    try {
      set({ access: await accessApi.get(), error: null })
    } catch (e) {
      set({ error: errorMessage(e) })
    }
  },
  async choose(mode) {
    if (get().choosing) return
    set({ choosing: mode, error: null })
    try {
      set({ access: await accessApi.choose(mode) })
    } catch (e) {
      set({ error: errorMessage(e) })
    } finally {
      set({ choosing: null })
    }
  },
  async checkSudo() {
    if (get().checkingSudo) return
    set({ checkingSudo: true, sudoCheck: null })
    try {
      const sudoCheck = await accessApi.checkSudo()
      set({ sudoCheck })
      // Passwordless sudo works now: use it at once, as the admin set it up for this.
      if (sudoCheck.ok) await get().choose('sudo')
    } catch (e) {
      set({ sudoCheck: { ok: false, message: errorMessage(e) } })
    } finally {
      set({ checkingSudo: false })
    }
  },
  apply(access) {
    set({ access })
  }
}))
