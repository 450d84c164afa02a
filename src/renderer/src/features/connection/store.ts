import { create } from 'zustand'
import type { ConnectionState } from '../../../../shared/model.ts'
import { errorMessage } from '../../lib/api.ts'
import { connectionApi } from './api.ts'

interface ConnectionStore {
  state: ConnectionState | null
  retrying: boolean
  error: string | null
  load(): Promise<void>
  retry(): Promise<void>
  set(state: ConnectionState): void
}

export const useConnection = create<ConnectionStore>((set) => ({
  state: null,
  retrying: false,
  error: null,
  async load() {
    try {
      set({ state: await connectionApi.get(), error: null })
    } catch (e) {
      set({ error: errorMessage(e) })
    }
  },
  async retry() {
    set({ retrying: true })
    try {
      set({ state: await connectionApi.retry(), error: null })
    } catch (e) {
      set({ error: errorMessage(e) })
    } finally {
      set({ retrying: false })
    }
  },
  set(state) {
    set({ state })
  }
}))

/** What the banner says for each state. */
export const STATUS_TEXT: Record<ConnectionState['status'], { title: string; hint: string }> = {
  connecting: { title: 'Connecting to fail2ban…', hint: '' },
  connected: { title: 'Connected', hint: '' },
  'socket-missing': {
    title: 'fail2ban is not running',
    hint: 'Start it (systemctl start fail2ban) or check the socket path. BanGUI reconnects on its own.'
  },
  'permission-denied': {
    title: 'No permission to use the fail2ban socket',
    hint: 'The socket is root-only. Run BanGUI as root or see "Reaching the socket" in the README.'
  },
  'not-answering': {
    title: 'fail2ban is not answering',
    hint: 'The server may be busy with a slow ban action, or hung. BanGUI keeps retrying.'
  },
  reconnecting: { title: 'Reconnecting…', hint: '' }
}
