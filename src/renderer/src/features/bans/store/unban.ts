/** Unban selected / unban all, each behind its confirmation. */
import { MAX_IPS_PER_REQUEST } from '../../../../../shared/validation.ts'
import { errorMessage } from '../../../lib/app-error.ts'
import { plural } from '../../../lib/format.ts'
import { bansApi } from '../api.ts'
import { EMPTY_SELECTION } from '../lib/selection.ts'
import type { BansSlice } from './state.ts'

/** Splits a long IP list into requests the contract accepts. */
function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

export const unbanSlice: BansSlice<
  'askUnbanSelected' | 'askUnbanAll' | 'dismissConfirm' | 'unbanSelected' | 'unbanAll'
> = (set, get) => ({
  askUnbanSelected() {
    const s = get()
    if (s.jail === null || s.selection.selected.size === 0) return false
    set({ confirm: { kind: 'unban-selected' }, actionStatus: 'idle', actionError: null })
    return true
  },
  askUnbanAll(jail) {
    set({ confirm: { kind: 'unban-all', jail }, actionStatus: 'idle', actionError: null })
  },
  dismissConfirm() {
    if (get().actionStatus !== 'running') set({ confirm: null, actionError: null })
  },
  async unbanSelected() {
    const { jail, selection } = get()
    if (jail === null || selection.selected.size === 0) return
    const ips = [...selection.selected]
    set({ actionStatus: 'running', actionError: null })
    try {
      let removed = 0
      for (const part of chunks(ips, MAX_IPS_PER_REQUEST))
        removed += await bansApi.unban(jail, part)
      // Show the result at once; the monitor's own diff for these IPs is then a no-op.
      get().applyDiff({ jail, added: [], removed: ips })
      set({
        actionStatus: 'idle',
        confirm: null,
        selection: EMPTY_SELECTION,
        notice: { text: `${plural(removed, 'IP')} unbanned in ${jail}.`, tone: 'ok' }
      })
    } catch (e) {
      set({ actionStatus: 'error', actionError: errorMessage(e) })
    }
  },
  async unbanAll(jail, confirm) {
    set({ actionStatus: 'running', actionError: null })
    try {
      const removed = await bansApi.unbanAll(jail, confirm)
      const s = get()
      const clearsShown = s.jail !== null && (jail === null || jail === s.jail)
      set({
        actionStatus: 'idle',
        confirm: null,
        notice: {
          text: `${plural(removed, 'ban')} lifted ${jail === null ? 'in every jail' : `in ${jail}`}.`,
          tone: 'ok'
        },
        ...(clearsShown && s.status === 'ready'
          ? { bans: [], view: [], selection: EMPTY_SELECTION }
          : {})
      })
    } catch (e) {
      set({ actionStatus: 'error', actionError: errorMessage(e) })
    }
  }
})
