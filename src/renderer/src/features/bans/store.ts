/**
 * Bans of the jail on screen: the list (kept sorted), filter, selection, live diffs from the
 * monitor, unban selected / unban all with their confirmations.
 */
import { create } from 'zustand'
import type { Ban } from '../../../../shared/model.ts'
import { MAX_IPS_PER_REQUEST } from '../../../../shared/validation.ts'
import { errorMessage } from '../../lib/app-error.ts'
import {
  applyBanDiff,
  filterBans,
  nextSort,
  sortBans,
  type SortKey,
  type SortSpec
} from '../../lib/ban-view.ts'
import { plural } from '../../lib/format.ts'
import {
  clickRow,
  dropKeys,
  EMPTY_SELECTION,
  indexOfKey,
  keepPresent,
  moveCursor,
  selectAll,
  selectKey,
  type ClickMods,
  type Selection
} from '../../lib/selection.ts'
import { bansApi, type BansDiff } from './api.ts'

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error'
/** A one-line outcome; errors are never shown in the success style. */
export interface BansNotice {
  text: string
  tone: 'ok' | 'error'
}
export type PendingConfirm =
  { kind: 'unban-selected' } | { kind: 'unban-all'; jail: string | null } | null

export interface BansState {
  /** The jail whose bans are shown (and watched); null when none. */
  jail: string | null
  status: LoadStatus
  error: string | null
  /** A reload of the shown list is under way (the rows stay on screen). */
  refreshing: boolean
  /** Every ban of the jail, sorted by `sort`. */
  bans: readonly Ban[]
  /** `bans` through the filter: the rows of the table (the same array when no filter). */
  view: readonly Ban[]
  sort: SortSpec
  filter: string
  selection: Selection
  /** performance.now() when the list arrived (the first-paint figure starts there). */
  loadedAt: number
  confirm: PendingConfirm
  actionStatus: 'idle' | 'running' | 'error'
  actionError: string | null
  /** A short outcome line ("3 IPs unbanned in sshd"), or an error. */
  notice: BansNotice | null
  /** An IP to select once that jail's list is there (search result navigation). */
  reveal: { jail: string; ip: string } | null
}

export interface BansActions {
  /** Shows a jail's bans: tells main to watch it, then loads its list. Null shows none. */
  show(jail: string | null): Promise<void>
  /** Reloads the shown jail's list, keeping filter, sort and what is still selected. */
  refresh(): Promise<void>
  /** Applies a `bansChanged` event (ignored for other jails; queued while loading). */
  applyDiff(diff: BansDiff): void
  setSort(key: SortKey): void
  /** Filters the rows; the selection is cleared (it would hide selected rows otherwise). */
  setFilter(text: string): void
  click(index: number, mods: ClickMods): void
  /** Keyboard moves; false when there is no row to move in. */
  moveCursor(delta: number, extend: boolean): boolean
  moveToEdge(edge: 'first' | 'last', extend: boolean): boolean
  selectAll(): boolean
  clearSelection(): boolean
  /** Opens the unban confirmation for the selected rows; false when none is selected. */
  askUnbanSelected(): boolean
  askUnbanAll(jail: string | null): void
  dismissConfirm(): void
  unbanSelected(): Promise<void>
  unbanAll(jail: string | null, confirm: string): Promise<void>
  /** Selects (and scrolls to) an IP once `jail`'s list is shown and has it. */
  revealIp(jail: string, ip: string): void
  notify(text: string | null, tone?: BansNotice['tone']): void
  /** Drops an error notice once its cause is gone (e.g. the connection is back). */
  clearErrorNotice(): void
}

export type BansStore = BansState & BansActions

export const initialBansState: BansState = {
  jail: null,
  status: 'idle',
  error: null,
  refreshing: false,
  bans: [],
  view: [],
  sort: { key: 'bannedAt', dir: -1 },
  filter: '',
  selection: EMPTY_SELECTION,
  loadedAt: 0,
  confirm: null,
  actionStatus: 'idle',
  actionError: null,
  notice: null,
  reveal: null
}

/** Splits a long IP list into requests the contract accepts. */
function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

export const useBansStore = create<BansStore>()((set, get) => {
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
      const list = await bansApi.list(jail)
      if (seq !== loadSeq) return
      const loadedAt = performance.now()
      const { sort, filter, selection } = get()
      let bans: readonly Ban[] = sortBans(list, sort)
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
      set({
        refreshing: false,
        notice: switching ? null : { text: `Refresh failed: ${errorMessage(e)}`, tone: 'error' }
      })
    }
  }

  return {
    ...initialBansState,
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
    },
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
    },
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
    },
    revealIp(jail, ip) {
      set({ reveal: { jail, ip } })
      applyReveal()
    },
    notify(text, tone = 'ok') {
      set({ notice: text === null ? null : { text, tone } })
    },
    clearErrorNotice() {
      if (get().notice?.tone === 'error') set({ notice: null })
    }
  }
})
