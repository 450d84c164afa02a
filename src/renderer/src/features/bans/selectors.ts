/** Pure selectors of the bans store. */
import type { Ban } from '../../../../shared/model.ts'
import { formatCount } from '../../lib/format.ts'
import { indexOfKey } from './lib/selection.ts'
import type { BansNotice, BansState } from './store.ts'

export const selectBansJail = (s: BansState): string | null => s.jail
export const selectBansStatus = (s: BansState) => s.status
export const selectBansError = (s: BansState): string | null => s.error
export const selectRefreshing = (s: BansState): boolean => s.refreshing
export const selectBans = (s: BansState): readonly Ban[] => s.bans
export const selectView = (s: BansState): readonly Ban[] => s.view
export const selectSort = (s: BansState) => s.sort
export const selectFilter = (s: BansState): string => s.filter
export const selectSelection = (s: BansState) => s.selection
export const selectSelectedSet = (s: BansState): ReadonlySet<string> => s.selection.selected
export const selectSelectedCount = (s: BansState): number => s.selection.selected.size
export const selectCursor = (s: BansState): string | null => s.selection.cursor
export const selectTotal = (s: BansState): number => s.bans.length
export const selectVisibleCount = (s: BansState): number => s.view.length
export const selectLoadedAt = (s: BansState): number => s.loadedAt
export const selectConfirm = (s: BansState) => s.confirm
export const selectActionStatus = (s: BansState) => s.actionStatus
export const selectActionError = (s: BansState): string | null => s.actionError
export const selectNotice = (s: BansState): BansNotice | null => s.notice

/** Row index of the keyboard cursor in the view, or -1. */
export const selectCursorIndex = (s: BansState): number => indexOfKey(s.view, s.selection.cursor)

/** "20,000", or "256 of 20,000" while filtering; with the selection count. */
export function countsText(s: BansState): string {
  const total = formatCount(s.bans.length)
  const shown = s.filter.trim() ? `${formatCount(s.view.length)} of ${total}` : total
  const n = s.selection.selected.size
  return `${shown} ${s.bans.length === 1 ? 'ban' : 'bans'}${n > 0 ? ` · ${formatCount(n)} selected` : ''}`
}

/** The selected IPs in table order (for copying and the confirmation's sample). */
export function selectedIpsInOrder(s: BansState): string[] {
  const sel = s.selection.selected
  if (sel.size === 0) return []
  const out: string[] = []
  for (const b of s.view) if (sel.has(b.ip)) out.push(b.ip)
  // Selected rows hidden by a later change still count: append them after the visible ones.
  if (out.length < sel.size) {
    const seen = new Set(out)
    for (const ip of sel) if (!seen.has(ip)) out.push(ip)
  }
  return out
}
