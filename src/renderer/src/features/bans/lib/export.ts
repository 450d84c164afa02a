/** Ban list exports: CSV (RFC 4180, header row, ISO 8601 UTC times) and JSON. Pure functions. */
import { csvField } from '../../../lib/csv.ts'
import type { Ban } from '../../../../../shared/model.ts'

const iso = (ms: number | null): string => (ms === null ? '' : new Date(ms).toISOString())

export const CSV_HEADER = [
  'ip',
  'jail',
  'banned_at',
  'bantime_seconds',
  'expires_at',
  'permanent'
] as const

/** The bans as CSV: a header row, then one row per ban, CRLF line ends (RFC 4180). */
export function bansToCsv(bans: readonly Ban[]): string {
  const rows: string[] = [CSV_HEADER.join(',')]
  for (const b of bans) {
    rows.push(
      [b.ip, b.jail, iso(b.bannedAt), String(b.bantime), iso(b.expiresAt), String(b.permanent)]
        .map(csvField)
        .join(',')
    )
  }
  return `${rows.join('\r\n')}\r\n`
}

/** The bans as a JSON array with every field; times as ISO 8601 strings (null when permanent). */
export function bansToJson(bans: readonly Ban[]): string {
  const out = bans.map((b) => ({
    ip: b.ip,
    jail: b.jail,
    bannedAt: iso(b.bannedAt),
    bantime: b.bantime,
    expiresAt: b.expiresAt === null ? null : iso(b.expiresAt),
    permanent: b.permanent
  }))
  return `${JSON.stringify(out, null, 2)}\n`
}

/** "bangui-sshd-bans-20261125-062601.csv": the jail and the local time of the export. */
export function exportFileName(jail: string, ext: 'csv' | 'json', now: number): string {
  const d = new Date(now)
  const p = (n: number): string => String(n).padStart(2, '0')
  const stamp = `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`
  return `bangui-${jail.replace(/[^A-Za-z0-9_.@+-]/g, '_')}-bans-${stamp}.${ext}`
}
