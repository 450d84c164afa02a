/**
 * The app's settings screen: the state main keeps (loaded once, then `settingsChanged` events),
 * and changes applied live, one field at a time; main validates again and answers with the new
 * state or the reason it refused (e.g. an untrusted socket path).
 */
import { create } from 'zustand'
import type { SettingsPatch, SettingsState } from '../../../../shared/settings.ts'
import { errorMessage } from '../../lib/app-error.ts'
import type { LoadStatus } from '../../lib/load-status.ts'
import { settingsApi } from './api.ts'

/** The fields the screen saves one by one; an error belongs to the field that caused it. */
export type SettingsField =
  'socketPath' | 'pollIntervalMs' | 'notifications' | 'perJail' | 'startMinimized' | 'closeToTray'

export interface SettingsStoreState {
  open: boolean
  status: LoadStatus
  state: SettingsState | null
  loadError: string | null
  saving: SettingsField | null
  /** main's refusal, per field. */
  errors: Partial<Record<SettingsField, string>>
  /** The last field saved (for the "Saved" hint). */
  saved: SettingsField | null
}

export interface SettingsActions {
  show(): void
  close(): void
  load(): Promise<void>
  /** Applies a `settingsChanged` event. */
  apply(state: SettingsState): void
  save(field: SettingsField, patch: SettingsPatch): Promise<boolean>
}

export type SettingsStore = SettingsStoreState & SettingsActions

export const initialSettingsState: SettingsStoreState = {
  open: false,
  status: 'idle',
  state: null,
  loadError: null,
  saving: null,
  errors: {},
  saved: null
}

export const useSettingsStore = create<SettingsStore>()((set, get) => ({
  ...initialSettingsState,
  show() {
    set({ open: true, errors: {}, saved: null })
    void get().load()
  },
  close() {
    if (get().saving === null) set({ open: false })
  },
  async load() {
    set({ status: get().state ? 'ready' : 'loading', loadError: null })
    try {
      set({ state: await settingsApi.get(), status: 'ready' })
    } catch (e) {
      set({ status: 'error', loadError: errorMessage(e) })
    }
  },
  apply(state) {
    set({ state, status: 'ready' })
  },
  async save(field, patch) {
    set({ saving: field, errors: { ...get().errors, [field]: undefined }, saved: null })
    try {
      const state = await settingsApi.update(patch)
      set({ state, saved: field })
      return true
    } catch (e) {
      set({ errors: { ...get().errors, [field]: errorMessage(e) } })
      return false
    } finally {
      set({ saving: null })
    }
  }
}))
