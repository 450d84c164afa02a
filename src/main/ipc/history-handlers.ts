/** Handlers of the ban history channels: one-liners into the history service. No electron. */
import type { AppServices } from '../services/app-services.ts'
import type { Handlers } from './handlers.ts'

export const HISTORY_CHANNELS = [
  'historySummary',
  'historyTimeline',
  'historyIp',
  'historyEvents',
  'historyImport'
] as const

type HistoryChannel = (typeof HISTORY_CHANNELS)[number]

export function historyHandlers(s: AppServices): Pick<Handlers, HistoryChannel> {
  return {
    historySummary: async (r) => s.history.summary(r),
    historyTimeline: async (w) => s.history.timeline(w),
    historyIp: async ({ ip }) => s.history.ip(ip),
    historyEvents: async ({ limit, ...w }) => s.history.events(w, limit),
    historyImport: () => s.history.importNow()
  }
}
