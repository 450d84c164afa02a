/** Connection to fail2ban: the state main reports, the server's identity, manual retry. */
import { create } from 'zustand'
import type { ConnectionState, ServerInfo } from '../../../../shared/model.ts'
import { errorMessage } from '../../lib/app-error.ts'
import type { LoadStatus } from '../../lib/load-status.ts'
import { connectionApi } from './api.ts'
import { serverEpoch } from '../../lib/server-epoch.ts'

export interface ConnectionStoreState {
  connection: ConnectionState | null
  server: ServerInfo | null
  status: LoadStatus
  retrying: boolean
  error: string | null
}

export interface ConnectionActions {
  /** Reads the current state (and the server info once connected). */
  load(): Promise<void>
  /** Reconnects now instead of waiting for the back-off. */
  retry(): Promise<void>
  /** Applies a `connectionChanged` event. */
  apply(state: ConnectionState): void
  loadServerInfo(): Promise<void>
}

export type ConnectionStore = ConnectionStoreState & ConnectionActions

export const initialConnectionState: ConnectionStoreState = {
  connection: null,
  server: null,
  status: 'idle',
  retrying: false,
  error: null
}

export const useConnectionStore = create<ConnectionStore>()((set, get) => ({
  ...initialConnectionState,
  async load() {
    set({ status: 'loading', error: null })
    const epoch = serverEpoch()
    try {
      const connection = await connectionApi.get()
      if (epoch !== serverEpoch()) return
      set({ connection, status: 'ready' })
      if (connection.status === 'connected') await get().loadServerInfo()
    } catch (e) {
      set({ status: 'error', error: errorMessage(e) })
    }
  },
  async retry() {
    if (get().retrying) return
    set({ retrying: true, error: null })
    try {
      get().apply(await connectionApi.retry())
    } catch (e) {
      set({ error: errorMessage(e) })
    } finally {
      set({ retrying: false })
    }
  },
  apply(connection) {
    set({ connection, status: 'ready' })
  },
  async loadServerInfo() {
    const epoch = serverEpoch()
    try {
      const server = await connectionApi.serverInfo()
      if (epoch === serverEpoch()) set({ server })
    } catch {
      // The header simply shows no version; the banner explains connection problems.
    }
  }
}))
