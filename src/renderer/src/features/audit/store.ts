/** The audit-log viewer: the last entries (newest first), live appends, filters and search. */
import { create } from 'zustand'
import type { AuditAction, AuditEntry } from '../../../../shared/model.ts'
import { errorMessage } from '../../lib/app-error.ts'
import type { LoadStatus } from '../../lib/load-status.ts'
import { auditApi } from './api.ts'

/** How many entries the viewer reads (the contract's maximum). */
export const AUDIT_LIMIT = 5000

export interface AuditFilter {
  action: AuditAction | ''
  /** A jail name, '*' for entries on every jail / none, '' for any. */
  jail: string
  outcome: '' | 'ok' | 'failed'
  /** Free text: matched against the IPs, parameters, result and target. */
  text: string
}

export interface AuditState {
  open: boolean
  status: LoadStatus
  error: string | null
  entries: readonly AuditEntry[]
  filter: AuditFilter
}

export interface AuditActions {
  show(): void
  close(): void
  load(): Promise<void>
  /** Applies an `auditAppended` event (only while the viewer has entries). */
  append(entry: AuditEntry): void
  setFilter(patch: Partial<AuditFilter>): void
}

export const EMPTY_FILTER: AuditFilter = { action: '', jail: '', outcome: '', text: '' }

export const initialAuditState: AuditState = {
  open: false,
  status: 'idle',
  error: null,
  entries: [],
  filter: EMPTY_FILTER
}

/** The entries that pass the filter (pure, unit-tested). */
export function filterAudit(entries: readonly AuditEntry[], f: AuditFilter): AuditEntry[] {
  const text = f.text.trim().toLowerCase()
  return entries.filter((e) => {
    if (f.action && e.action !== f.action) return false
    if (f.jail === '*' ? e.target !== null : f.jail && e.target !== f.jail) return false
    if (f.outcome === 'ok' && !e.result.ok) return false
    if (f.outcome === 'failed' && e.result.ok) return false
    if (text && !searchText(e).includes(text)) return false
    return true
  })
}

const cache = new WeakMap<AuditEntry, string>()
function searchText(e: AuditEntry): string {
  let s = cache.get(e)
  if (s === undefined) {
    s =
      `${e.action} ${e.target ?? ''} ${JSON.stringify(e.params)} ${JSON.stringify(e.result)}`.toLowerCase()
    cache.set(e, s)
  }
  return s
}

export const useAuditStore = create<AuditState & AuditActions>()((set, get) => ({
  ...initialAuditState,
  show() {
    set({ open: true })
    void get().load()
  },
  close() {
    set({ open: false })
  },
  async load() {
    set({ status: get().status === 'ready' ? 'ready' : 'loading', error: null })
    try {
      set({ entries: await auditApi.list(AUDIT_LIMIT), status: 'ready' })
    } catch (e) {
      set({ status: 'error', error: errorMessage(e) })
    }
  },
  append(entry) {
    if (get().status !== 'ready') return
    set({ entries: [entry, ...get().entries].slice(0, AUDIT_LIMIT) })
  },
  setFilter(patch) {
    set({ filter: { ...get().filter, ...patch } })
  }
}))
