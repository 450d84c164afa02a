/** Selection and keyboard moves over the rows (keyed by IP, so live updates keep it). */
import { clickRow, moveCursor, selectAll } from '../lib/selection.ts'
import type { BansSlice } from './state.ts'

export const selectionSlice: BansSlice<
  'click' | 'moveCursor' | 'moveToEdge' | 'selectAll' | 'clearSelection'
> = (set, get) => ({
  click(index, mods) {
    const s = get()
    set({ selection: clickRow(s.selection, s.view, index, mods) })
  },
  moveCursor(delta, extend) {
    const s = get()
    if (s.status !== 'ready' || s.view.length === 0) return false
    set({ selection: moveCursor(s.selection, s.view, delta, extend) })
    return true
  },
  moveToEdge(edge, extend) {
    const s = get()
    return get().moveCursor(edge === 'first' ? -s.view.length : s.view.length, extend)
  },
  selectAll() {
    const s = get()
    if (s.status !== 'ready' || s.view.length === 0) return false
    set({ selection: selectAll(s.selection, s.view) })
    return true
  },
  clearSelection() {
    const s = get()
    if (s.selection.selected.size === 0) return false
    set({ selection: { ...s.selection, selected: new Set() } })
    return true
  }
})
