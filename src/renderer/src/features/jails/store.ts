import { create } from 'zustand'
import type { Jail, JailSettings, ServerInfo } from '../../../../shared/model.ts'
import { errorMessage } from '../../lib/api.ts'
import { jailsApi } from './api.ts'

type Status = 'idle' | 'loading' | 'ready' | 'error'

interface JailsStore {
  jails: Jail[]
  status: Status
  error: string | null
  selected: string | null
  server: ServerInfo | null
  settings: Record<string, JailSettings>
  settingsError: string | null
  busy: string | null
  load(): Promise<void>
  select(name: string | null): void
  apply(jails: Jail[]): void
  loadSettings(jail: string): Promise<void>
  setRunning(jail: string, run: boolean): Promise<void>
  setValue(jail: string, key: 'bantime' | 'findtime' | 'maxretry', value: number): Promise<void>
}

export const useJails = create<JailsStore>((set, get) => ({
  jails: [],
  status: 'idle',
  error: null,
  selected: null,
  server: null,
  settings: {},
  settingsError: null,
  busy: null,
  async load() {
    set({ status: get().jails.length ? 'ready' : 'loading', error: null })
    try {
      const [jails, server] = await Promise.all([jailsApi.list(), jailsApi.serverInfo()])
      get().apply(jails)
      set({ status: 'ready', server })
    } catch (e) {
      set({ status: 'error', error: errorMessage(e) })
    }
  },
  select(name) {
    set({ selected: name })
  },
  apply(jails) {
    const selected = get().selected
    set({
      jails,
      status: 'ready',
      selected:
        selected && jails.some((j) => j.name === selected) ? selected : (jails[0]?.name ?? null)
    })
  },
  async loadSettings(jail) {
    set({ settingsError: null })
    try {
      const s = await jailsApi.settings(jail)
      set({ settings: { ...get().settings, [jail]: s } })
    } catch (e) {
      set({ settingsError: errorMessage(e) })
    }
  },
  async setRunning(jail, run) {
    set({ busy: jail, error: null })
    try {
      await (run ? jailsApi.start(jail) : jailsApi.stop(jail))
      get().apply(await jailsApi.list())
    } catch (e) {
      set({ error: errorMessage(e) })
    } finally {
      set({ busy: null })
    }
  },
  async setValue(jail, key, value) {
    set({ settingsError: null })
    try {
      await jailsApi.setValue(jail, key, value)
      await get().loadSettings(jail)
    } catch (e) {
      set({ settingsError: errorMessage(e) })
    }
  }
}))

/** Total current bans over all jails. */
export const totalBanned = (jails: readonly Jail[]): number =>
  jails.reduce((n, j) => n + j.currentlyBanned, 0)
