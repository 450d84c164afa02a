import { create } from 'zustand'
import { checkIp } from '../../../../shared/validation.ts'
import { errorMessage } from '../../lib/api.ts'
import { searchApi } from './api.ts'

interface SearchStore {
  query: string
  status: 'idle' | 'searching' | 'done' | 'error'
  result: { ip: string; jails: string[] } | null
  error: string | null
  setQuery(q: string): void
  search(): Promise<void>
  clear(): void
}

export const useSearch = create<SearchStore>((set, get) => ({
  query: '',
  status: 'idle',
  result: null,
  error: null,
  setQuery(query) {
    set({ query })
  },
  async search() {
    const c = checkIp(get().query)
    if (!c.ok) {
      set({ status: 'error', error: c.reason, result: null })
      return
    }
    set({ status: 'searching', error: null })
    try {
      set({ status: 'done', result: await searchApi.findIp(c.value) })
    } catch (e) {
      set({ status: 'error', error: errorMessage(e), result: null })
    }
  },
  clear() {
    set({ query: '', status: 'idle', result: null, error: null })
  }
}))
