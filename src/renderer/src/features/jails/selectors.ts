/** Pure selectors of the jails store. */
import type { Jail, JailSettings } from '../../../../shared/model.ts'
import { formatDuration } from '../../lib/format.ts'
import type { JailsState } from './store.ts'

export const selectJails = (s: JailsState): Jail[] => s.jails
export const selectJailsStatus = (s: JailsState) => s.status
export const selectJailsError = (s: JailsState): string | null => s.error
export const selectSelectedName = (s: JailsState): string | null => s.selected

/** The selected jail's record (the same object until the list changes). */
export const selectSelectedJail = (s: JailsState): Jail | undefined =>
  s.jails.find((j) => j.name === s.selected)

/** The jail whose bans are on screen: the selected one while it runs, else none. */
export const selectWatchedJail = (s: JailsState): string | null => {
  const j = selectSelectedJail(s)
  return j?.running ? j.name : null
}

/** Total current bans over all jails. */
export const selectTotalBanned = (s: JailsState): number =>
  s.jails.reduce((n, j) => n + j.currentlyBanned, 0)

/** Names of every listed jail, joined so the selector result is a stable string. */
export const selectJailNamesKey = (s: JailsState): string => s.jails.map((j) => j.name).join('\n')

/** Names of the running jails (the ones that can ban), joined so the selector result is a stable string. */
export const selectRunningNamesKey = (s: JailsState): string =>
  s.jails
    .filter((j) => j.running)
    .map((j) => j.name)
    .join('\n')

/** The jail a new ban goes to by default: the selected one if it runs, else the first running one. */
export function defaultBanJail(s: JailsState): string | null {
  const sel = selectSelectedJail(s)
  if (sel?.running) return sel.name
  return s.jails.find((j) => j.running)?.name ?? null
}

export const selectSettingsOf =
  (jail: string) =>
  (s: JailsState): JailSettings | undefined =>
    s.settings[jail]

/** The bantime increment settings in one line, e.g. "factor 2, max 1 w, across all jails". */
export function incrementText(settings: JailSettings): string {
  const i = settings.increment
  if (!i.enabled) return 'off'
  const parts = [`factor ${i.factor ?? '1'}`]
  if (i.multipliers) parts.push(`multipliers ${i.multipliers}`)
  if (i.formula) parts.push(`formula ${i.formula}`)
  if (i.maxtime !== null) parts.push(`max ${formatDuration(i.maxtime)}`)
  if (i.rndtime !== null && i.rndtime > 0) parts.push(`random +${formatDuration(i.rndtime)}`)
  if (i.overalljails) parts.push('across all jails')
  return parts.join(', ')
}
