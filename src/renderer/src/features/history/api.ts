/** The history feature's bridge calls: the only place it touches window.bangui. */
import type { RequestOf, ResponseOf } from '../../../../shared/contract.ts'
import { call } from '../../lib/app-error.ts'

export type HistoryWindowRequest = RequestOf<'historyTimeline'>

export const historyApi = {
  summary: (r: RequestOf<'historySummary'>): Promise<ResponseOf<'historySummary'>> =>
    call(window.bangui.historySummary(r)),
  timeline: (r: HistoryWindowRequest): Promise<ResponseOf<'historyTimeline'>> =>
    call(window.bangui.historyTimeline(r)),
  ip: (ip: string): Promise<ResponseOf<'historyIp'>> => call(window.bangui.historyIp({ ip })),
  events: (r: RequestOf<'historyEvents'>): Promise<ResponseOf<'historyEvents'>> =>
    call(window.bangui.historyEvents(r)),
  importNow: (): Promise<ResponseOf<'historyImport'>> => call(window.bangui.historyImport())
}
