/** Formatting for people: durations, times, counts. Pure functions. */

const UNITS: [number, string][] = [
  [86400 * 365, 'y'],
  [86400 * 7, 'w'],
  [86400, 'd'],
  [3600, 'h'],
  [60, 'min'],
  [1, 's']
]

/** 600 → "10 min", 5400 → "1 h 30 min", -1 → "permanent". At most two units. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—'
  if (seconds < 0) return 'permanent'
  if (seconds === 0) return '0 s'
  const parts: string[] = []
  let rest = Math.round(seconds)
  for (const [size, unit] of UNITS) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)} ${unit}`)
      rest %= size
    } else if (parts.length > 0) break
  }
  return parts.join(' ')
}

/** Time left until `at` as a compact countdown: "9:58", "1:02:03", "3 d 4 h", "expired". */
export function formatCountdown(at: number | null, now: number): string {
  if (at === null) return 'never'
  const s = Math.floor((at - now) / 1000)
  if (s <= 0) return 'expired'
  if (s >= 86400) return formatDuration(s)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`
}

/** Local date and time, "2026-11-25 06:26:01". */
export function formatDateTime(ms: number): string {
  const d = new Date(ms)
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

/** 12345 → "12,345". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}
