/**
 * The All servers view: whether it is shown, the jails grouped by server with totals, and the
 * merged ban list (columns plus a sorted, filtered index order). Refreshes on demand, and
 * debounced when main reports server changes (every poll may report one; one reload per burst).
 */
import { create } from 'zustand'
import type { FleetBanColumns, FleetOverview, ServerSummary } from '../../../../shared/servers.ts'
import { errorMessage } from '../../lib/app-error.ts'
import type { LoadStatus } from '../../lib/load-status.ts'
import { fleetApi } from './api.ts'
import {
  DEFAULT_FLEET_SORT,
  fleetOrder,
  nextFleetSort,
  type FleetSort,
  type FleetSortKey
} from './lib/merged-bans.ts'

export interface FleetState {
  open: boolean
  overview: FleetOverview | null
  overviewStatus: LoadStatus
  overviewError: string | null
  bans: FleetBanColumns | null
  bansStatus: LoadStatus
  bansError: string | null
  sort: FleetSort
  filter: string
  /** Indexes into `bans`, sorted and filtered. */
  order: Uint32Array
  /** A reload is under way (what is on screen stays). */
  refreshing: boolean
}

export interface FleetActions {
  show(): void
  close(): void
  refresh(): Promise<void>
  /**
   * A refresh after {@link REFRESH_DEBOUNCE_MS} of quiet; only while the view is shown. With
   * `key` (a digest of what changed), nothing is scheduled when the last refresh saw that key.
   */
  scheduleRefresh(key?: string): void
  setSort(key: FleetSortKey): void
  setFilter(text: string): void
}

export type FleetStore = FleetState & FleetActions

export const REFRESH_DEBOUNCE_MS = 1000

export const initialFleetState: FleetState = {
  open: false,
  overview: null,
  overviewStatus: 'idle',
  overviewError: null,
  bans: null,
  bansStatus: 'idle',
  bansError: null,
  sort: DEFAULT_FLEET_SORT,
  filter: '',
  order: new Uint32Array(0),
  refreshing: false
}

/** Server id → name from an overview (the ban columns carry ids). */
export function serverNames(overview: FleetOverview | null): Map<string, string> {
  return new Map((overview?.servers ?? []).map((s) => [s.id, s.name]))
}

/**
 * What a ServersState says about the fleet's content: each server's state and counts. Main may
 * report servers every poll; a report with the same digest would reload 100 000 rows for nothing.
 * (A ban replaced by another within one poll keeps the counts: the next change or Refresh shows it.)
 */
export function fleetDigest(servers: readonly ServerSummary[]): string {
  return JSON.stringify(servers.map((s) => [s.id, s.status, s.jails, s.banned]))
}

export const useFleetStore = create<FleetStore>()((set, get) => {
  let seq = 0
  let timer: ReturnType<typeof setTimeout> | null = null
  /** The digest the pending or last automatic refresh was for. */
  let seenKey: string | null = null
  const stopTimer = (): void => {
    if (timer !== null) clearTimeout(timer)
    timer = null
  }
  const reorder = (): void => {
    const { bans, sort, filter, overview } = get()
    set({
      order: bans ? fleetOrder(bans, sort, filter, serverNames(overview)) : new Uint32Array(0)
    })
  }
  return {
    ...initialFleetState,
    show() {
      set({ open: true })
      void get().refresh()
    },
    close() {
      stopTimer()
      seenKey = null
      // Late answers of a running refresh are dropped; the next show loads afresh.
      seq++
      set({ open: false, refreshing: false })
    },
    async refresh() {
      stopTimer()
      const mine = ++seq
      const s = get()
      set({
        refreshing: true,
        overviewStatus: s.overview ? 'ready' : 'loading',
        bansStatus: s.bans ? 'ready' : 'loading'
      })
      const [overview, bans] = await Promise.allSettled([fleetApi.overview(), fleetApi.bans()])
      if (mine !== seq) return
      if (overview.status === 'fulfilled') {
        set({ overview: overview.value, overviewStatus: 'ready', overviewError: null })
      } else {
        set({
          overviewStatus: get().overview ? 'ready' : 'error',
          overviewError: errorMessage(overview.reason)
        })
      }
      if (bans.status === 'fulfilled') {
        set({ bans: bans.value, bansStatus: 'ready', bansError: null })
      } else {
        set({
          bansStatus: get().bans ? 'ready' : 'error',
          bansError: errorMessage(bans.reason)
        })
      }
      reorder()
      set({ refreshing: false })
    },
    scheduleRefresh(key) {
      if (!get().open) return
      if (key !== undefined) {
        if (key === seenKey) return
        seenKey = key
      }
      stopTimer()
      timer = setTimeout(() => {
        timer = null
        if (get().open) void get().refresh()
      }, REFRESH_DEBOUNCE_MS)
    },
    setSort(key) {
      set({ sort: nextFleetSort(get().sort, key) })
      reorder()
    },
    setFilter(filter) {
      set({ filter })
      reorder()
    }
  }
})
