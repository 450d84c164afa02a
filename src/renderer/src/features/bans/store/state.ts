/** The bans store's state, actions and the slice type its five parts share. */
import type { StoreApi } from 'zustand'
import type { Ban } from '../../../../../shared/model.ts'
import type { LoadStatus } from '../../../lib/load-status.ts'
import type { SortKey, SortSpec } from '../lib/ban-view.ts'
import { EMPTY_SELECTION, type ClickMods, type Selection } from '../lib/selection.ts'
import type { BansDiff } from '../api.ts'

export type { LoadStatus } from '../../../lib/load-status.ts'

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

/** One part of the store: some of the actions, over the whole state. */
export type BansSlice<K extends keyof BansActions> = (
  set: StoreApi<BansStore>['setState'],
  get: StoreApi<BansStore>['getState']
) => Pick<BansActions, K>
