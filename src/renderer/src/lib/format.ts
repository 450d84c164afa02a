/** Formatting for people: durations, countdowns, times, counts. Pure functions. */

const UNITS: readonly (readonly [number, string])[] = [
  [86400 * 365, 'y'],
  [86400 * 7, 'w'],
  [86400, 'd'],
  [3600, 'h'],
  [60, 'min'],
  [1, 's']
]

/**
 * A duration in seconds in human units, at most two adjacent ones (rounded down):
 * 600 → "10 min", 5400 → "1 h 30 min", 3601 → "1 h", any negative → "permanent".
 */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—'
  if (seconds < 0) return 'permanent'
  let rest = Math.floor(seconds)
  if (rest === 0) return '0 s'
  const parts: string[] = []
  for (const [size, unit] of UNITS) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`)
      rest %= size
      if (parts.length === 2) break
    } else if (parts.length > 0) break
  }
  return parts.join(' ')
}

/**
 * Time left until `at` (epoch ms) as a compact countdown that changes every second:
 * "9:58", "1:02:03"; from a day on "3 d 4 h"; "expired" once due; "never" without an end.
 */
export function formatCountdown(at: number | null, now: number): string {
  if (at === null) return 'never'
  const s = Math.ceil((at - now) / 1000)
  if (s <= 0) return 'expired'
  if (s >= 86400) return formatDuration(s)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`
}

/** Whole seconds from `now` until `at`, never negative; null without a due time. */
export function secondsUntil(at: number | null, now: number): number | null {
  if (at === null) return null
  return Math.max(0, Math.ceil((at - now) / 1000))
}

const pad = (n: number): string => String(n).padStart(2, '0')

/** Local date and time, "2026-11-25 06:26:01" (sortable, unambiguous, fixed width). */
export function formatDateTime(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/** 12345 → "12,345". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}

/** "1 IP", "2 IPs": a count with its noun, pluralised with an s (or the given plural). */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${formatCount(n)} ${n === 1 ? noun : nouns}`
}
