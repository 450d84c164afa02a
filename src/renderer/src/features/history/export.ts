/** History window exports: CSV (RFC 4180, ISO 8601 UTC times) and JSON. Pure functions. */
import type { HistoryEvent } from '../../../../shared/history.ts'
import { csvField } from '../../lib/csv.ts'

const iso = (s: number): string => new Date(s * 1000).toISOString()

export const HISTORY_CSV_HEADER = [
  'time',
  'server',
  'jail',
  'ip',
  'kind',
  'source',
  'bantime_seconds',
  'bancount',
  'failures',
  'matches'
] as const

/** One row per event; matched lines joined by a line break inside one quoted field. */
export function historyToCsv(events: readonly HistoryEvent[]): string {
  const rows: string[] = [HISTORY_CSV_HEADER.join(',')]
  for (const e of events) {
    rows.push(
      [
        iso(e.time),
        e.server,
        e.jail,
        e.ip,
        e.kind,
        e.source,
        e.bantime === null ? '' : String(e.bantime),
        e.bancount === null ? '' : String(e.bancount),
        e.failures === null ? '' : String(e.failures),
        e.matches.join('\n')
      ]
        .map(csvField)
        .join(',')
    )
  }
  return `${rows.join('\r\n')}\r\n`
}

export function historyToJson(events: readonly HistoryEvent[]): string {
  return `${JSON.stringify(
    events.map((e) => ({ ...e, time: iso(e.time) })),
    null,
    2
  )}\n`
}

/** "bangui-history-20261120-0000-to-20261127-0000.csv" (local times of the window). */
export function historyFileName(since: number, until: number, ext: 'csv' | 'json'): string {
  const stamp = (s: number): string => {
    const d = new Date(s * 1000)
    const p = (n: number): string => String(n).padStart(2, '0')
    return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}`
  }
  return `bangui-history-${stamp(since)}-to-${stamp(until)}.${ext}`
}
