import { create } from 'zustand'
import type { Ban, BanProgress } from '../../../../shared/model.ts'
import { checkIpList, splitIpList, type IpListCheck } from '../../../../shared/validation.ts'
import { errorMessage } from '../../lib/api.ts'
import { applyBanDiff, rangeOf, type SortSpec } from '../../lib/ban-view.ts'
import { bansApi } from './api.ts'

type Status = 'idle' | 'loading' | 'ready' | 'error'

interface BansStore {
  jail: string | null
  bans: Ban[]
  status: Status
  error: string | null
  /** When the list arrived (for the first-paint measurement). */
  loadedAt: number
  sort: SortSpec
  filter: string
  selected: Set<string>
  anchor: number | null
  cursor: number
  notice: string | null
  load(jail: string): Promise<void>
  applyDiff(jail: string, added: Ban[], removed: string[]): void
  setSort(key: SortSpec['key']): void
  setFilter(text: string): void
  click(view: readonly Ban[], index: number, mods: { shift: boolean; ctrl: boolean }): void
  moveCursor(view: readonly Ban[], delta: number, extend: boolean): void
  selectAll(view: readonly Ban[]): void
  clearSelection(): void
  unbanSelected(): Promise<void>
  unbanAll(jail: string | null, confirm: string): Promise<number>
}

export const useBans = create<BansStore>((set, get) => ({
  jail: null,
  bans: [],
  status: 'idle',
  error: null,
  loadedAt: 0,
  sort: { key: 'bannedAt', dir: -1 },
  filter: '',
  selected: new Set(),
  anchor: null,
  cursor: 0,
  notice: null,
  async load(jail) {
    const switching = jail !== get().jail
    set({
      jail,
      status: switching || get().status !== 'ready' ? 'loading' : 'ready',
      error: null,
      ...(switching
        ? { bans: [], selected: new Set<string>(), anchor: null, cursor: 0, filter: '' }
        : {})
    })
    try {
      await bansApi.watch(jail)
      const bans = await bansApi.list(jail)
      if (get().jail !== jail) return
      set({ bans, status: 'ready', loadedAt: performance.now() })
    } catch (e) {
      if (get().jail === jail) set({ status: 'error', error: errorMessage(e) })
    }
  },
  applyDiff(jail, added, removed) {
    if (jail !== get().jail || get().status !== 'ready') return
    const gone = new Set(removed)
    const selected = new Set([...get().selected].filter((ip) => !gone.has(ip)))
    set({ bans: applyBanDiff(get().bans, added, removed), selected })
  },
  setSort(key) {
    const s = get().sort
    set({ sort: { key, dir: s.key === key ? (-s.dir as 1 | -1) : key === 'ip' ? 1 : -1 } })
  },
  setFilter(filter) {
    set({ filter, cursor: 0, anchor: null })
  },
  click(view, index, { shift, ctrl }) {
    const ip = view[index]?.ip
    if (ip === undefined) return
    const { anchor, selected } = get()
    if (shift && anchor !== null) {
      const next = ctrl ? new Set(selected) : new Set<string>()
      for (const x of rangeOf(view, anchor, index)) next.add(x)
      set({ selected: next, cursor: index })
    } else if (ctrl) {
      const next = new Set(selected)
      if (next.has(ip)) next.delete(ip)
      else next.add(ip)
      set({ selected: next, anchor: index, cursor: index })
    } else {
      set({ selected: new Set([ip]), anchor: index, cursor: index })
    }
  },
  moveCursor(view, delta, extend) {
    if (view.length === 0) return
    const cursor = Math.max(0, Math.min(view.length - 1, get().cursor + delta))
    if (extend) {
      const anchor = get().anchor ?? get().cursor
      set({ cursor, anchor, selected: new Set(rangeOf(view, anchor, cursor)) })
    } else {
      set({ cursor, anchor: cursor, selected: new Set([view[cursor]!.ip]) })
    }
  },
  selectAll(view) {
    set({ selected: new Set(view.map((b) => b.ip)) })
  },
  clearSelection() {
    set({ selected: new Set(), anchor: null })
  },
  async unbanSelected() {
    const { jail, selected } = get()
    if (!jail || selected.size === 0) return
    try {
      const n = await bansApi.unban(jail, [...selected])
      set({ notice: `${n} unbanned in ${jail}`, selected: new Set() })
      await get().load(jail)
    } catch (e) {
      set({ notice: null, error: errorMessage(e) })
    }
  },
  async unbanAll(jail, confirm) {
    const n = await bansApi.unbanAll(jail, confirm)
    set({ notice: `${n} unbanned${jail ? ` in ${jail}` : ' in every jail'}`, selected: new Set() })
    const current = get().jail
    if (current) await get().load(current)
    return n
  }
}))

// ---------------------------------------------------------------- ban dialog

interface BanDialogStore {
  open: boolean
  jail: string
  text: string
  check: IpListCheck
  status: 'editing' | 'running' | 'done' | 'error'
  operationId: string | null
  progress: BanProgress | null
  result: { newlyBanned: number; submitted: number; cancelled: boolean } | null
  error: string | null
  show(jail: string): void
  close(): void
  setJail(jail: string): void
  setText(text: string): void
  submit(): Promise<void>
  cancel(): Promise<void>
  onProgress(p: BanProgress): void
}

const EMPTY_CHECK: IpListCheck = { valid: [], invalid: [], duplicates: 0 }

export const useBanDialog = create<BanDialogStore>((set, get) => ({
  open: false,
  jail: '',
  text: '',
  check: EMPTY_CHECK,
  status: 'editing',
  operationId: null,
  progress: null,
  result: null,
  error: null,
  show(jail) {
    set({
      open: true,
      jail,
      text: '',
      check: EMPTY_CHECK,
      status: 'editing',
      progress: null,
      result: null,
      error: null
    })
  },
  close() {
    if (get().status !== 'running') set({ open: false })
  },
  setJail(jail) {
    set({ jail })
  },
  setText(text) {
    set({ text, check: checkIpList(splitIpList(text)) })
  },
  async submit() {
    const { jail, check } = get()
    if (check.valid.length === 0 || check.invalid.length > 0 || !jail) return
    const operationId = crypto.randomUUID()
    set({
      status: 'running',
      operationId,
      progress: { operationId, jail, done: 0, total: check.valid.length, newlyBanned: 0 },
      error: null
    })
    try {
      const result = await bansApi.ban(jail, check.valid, operationId)
      set({ status: 'done', result })
      const bans = useBans.getState()
      if (bans.jail === jail) await bans.load(jail)
    } catch (e) {
      set({ status: 'error', error: errorMessage(e) })
    }
  },
  async cancel() {
    const id = get().operationId
    if (id && get().status === 'running') await bansApi.cancel(id)
  },
  onProgress(p) {
    if (p.operationId === get().operationId) set({ progress: p })
  }
}))
