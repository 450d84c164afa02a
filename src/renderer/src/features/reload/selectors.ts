/** Pure selectors and wording of the reload dialog. */
import type { ReloadResult } from '../../../../shared/model.ts'
import { plural } from '../../lib/format.ts'
import type { ReloadState } from './store.ts'

export const selectReloadOpen = (s: ReloadState): boolean => s.open
export const selectReloadStatus = (s: ReloadState) => s.status
export const selectReloadResult = (s: ReloadState) => s.result
export const selectReloadError = (s: ReloadState): string | null => s.error

/**
 * The result's headline. Three different stories: everything reloaded; reloaded but some jails
 * failed to start (listed below with their reasons); nothing reloaded at all (a configuration
 * error fail2ban-client found before it touched the server: the old configuration still runs).
 */
export function reloadHeadline(r: ReloadResult): { tone: 'ok' | 'warn' | 'error'; text: string } {
  if (r.outcome === 'not-reloaded') {
    return {
      tone: 'error',
      text: `Nothing was reloaded: ${r.error ?? 'fail2ban-client failed'}. fail2ban still runs the previous configuration.`
    }
  }
  if (r.ok) {
    return {
      tone: 'ok',
      text: `Reloaded: ${plural(r.jails.length, 'jail')} running (${Math.round(r.durationMs)} ms)`
    }
  }
  if (r.failures.length > 0) {
    const n = r.failures.length
    return {
      tone: 'warn',
      text: `Reloaded, but ${plural(n, 'jail')} failed to start:`
    }
  }
  return {
    tone: 'warn',
    text: `Reloaded with errors: ${r.error ?? 'see the fail2ban-client output below'}.`
  }
}
