/** Pure selectors and wording of the reload dialog. */
import type { ReloadResult } from '../../../../shared/model.ts'
import { plural } from '../../lib/format.ts'
import type { ReloadState } from './store.ts'

export const selectReloadOpen = (s: ReloadState): boolean => s.open
export const selectReloadStatus = (s: ReloadState) => s.status
export const selectReloadResult = (s: ReloadState) => s.result
export const selectReloadError = (s: ReloadState): string | null => s.error

/** The result's headline: what came up, or what did not. */
export function reloadHeadline(r: ReloadResult): { tone: 'ok' | 'error'; text: string } {
  if (r.ok) {
    return {
      tone: 'ok',
      text: `Reloaded: ${plural(r.jails.length, 'jail')} running (${Math.round(r.durationMs)} ms)`
    }
  }
  if (r.missing.length > 0) {
    return {
      tone: 'error',
      text: `Not running after the reload: ${r.missing.join(', ')}. Check the jail configuration and fail2ban's log.`
    }
  }
  return { tone: 'error', text: 'fail2ban-client reported an error: see its output below.' }
}
