/** Ban list exports: CSV (RFC 4180 quoting, ISO times) and JSON. Pure functions. */
import type { Ban } from '../../../shared/model.ts'

const iso = (ms: number | null): string => (ms === null ? '' : new Date(ms).toISOString())

function csvField(v: string): string {
  // A leading = + - @ would make a spreadsheet evaluate the cell: neutralise it.
  const safe = /^[=+\-@]/.test(v) && !/^-?\d+$/.test(v) ? `'${v}` : v
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export function bansToCsv(bans: readonly Ban[]): string {
  const rows = [['ip', 'jail', 'banned_at', 'bantime_seconds', 'expires_at', 'permanent'].join(',')]
  for (const b of bans) {
    rows.push(
      [b.ip, b.jail, iso(b.bannedAt), String(b.bantime), iso(b.expiresAt), String(b.permanent)]
        .map(csvField)
        .join(',')
    )
  }
  return rows.join('\r\n') + '\r\n'
}

export function bansToJson(bans: readonly Ban[]): string {
  return (
    JSON.stringify(
      bans.map((b) => ({ ...b, bannedAt: iso(b.bannedAt), expiresAt: iso(b.expiresAt) || null })),
      null,
      2
    ) + '\n'
  )
}

/** Offers text as a file download. */
export function download(filename: string, mime: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }))
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
