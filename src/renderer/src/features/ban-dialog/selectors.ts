/** Pure selectors and wording of the ban dialog. */
import { formatCount, plural } from '../../lib/format.ts'
import { blockingReason, isSubmittable } from './lib/ip-input.ts'
import type { BanDialogState, BanOutcome } from './store.ts'

export const selectOpen = (s: BanDialogState): boolean => s.open
export const selectJail = (s: BanDialogState): string => s.jail
export const selectText = (s: BanDialogState): string => s.text
export const selectSummary = (s: BanDialogState) => s.summary
export const selectChecking = (s: BanDialogState): boolean => s.checking
export const selectStatus = (s: BanDialogState) => s.status
export const selectProgress = (s: BanDialogState) => s.progress
export const selectOutcome = (s: BanDialogState) => s.outcome
export const selectCancelling = (s: BanDialogState): boolean => s.cancelling
export const selectError = (s: BanDialogState): string | null => s.error

/** The Ban button is enabled: editing, a jail, a checked and clean list. */
export const selectCanSubmit = (s: BanDialogState): boolean =>
  s.status === 'editing' && s.jail !== '' && !s.checking && isSubmittable(s.summary)

/** Why the Ban button is disabled, in words (null when it is enabled or not in editing). */
export function selectBlockedReason(s: BanDialogState): string | null {
  if (s.status !== 'editing' || s.checking) return null
  if (s.jail === '') return 'No jail is running: start one first.'
  return blockingReason(s.summary)
}

/** Progress in whole percent (0–100). */
export function progressPercent(done: number, total: number): number {
  if (total <= 0) return 0
  return Math.min(100, Math.floor((done / total) * 100))
}

/** "1,200 of 5,000 IPs sent (24 %) · 1,100 newly banned" — also the live region's text. */
export function progressText(s: BanDialogState): string {
  const p = s.progress
  if (!p) return ''
  const head = `${formatCount(p.done)} of ${plural(p.total, 'IP')} sent (${progressPercent(p.done, p.total)} %)`
  return `${head} · ${formatCount(p.newlyBanned)} newly banned${s.cancelling ? ' · cancelling after this chunk…' : ''}`
}

/** The summary after a ban: newly banned, already banned, and what a cancel left unsent. */
export function outcomeText(o: BanOutcome): string {
  const parts = [`${formatCount(o.newlyBanned)} newly banned`]
  const already = Math.max(0, o.submitted - o.newlyBanned)
  parts.push(`${formatCount(already)} already banned`)
  if (o.cancelled) parts.push(`${formatCount(Math.max(0, o.total - o.submitted))} not sent`)
  return `${o.cancelled ? 'Cancelled: ' : ''}${parts.join(', ')}.`
}
