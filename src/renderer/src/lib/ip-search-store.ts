/**
 * A search for one IP: the query is checked with the shared IP rules before anything is sent,
 * and only the latest search's answer is kept (a slow earlier one cannot overwrite it). The jail
 * search and the fleet-wide search differ only in what they ask main.
 */
import { create, type StoreApi, type UseBoundStore } from 'zustand'
import { checkIp } from '../../../shared/validation.ts'
import { errorMessage } from './app-error.ts'

export interface IpSearchState<R> {
  query: string
  status: 'idle' | 'searching' | 'done' | 'error'
  /** The IP as it was sent (normalised), for the result's heading. */
  ip: string | null
  result: R | null
  error: string | null
}

export interface IpSearchActions {
  setQuery(query: string): void
  search(): Promise<void>
  clear(): void
}

export type IpSearchStore<R> = IpSearchState<R> & IpSearchActions

export function initialIpSearchState<R>(): IpSearchState<R> {
  return { query: '', status: 'idle', ip: null, result: null, error: null }
}

export function createIpSearchStore<R>(
  find: (ip: string) => Promise<R>
): UseBoundStore<StoreApi<IpSearchStore<R>>> {
  return create<IpSearchStore<R>>()((set, get) => {
    let seq = 0
    return {
      ...initialIpSearchState<R>(),
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
            result: null,
            ip: null
          })
          return
        }
        set({ status: 'searching', error: null, ip: c.value })
        try {
          const result = await find(c.value)
          if (mine === seq) set({ status: 'done', result })
        } catch (e) {
          if (mine === seq) set({ status: 'error', error: errorMessage(e), result: null })
        }
      },
      clear() {
        seq++
        set(initialIpSearchState<R>())
      }
    }
  })
}
