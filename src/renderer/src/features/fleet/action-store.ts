/**
 * Fleet-wide ban and unban: the chosen servers, the jail (ban only), the IPs checked as typed
 * with the ban dialog's rules, then one call that runs on every server at once. Progress comes
 * per server as `fleetProgress` events of this operation; the answer holds each server's result.
 */
import { create } from 'zustand'
import type { FleetProgress, PerServer } from '../../../../shared/servers.ts'
import { errorMessage } from '../../lib/app-error.ts'
import {
  EMPTY_SUMMARY,
  isSubmittable,
  summarizeIpInput,
  type IpInputSummary
} from '../ban-dialog/lib/ip-input.ts'
import { fleetApi } from './api.ts'
import { useFleetStore } from './store.ts'

export type FleetActionMode = 'ban' | 'unban'

export interface FleetActionState {
  open: boolean
  mode: FleetActionMode
  /** Chosen server ids, in the order the servers are listed. */
  servers: readonly string[]
  jail: string
  text: string
  summary: IpInputSummary
  status: 'editing' | 'running' | 'done' | 'error'
  operationId: string | null
  /** Servers finished so far, by id (from progress events, then from the answer). */
  progress: Record<string, FleetProgress>
  results: PerServer<number>[] | null
  error: string | null
}

export interface FleetActionActions {
  /** Opens the dialog with `preselected` servers ticked (the connected ones). */
  show(mode: FleetActionMode, preselected: readonly string[], text?: string): void
  close(): void
  toggleServer(id: string, allIds: readonly string[]): void
  setJail(jail: string): void
  setText(text: string): void
  submit(): Promise<void>
  applyProgress(p: FleetProgress): void
  /** Back to editing after a result, keeping the choices. */
  edit(): void
}

export type FleetActionStore = FleetActionState & FleetActionActions

export const initialFleetActionState: FleetActionState = {
  open: false,
  mode: 'ban',
  servers: [],
  jail: '',
  text: '',
  summary: EMPTY_SUMMARY,
  status: 'editing',
  operationId: null,
  progress: {},
  results: null,
  error: null
}

/** Why the action cannot be sent yet; null when it can. */
export function actionBlocker(s: FleetActionState): string | null {
  if (s.servers.length === 0) return 'Choose at least one server.'
  if (s.mode === 'ban' && s.jail.trim() === '') return 'Name the jail to ban in.'
  if (!isSubmittable(s.summary)) {
    if (s.summary.invalid.length > 0) return 'Fix or remove the invalid entries first.'
    if (s.summary.overLimit) return 'Too many IPs for one request.'
    return 'Enter at least one IP address or network.'
  }
  return null
}

export const useFleetActionStore = create<FleetActionStore>()((set, get) => ({
  ...initialFleetActionState,
  show(mode, preselected, text = '') {
    if (get().status === 'running') return set({ open: true })
    set({
      ...initialFleetActionState,
      open: true,
      mode,
      servers: [...preselected],
      text,
      summary: summarizeIpInput(text)
    })
  },
  close() {
    if (get().status !== 'running') set({ open: false })
  },
  toggleServer(id, allIds) {
    if (get().status === 'running') return
    const chosen = new Set(get().servers)
    if (chosen.has(id)) chosen.delete(id)
    else chosen.add(id)
    set({ servers: allIds.filter((x) => chosen.has(x)) })
  },
  setJail(jail) {
    if (get().status !== 'running') set({ jail })
  },
  setText(text) {
    if (get().status !== 'running') set({ text, summary: summarizeIpInput(text) })
  },
  async submit() {
    const s = get()
    if (s.status === 'running' || actionBlocker(s) !== null) return
    const operationId = crypto.randomUUID()
    const servers = [...s.servers]
    const ips = s.summary.valid
    set({ status: 'running', operationId, progress: {}, results: null, error: null })
    try {
      const results =
        s.mode === 'ban'
          ? await fleetApi.ban(servers, s.jail.trim(), ips, operationId)
          : await fleetApi.unban(servers, ips, operationId)
      set({ status: 'done', results })
      // The All servers view's counts and merged list changed on every server that succeeded.
      if (useFleetStore.getState().open) void useFleetStore.getState().refresh()
    } catch (e) {
      // The whole request was refused (bad input, bridge): no server was asked.
      set({ status: 'error', error: errorMessage(e) })
    }
  },
  applyProgress(p) {
    const { operationId, progress } = get()
    if (p.operationId !== operationId) return
    set({ progress: { ...progress, [p.server]: p } })
  },
  edit() {
    if (get().status !== 'running')
      set({ status: 'editing', results: null, error: null, progress: {} })
  }
}))
