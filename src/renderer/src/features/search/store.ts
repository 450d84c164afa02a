/** Find an IP across every jail. The query is checked with the shared IP rules before it is sent. */
import { create } from 'zustand'
import { checkIp } from '../../../../shared/validation.ts'
import { errorMessage } from '../../lib/app-error.ts'
import { searchApi, type FindIpResult } from './api.ts'

export interface SearchState {
  query: string
  status: 'idle' | 'searching' | 'done' | 'error'
  result: FindIpResult | null
  error: string | null
}

export interface SearchActions {
  setQuery(query: string): void
  search(): Promise<void>
  clear(): void
}

export type SearchStore = SearchState & SearchActions

export const initialSearchState: SearchState = {
  query: '',
  status: 'idle',
  result: null,
  error: null
}

export const useSearchStore = create<SearchStore>()((set, get) => {
  let seq = 0
  return {
    ...initialSearchState,
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
          result: null
        })
        return
      }
      set({ status: 'searching', error: null })
      try {
        const result = await searchApi.findIp(c.value)
        if (mine === seq) set({ status: 'done', result })
      } catch (e) {
        if (mine === seq) set({ status: 'error', error: errorMessage(e), result: null })
      }
    },
    clear() {
      seq++
      set(initialSearchState)
    }
  }
})
