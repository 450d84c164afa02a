/**
 * The fleet's servers as main reports them: which one is active, each one's state, the host-key
 * question and the admin's answers to it, retry. Switching the active server only calls main
 * here; resetting the per-server views is app/wiring.ts's job (it watches `state.active`).
 */
import { create } from 'zustand'
import type { ServersState } from '../../../../shared/servers.ts'
import { errorMessage } from '../../lib/app-error.ts'
import type { LoadStatus } from '../../lib/load-status.ts'
import { serversApi } from './api.ts'

export interface ServersStoreState {
  state: ServersState | null
  status: LoadStatus
  error: string | null
  /** The server a select is under way for. */
  selecting: string | null
  /** Host-key tokens the admin answered "Not now" (or accepted): never asked again. */
  answered: readonly string[]
  accepting: boolean
  hostKeyError: string | null
  /** The server a retry is under way for. */
  retrying: string | null
  /** The last failed select/retry, per server id. */
  actionErrors: Record<string, string>
}

export interface ServersActions {
  load(): Promise<void>
  /** Applies a ServersState (a `serversChanged` event or an answer). */
  apply(state: ServersState): void
  select(id: string): Promise<boolean>
  retry(id: string): Promise<void>
  /** "Not now": this question (token) is not asked again. */
  dismissHostKey(token: string): void
  /** The admin asks to see a dismissed question again (an explicit click, never automatic). */
  askHostKeyAgain(token: string): void
  acceptHostKey(token: string): Promise<boolean>
}

export type ServersStore = ServersStoreState & ServersActions

export const initialServersState: ServersStoreState = {
  state: null,
  status: 'idle',
  error: null,
  selecting: null,
  answered: [],
  accepting: false,
  hostKeyError: null,
  retrying: null,
  actionErrors: {}
}

/** Tokens kept at most (old ones are single-use in main, so forgetting them is harmless). */
const ANSWERED_KEPT = 200

const withoutKey = (errors: Record<string, string>, id: string): Record<string, string> => {
  if (!(id in errors)) return errors
  return Object.fromEntries(Object.entries(errors).filter(([k]) => k !== id))
}

export const useServersStore = create<ServersStore>()((set, get) => ({
  ...initialServersState,
  async load() {
    set({ status: get().state ? 'ready' : 'loading', error: null })
    try {
      get().apply(await serversApi.list())
    } catch (e) {
      set({ status: get().state ? 'ready' : 'error', error: errorMessage(e) })
    }
  },
  apply(state) {
    set({ state, status: 'ready', error: null })
  },
  async select(id) {
    if (get().state?.active === id) return true
    set({ selecting: id, actionErrors: withoutKey(get().actionErrors, id) })
    try {
      get().apply(await serversApi.select(id))
      return true
    } catch (e) {
      set({ actionErrors: { ...get().actionErrors, [id]: errorMessage(e) } })
      return false
    } finally {
      set({ selecting: null })
    }
  },
  async retry(id) {
    if (get().retrying !== null) return
    set({ retrying: id, actionErrors: withoutKey(get().actionErrors, id) })
    try {
      get().apply(await serversApi.retry(id))
    } catch (e) {
      set({ actionErrors: { ...get().actionErrors, [id]: errorMessage(e) } })
    } finally {
      set({ retrying: null })
    }
  },
  dismissHostKey(token) {
    if (get().answered.includes(token)) return
    set({ answered: [...get().answered, token].slice(-ANSWERED_KEPT), hostKeyError: null })
  },
  askHostKeyAgain(token) {
    set({ answered: get().answered.filter((t) => t !== token), hostKeyError: null })
  },
  async acceptHostKey(token) {
    if (get().accepting) return false
    set({ accepting: true, hostKeyError: null })
    try {
      const state = await serversApi.acceptHostKey(token)
      // Answered: even if a late event still carries this question, it is not asked again.
      set({ answered: [...get().answered, token].slice(-ANSWERED_KEPT) })
      get().apply(state)
      return true
    } catch (e) {
      set({ hostKeyError: errorMessage(e) })
      return false
    } finally {
      set({ accepting: false })
    }
  }
}))
