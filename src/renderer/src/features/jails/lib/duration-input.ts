/**
 * Parses a duration the way admins write it in jail.local: "600", "10m", "10 min", "1h30m",
 * "2 d", "1w", or "permanent" / "-1" (bantime only). Pure; seconds out.
 */

export type Parsed = { ok: true; seconds: number } | { ok: false; reason: string }

const UNIT_SECONDS: Record<string, number> = {
  s: 1,
  sec: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
  w: 604800,
  week: 604800,
  weeks: 604800,
  y: 31536000,
  year: 31536000,
  years: 31536000
}

/** The longest duration the contract accepts (10 years). */
export const MAX_DURATION = 315_360_000

export function parseDuration(text: string, opts: { allowPermanent: boolean }): Parsed {
  const t = text.trim().toLowerCase()
  if (t === '') return { ok: false, reason: 'Enter a duration, e.g. 10m, 1h or 3600.' }
  if (t === 'permanent' || t === '-1') {
    return opts.allowPermanent
      ? { ok: true, seconds: -1 }
      : { ok: false, reason: 'This duration cannot be permanent.' }
  }
  if (/^\d+$/.test(t)) return bounded(Number(t))
  const re = /(\d+(?:\.\d+)?)\s*([a-z]+)\s*/gy
  let total = 0
  let m: RegExpExecArray | null
  let end = 0
  while ((m = re.exec(t)) !== null) {
    const size = UNIT_SECONDS[m[2]!]
    if (size === undefined)
      return { ok: false, reason: `Unknown unit "${m[2]}": use s, m, h, d or w.` }
    total += Number(m[1]) * size
    end = re.lastIndex
  }
  if (end !== t.length) {
    return { ok: false, reason: `"${text.trim()}" is not a duration (e.g. 10m, 1h30m, 3600).` }
  }
  return bounded(Math.round(total))
}

function bounded(seconds: number): Parsed {
  if (seconds < 1) return { ok: false, reason: 'The duration must be at least 1 second.' }
  if (seconds > MAX_DURATION) return { ok: false, reason: 'At most 10 years.' }
  return { ok: true, seconds }
}

/**
 * The text an edit field starts with: the value in the largest unit that divides it
 * (600 → "10m", 5400 → "90m", 7200 → "2h"), "permanent" for a negative bantime.
 */
export function durationInputText(seconds: number): string {
  if (seconds < 0) return 'permanent'
  for (const [size, unit] of [
    [604800, 'w'],
    [86400, 'd'],
    [3600, 'h'],
    [60, 'm']
  ] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`
  }
  return String(seconds)
}
