/** Fleet-wide search: which servers and jails ban an IP. Checked with the shared IP rules first. */
import { create } from 'zustand'
import type { FleetFindResult } from '../../../../shared/servers.ts'
import { checkIp } from '../../../../shared/validation.ts'
import { errorMessage } from '../../lib/app-error.ts'
import { fleetApi } from './api.ts'

export interface FleetSearchState {
  query: string
  status: 'idle' | 'searching' | 'done' | 'error'
  /** The IP as it was sent (normalised), for the result's heading. */
  ip: string | null
  results: FleetFindResult | null
  error: string | null
}

export interface FleetSearchActions {
  setQuery(query: string): void
  search(): Promise<void>
  clear(): void
}

export type FleetSearchStore = FleetSearchState & FleetSearchActions

export const initialFleetSearchState: FleetSearchState = {
  query: '',
  status: 'idle',
  ip: null,
  results: null,
  error: null
}

export const useFleetSearchStore = create<FleetSearchStore>()((set, get) => {
  let seq = 0
  return {
    ...initialFleetSearchState,
    setQuery(query) {
      set({ query })
    },
    async search() {
      const mine = ++seq
      const c = checkIp(get().query)
      if (!c.ok) {
        set({
          status: 'error',
          error: c.reason === 'empty' ? 'Type an IP address to find.' : c.reason,
          results: null,
          ip: null
        })
        return
      }
      set({ status: 'searching', error: null, ip: c.value })
      try {
        const results = await fleetApi.find(c.value)
        if (mine === seq) set({ status: 'done', results })
      } catch (e) {
        if (mine === seq) set({ status: 'error', error: errorMessage(e), results: null })
      }
    },
    clear() {
      seq++
      set(initialFleetSearchState)
    }
  }
})
