/**
 * The History view's state: the window (a preset or a custom range), the server filter, the
 * summary (bans by jail, offenders, countries), the timeline with its own zoom window (zooming
 * or panning re-asks main for buckets of the new width), the per-IP panel and exports.
 */
import { create } from 'zustand'
import type { HistorySummary, IpHistory, Timeline } from '../../../../shared/history.ts'
import { errorMessage } from '../../lib/app-error.ts'
import { downloadText } from '../../lib/download.ts'
import { historyApi } from './api.ts'
import { historyFileName, historyToCsv, historyToJson } from './export.ts'

export type Preset = '1h' | '24h' | '7d' | '30d' | 'custom'
export const PRESET_SECONDS: Record<Exclude<Preset, 'custom'>, number> = {
  '1h': 3600,
  '24h': 86_400,
  '7d': 7 * 86_400,
  '30d': 30 * 86_400
}
/** Repeat offenders: banned at least this many times in the window. */
export const REPEAT_MIN = 3
const EXPORT_LIMIT = 500_000

export type Status = 'idle' | 'loading' | 'ready' | 'error'

export interface HistoryState {
  preset: Preset
  since: number
  until: number
  server: string | null
  status: Status
  error: string | null
  summary: HistorySummary | null
  /** The timeline's own window (zoom/pan); starts as the view's window. */
  zoom: { since: number; until: number } | null
  timeline: Timeline | null
  timelineStatus: Status
  timelineError: string | null
  ip: { ip: string; status: Status; data: IpHistory | null; error: string | null } | null
  exportError: string | null
}

export interface HistoryActions {
  setPreset(p: Exclude<Preset, 'custom'>, nowS?: number): Promise<void>
  setCustom(since: number, until: number): Promise<void>
  setServer(server: string | null): Promise<void>
  load(): Promise<void>
  zoomTo(since: number, until: number): Promise<void>
  /** Moves the timeline window by a fraction of its width (negative: back in time). */
  pan(fraction: number): Promise<void>
  resetZoom(): Promise<void>
  openIp(ip: string): Promise<void>
  closeIp(): void
  exportWindow(format: 'csv' | 'json'): Promise<void>
}

export type HistoryStore = HistoryState & HistoryActions

const nowS = (): number => Math.floor(Date.now() / 1000)

export function initialHistoryState(now = nowS()): HistoryState {
  return {
    preset: '24h',
    since: now - PRESET_SECONDS['24h'],
    until: now + 60,
    server: null,
    status: 'idle',
    error: null,
    summary: null,
    zoom: null,
    timeline: null,
    timelineStatus: 'idle',
    timelineError: null,
    ip: null,
    exportError: null
  }
}

export const useHistoryStore = create<HistoryStore>()((set, get) => {
  let seq = 0
  let tseq = 0
  let iseq = 0
  const loadTimeline = async (since: number, until: number): Promise<void> => {
    const mine = ++tseq
    set({ zoom: { since, until }, timelineStatus: 'loading', timelineError: null })
    try {
      const timeline = await historyApi.timeline({ server: get().server, since, until })
      if (mine === tseq) set({ timeline, timelineStatus: 'ready' })
    } catch (e) {
      if (mine === tseq) set({ timelineStatus: 'error', timelineError: errorMessage(e) })
    }
  }
  return {
    ...initialHistoryState(),
    async setPreset(p, now = nowS()) {
      // a minute of slack: bans stamped by a server clock slightly ahead still show
      set({ preset: p, since: now - PRESET_SECONDS[p], until: now + 60 })
      await get().load()
    },
    async setCustom(since, until) {
      if (!(since < until)) {
        set({ status: 'error', error: 'The range must start before it ends.' })
        return
      }
      set({ preset: 'custom', since, until })
      await get().load()
    },
    async setServer(server) {
      set({ server })
      await get().load()
    },
    async load() {
      const mine = ++seq
      const { server, since, until } = get()
      set({ status: 'loading', error: null })
      const timeline = loadTimeline(since, until)
      try {
        const summary = await historyApi.summary({
          server,
          since,
          until,
          limit: 20,
          minRepeat: REPEAT_MIN
        })
        if (mine === seq) set({ summary, status: 'ready' })
      } catch (e) {
        if (mine === seq) set({ status: 'error', error: errorMessage(e) })
      }
      await timeline
    },
    async zoomTo(since, until) {
      const a = Math.floor(Math.min(since, until))
      const b = Math.ceil(Math.max(since, until))
      if (b - a < 60) return // below a minute there is nothing left to show
      await loadTimeline(a, b)
    },
    async pan(fraction) {
      const z = get().zoom ?? { since: get().since, until: get().until }
      const d = Math.round((z.until - z.since) * fraction)
      await loadTimeline(z.since + d, z.until + d)
    },
    async resetZoom() {
      await loadTimeline(get().since, get().until)
    },
    async openIp(ip) {
      const mine = ++iseq
      set({ ip: { ip, status: 'loading', data: null, error: null } })
      try {
        const data = await historyApi.ip(ip)
        if (mine === iseq) set({ ip: { ip, status: 'ready', data, error: null } })
      } catch (e) {
        if (mine === iseq) set({ ip: { ip, status: 'error', data: null, error: errorMessage(e) } })
      }
    },
    closeIp() {
      iseq++
      set({ ip: null })
    },
    async exportWindow(format) {
      const { server, since, until } = get()
      set({ exportError: null })
      try {
        const events = await historyApi.events({ server, since, until, limit: EXPORT_LIMIT })
        const text = format === 'csv' ? historyToCsv(events) : historyToJson(events)
        downloadText(
          historyFileName(since, until, format),
          format === 'csv' ? 'text/csv' : 'application/json',
          text
        )
      } catch (e) {
        set({ exportError: errorMessage(e) })
      }
    }
  }
})
