/**
 * Bans of the jail on screen, in five parts with one job each (store/): the list and its live
 * diffs, sort and filter, selection, unban with confirmations, and the outcome notice.
 */
import { create } from 'zustand'
import { listSlice } from './store/list.ts'
import { noticeSlice } from './store/notice.ts'
import { selectionSlice } from './store/selection.ts'
import { initialBansState, type BansStore } from './store/state.ts'
import { unbanSlice } from './store/unban.ts'
import { viewSlice } from './store/view.ts'

export * from './store/state.ts'

export const useBansStore = create<BansStore>()((set, get) => ({
  ...initialBansState,
  ...listSlice(set, get),
  ...viewSlice(set, get),
  ...selectionSlice(set, get),
  ...unbanSlice(set, get),
  ...noticeSlice(set, get)
}))
