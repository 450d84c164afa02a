/** Small formatting helpers of the History view (local times, durations, countries). */

/** "2026-11-25 14:03" in local time; seconds when asked. */
export function localTime(s: number, seconds = false): string {
  const d = new Date(s * 1000)
  const p = (n: number): string => String(n).padStart(2, '0')
  const base = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
  return seconds ? `${base}:${p(d.getSeconds())}` : base
}

/** Value for an <input type="datetime-local"> from epoch seconds, and back. */
export function toInputValue(s: number): string {
  return localTime(s).replace(' ', 'T')
}
export function fromInputValue(v: string): number | null {
  const ms = new Date(v).getTime()
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null
}

/** "10 min", "1 h", "permanent", "?" */
export function banDuration(s: number | null): string {
  if (s === null) return '?'
  if (s < 0) return 'permanent'
  if (s % 86_400 === 0 && s > 0) return `${s / 86_400} d`
  if (s % 3600 === 0 && s > 0) return `${s / 3600} h`
  if (s % 60 === 0 && s > 0) return `${s / 60} min`
  return `${s} s`
}

const names =
  typeof Intl !== 'undefined' && 'DisplayNames' in Intl
    ? new Intl.DisplayNames(['en'], { type: 'region' })
    : null

/** "DE Germany", or "unknown". */
export function countryLabel(code: string | null): string {
  if (code === null) return 'unknown'
  let name: string | undefined
  try {
    name = names?.of(code)
  } catch {
    name = undefined
  }
  return name && name !== code ? `${code} ${name}` : code
}

/** "5 min", "2 h", "3 d" for a bucket width. */
export function bucketLabel(s: number): string {
  if (s % 86_400 === 0) return `${s / 86_400} d`
  if (s % 3600 === 0) return `${s / 3600} h`
  return `${s / 60} min`
}
