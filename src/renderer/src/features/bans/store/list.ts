/**
 * The list of the shown jail: loading it (a late answer for an older request is dropped), live
 * diffs from main (queued while a load runs), and revealing a searched IP once it is there.
 */
import type { Ban } from '../../../../../shared/model.ts'
import { errorMessage, isAppError } from '../../../lib/app-error.ts'
import { bansApi, type BansDiff } from '../api.ts'
import { applyBanDiff, filterBans, rowsFromColumns } from '../lib/ban-view.ts'
import { dropKeys, EMPTY_SELECTION, indexOfKey, keepPresent, selectKey } from '../lib/selection.ts'
import { initialBansState, type BansSlice } from './state.ts'

export const listSlice: BansSlice<'show' | 'refresh' | 'applyDiff' | 'revealIp'> = (set, get) => {
  /** Bumped per load: a late answer for an older request is dropped. */
  let loadSeq = 0
  /** Diffs that arrived while the list was loading, applied on top of it. */
  let pending: BansDiff[] = []

  /** Selects the revealed IP if the list has it. */
  const applyReveal = (): void => {
    const { reveal, bans, view, filter, jail, status } = get()
    if (reveal === null || reveal.jail !== jail || status !== 'ready') return
    const { ip } = reveal
    if (indexOfKey(view, ip) !== -1) {
      set({ reveal: null, selection: selectKey(ip) })
    } else if (filter !== '' && indexOfKey(bans, ip) !== -1) {
      set({ reveal: null, filter: '', view: bans, selection: selectKey(ip) })
    } else {
      set({ reveal: null, notice: { text: `${ip} is no longer banned in ${jail}.`, tone: 'ok' } })
    }
  }

  const load = async (jail: string | null, switching: boolean): Promise<void> => {
    const seq = ++loadSeq
    pending = []
    if (switching) {
      set({
        ...initialBansState,
        sort: get().sort,
        reveal: get().reveal?.jail === jail ? get().reveal : null,
        jail,
        status: jail === null ? 'idle' : 'loading'
      })
    } else {
      set({ refreshing: true, error: null })
    }
    try {
      await bansApi.watch(jail)
      if (jail === null || seq !== loadSeq) return
      const columns = await bansApi.list(jail)
      if (seq !== loadSeq) return
      // The first-paint figure starts when the data arrived: turning the columns into rows is
      // part of what it measures.
      const loadedAt = performance.now()
      const { sort, filter, selection } = get()
      let bans: readonly Ban[] = rowsFromColumns(columns, sort)
      for (const d of pending) bans = applyBanDiff(bans, d.added, d.removed, sort)
      pending = []
      set({
        bans,
        view: filterBans(bans, filter),
        status: 'ready',
        refreshing: false,
        error: null,
        loadedAt,
        selection: switching ? EMPTY_SELECTION : keepPresent(selection, bans)
      })
      applyReveal()
    } catch (e) {
      if (seq !== loadSeq) return
      // A failed refresh keeps the rows it had; a failed first load is an error state.
      if (switching || get().status !== 'ready') set({ status: 'error', error: errorMessage(e) })
      // Not connected: the banner says why; the notice only says the rows are not fresh.
      const why = isAppError(e, 'not-connected')
        ? 'fail2ban is not reachable; the rows below are the last known ones.'
        : errorMessage(e)
      set({
        refreshing: false,
        notice: switching ? null : { text: `Refresh failed: ${why}`, tone: 'error' }
      })
    }
  }

  return {
    async show(jail) {
      const s = get()
      if (jail === s.jail && (s.status === 'loading' || s.status === 'ready')) return
      await load(jail, true)
    },
    async refresh() {
      const { jail, status } = get()
      if (jail === null) return
      await load(jail, status !== 'ready')
    },
    applyDiff(diff) {
      const s = get()
      if (diff.jail !== s.jail) return
      if (s.status === 'loading' || s.refreshing) pending.push(diff)
      if (s.status !== 'ready') return
      const bans = applyBanDiff(s.bans, diff.added, diff.removed, s.sort)
      if (bans === s.bans) return
      set({
        bans,
        view: filterBans(bans, s.filter),
        selection: diff.removed.length ? dropKeys(s.selection, diff.removed) : s.selection
      })
    },
    revealIp(jail, ip) {
      set({ reveal: { jail, ip } })
      applyReveal()
    }
  }
}
