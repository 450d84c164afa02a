/** Sort and filter: the rows of the table are `bans` through the filter, in sort order. */
import { filterBans, nextSort, sortBans } from '../lib/ban-view.ts'
import { EMPTY_SELECTION } from '../lib/selection.ts'
import type { BansSlice } from './state.ts'

export const viewSlice: BansSlice<'setSort' | 'setFilter'> = (set, get) => ({
  setSort(key) {
    const s = get()
    const sort = nextSort(s.sort, key)
    // Flipping the direction of a total order is a reversal: O(n) instead of a sort.
    const bans = sort.key === s.sort.key ? s.bans.toReversed() : sortBans(s.bans, sort)
    set({ sort, bans, view: filterBans(bans, s.filter) })
  },
  setFilter(filter) {
    const s = get()
    if (filter === s.filter) return
    set({ filter, view: filterBans(s.bans, filter), selection: EMPTY_SELECTION })
  }
})
