/** Jails: the list with live counts, the selected jail, its settings, start/stop. */
import { create } from 'zustand'
import type { Jail, JailSettings } from '../../../../shared/model.ts'
import { errorMessage } from '../../lib/app-error.ts'
import type { LoadStatus } from '../../lib/load-status.ts'
import { jailsApi, type JailValueRequest } from './api.ts'
import { serverEpoch } from '../../lib/server-epoch.ts'

export type { LoadStatus } from '../../lib/load-status.ts'
export type JailValueKey = JailValueRequest['key']

export interface JailsState {
  jails: Jail[]
  status: LoadStatus
  error: string | null
  selected: string | null
  /** Settings per jail name, kept while the app runs (refreshed when a jail is shown). */
  settings: Record<string, JailSettings>
  settingsStatus: LoadStatus
  settingsError: string | null
  /** The value being saved, if any. */
  saving: JailValueKey | null
  /** The jail being started or stopped. */
  busy: string | null
  /** The last start/stop failure, for the jail detail. */
  actionError: string | null
  /** The jail the user asked to stop (confirmation shown). */
  confirmStop: string | null
  /** The jail the user asked to start (confirmation shown: starting reloads everything). */
  confirmStart: string | null
  /** An ignoreip change under way ('add' or the entry being removed). */
  ignoreBusy: string | null
  ignoreError: string | null
}

export interface JailsActions {
  load(): Promise<void>
  /** Applies a fresh list (listJails or a `jailsChanged` event), keeping a valid selection. */
  apply(jails: Jail[]): void
  select(name: string | null): void
  loadSettings(jail: string): Promise<void>
  /** Applies a `jailSettingsChanged` event (fresh settings pushed by main). */
  applySettings(settings: JailSettings): void
  start(jail: string): Promise<void>
  askStop(jail: string): void
  dismissStop(): void
  askStart(jail: string): void
  dismissStart(): void
  stop(jail: string): Promise<void>
  /** Saves bantime, findtime or maxretry; resolves true on success. */
  setValue(request: JailValueRequest): Promise<boolean>
  /**
   * Adds or removes an ignoreip entry. Resolves with the list fail2ban stored (it may store
   * another form than was typed), or null on failure (the reason is in `ignoreError`).
   */
  changeIgnoreIp(jail: string, op: 'add' | 'del', entry: string): Promise<string[] | null>
}

export type JailsStore = JailsState & JailsActions

export const initialJailsState: JailsState = {
  jails: [],
  status: 'idle',
  error: null,
  selected: null,
  settings: {},
  settingsStatus: 'idle',
  settingsError: null,
  saving: null,
  busy: null,
  actionError: null,
  confirmStop: null,
  confirmStart: null,
  ignoreBusy: null,
  ignoreError: null
}

/** The selection after a new list: kept if the jail still exists, else the first jail. */
export function keepSelection(jails: readonly Jail[], selected: string | null): string | null {
  if (selected !== null && jails.some((j) => j.name === selected)) return selected
  return jails[0]?.name ?? null
}

export const useJailsStore = create<JailsStore>()((set, get) => ({
  ...initialJailsState,
  async load() {
    set({ status: get().status === 'ready' ? 'ready' : 'loading', error: null })
    const epoch = serverEpoch()
    try {
      const jails = await jailsApi.list()
      // asked of the server before a switch: not this server's jails
      if (epoch === serverEpoch()) get().apply(jails)
    } catch (e) {
      if (epoch !== serverEpoch()) return
      // Last-known jails stay on screen (marked stale while offline); only a first load fails.
      if (get().jails.length === 0) set({ status: 'error', error: errorMessage(e) })
      else set({ status: 'ready' })
    }
  },
  apply(jails) {
    set({ jails, status: 'ready', error: null, selected: keepSelection(jails, get().selected) })
  },
  select(name) {
    if (name !== get().selected) set({ selected: name, actionError: null, settingsError: null })
  },
  async loadSettings(jail) {
    const cached = jail in get().settings
    set({ settingsStatus: cached ? 'ready' : 'loading', settingsError: null })
    const epoch = serverEpoch()
    try {
      const s = await jailsApi.settings(jail)
      if (epoch !== serverEpoch()) return
      set({ settings: { ...get().settings, [jail]: s }, settingsStatus: 'ready' })
    } catch (e) {
      if (epoch !== serverEpoch()) return
      // Settings already on screen stay (marked stale while offline): the connection banner
      // explains the failure once, not again here.
      if (cached) set({ settingsStatus: 'ready' })
      else if (get().selected === jail)
        set({ settingsStatus: 'error', settingsError: errorMessage(e) })
    }
  },
  applySettings(settings) {
    set({ settings: { ...get().settings, [settings.name]: settings } })
  },
  // Start, stop and value edits need no re-pull: main pushes the new list and settings as
  // events before it answers.
  askStart(jail) {
    set({ confirmStart: jail, actionError: null })
  },
  dismissStart() {
    set({ confirmStart: null })
  },
  async start(jail) {
    set({ busy: jail, actionError: null, confirmStart: null })
    try {
      await jailsApi.start(jail)
    } catch (e) {
      set({ actionError: errorMessage(e) })
    } finally {
      set({ busy: null })
    }
  },
  askStop(jail) {
    set({ confirmStop: jail, actionError: null })
  },
  dismissStop() {
    set({ confirmStop: null })
  },
  async stop(jail) {
    set({ busy: jail, actionError: null, confirmStop: null })
    try {
      await jailsApi.stop(jail)
    } catch (e) {
      set({ actionError: errorMessage(e) })
    } finally {
      set({ busy: null })
    }
  },
  async changeIgnoreIp(jail, op, entry) {
    set({ ignoreBusy: op === 'add' ? 'add' : entry, ignoreError: null })
    try {
      const list = await jailsApi.changeIgnoreIp(jail, op, entry)
      const current = get().settings[jail]
      if (current) set({ settings: { ...get().settings, [jail]: { ...current, ignoreip: list } } })
      return list
    } catch (e) {
      set({ ignoreError: errorMessage(e) })
      return null
    } finally {
      set({ ignoreBusy: null })
    }
  },
  async setValue(request) {
    set({ saving: request.key, settingsError: null })
    try {
      const value = await jailsApi.setValue(request)
      const current = get().settings[request.jail]
      if (current) {
        set({
          settings: { ...get().settings, [request.jail]: { ...current, [request.key]: value } }
        })
      }
      return true
    } catch (e) {
      set({ settingsError: errorMessage(e) })
      return false
    } finally {
      set({ saving: null })
    }
  }
}))
