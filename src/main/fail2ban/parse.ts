/**
 * Parsers from decoded fail2ban replies to model types. Each checks the shape it relies on and
 * throws Fail2BanProtocolError when the server sends something else, so a changed server
 * version fails loudly instead of showing wrong numbers.
 */
import type { Ban, BantimeIncrement, JailCounts } from '../../shared/model.ts'
import { Fail2BanProtocolError } from './errors.ts'

/** `[('Number of jail', 3), ('Jail list', 'a, b, c')]` → `['a', 'b', 'c']`. */
export function parseJailList(value: unknown): string[] {
  const list = pairs(value, 'status').get('Jail list')
  if (typeof list !== 'string') throw shape('status', 'a "Jail list" string', value)
  return list === '' ? [] : list.split(', ')
}

export interface JailStatus extends JailCounts {
  /** Watched files (or journal matches). */
  files: string[]
  /** Banned IPs; present only for the `basic` flavor. */
  bannedIps: string[] | null
}

/** `status J [short|basic]` → counts (and the IP list when present). */
export function parseJailStatus(value: unknown): JailStatus {
  const top = pairs(value, 'status JAIL')
  const filter = pairs(top.get('Filter'), 'status JAIL: Filter')
  const actions = pairs(top.get('Actions'), 'status JAIL: Actions')
  const ips = actions.get('Banned IP list')
  const files = filter.get('File list') ?? filter.get('Journal matches') ?? []
  return {
    currentlyFailed: int(filter.get('Currently failed'), 'Currently failed'),
    totalFailed: int(filter.get('Total failed'), 'Total failed'),
    currentlyBanned: int(actions.get('Currently banned'), 'Currently banned'),
    totalBanned: int(actions.get('Total banned'), 'Total banned'),
    files: stringList(files, 'File list'),
    bannedIps: ips === undefined ? null : stringList(ips, 'Banned IP list')
  }
}

/**
 * `status --all short` (fail2ban >= 1.1): the server status pairs followed by the jails'
 * statuses, either as a `{jail: status}` dict or as `(jail, status)` pairs. Only the jails'
 * part is read; a reply without it is a protocol error (the caller falls back).
 */
export function parseStatusAll(value: unknown): Map<string, JailCounts> {
  if (!Array.isArray(value)) throw shape('status --all', 'a list', value)
  const out = new Map<string, JailCounts>()
  const add = (name: unknown, status: unknown): void => {
    if (typeof name !== 'string') throw shape('status --all', 'jail names', name)
    const { files: _f, bannedIps: _b, ...counts } = parseJailStatus(status)
    out.set(name, counts)
  }
  for (const item of value) {
    if (Array.isArray(item) && item.length === 2 && typeof item[0] === 'string') {
      const [label, v] = item as [string, unknown]
      if (label === 'Number of jail' || label === 'Jail list') continue
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
        for (const [name, status] of Object.entries(v)) add(name, status)
      } else add(label, v)
    } else if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
      for (const [name, status] of Object.entries(item)) add(name, status)
    } else throw shape('status --all', 'jail statuses', item)
  }
  if (out.size === 0 && value.length > 0) {
    const names = parseJailList(value)
    if (names.length > 0) throw shape('status --all', 'the statuses of the jails', value)
  }
  return out
}

/** Converts server-local `YYYY-MM-DD HH:MM:SS` to epoch ms; caches per hour (100k rows). */
export class LocalTimeParser {
  #hourCache = new Map<string, number>()

  parse(text: string): number {
    // Fixed layout; checked by the regex only when the cache misses.
    const hourKey = text.slice(0, 13)
    let base = this.#hourCache.get(hourKey)
    if (base === undefined) {
      const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2})$/.exec(hourKey)
      if (!m) return Number.NaN
      base = new Date(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, 0, 0).getTime()
      this.#hourCache.set(hourKey, base)
    }
    const mm = (text.charCodeAt(14) - 48) * 10 + (text.charCodeAt(15) - 48)
    const ss = (text.charCodeAt(17) - 48) * 10 + (text.charCodeAt(18) - 48)
    if (text.length !== 19 || !(mm >= 0 && mm < 60 && ss >= 0 && ss < 61)) return Number.NaN
    return base + mm * 60_000 + ss * 1000
  }
}

const PERMANENT_END = '9999-12-31 23:59:59'

/**
 * `get J banip --with-time` → bans. Each entry reads
 * `IP \t2026-11-25 06:26:01 + 600 = 2026-11-25 06:36:01`; a permanent ban has bantime -1 and
 * the end `9999-12-31 23:59:59`. Times are the server's local time.
 */
export function parseBanListWithTime(value: unknown, jail: string): Ban[] {
  if (!Array.isArray(value)) throw shape('get JAIL banip --with-time', 'a list', value)
  const times = new LocalTimeParser()
  const out: Ban[] = new Array(value.length)
  for (let i = 0; i < value.length; i++) {
    const line: unknown = value[i]
    if (typeof line !== 'string') throw shape('get JAIL banip --with-time', 'strings', line)
    const tab = line.indexOf(' \t')
    const plus = line.indexOf(' + ', tab)
    const eq = line.indexOf(' = ', plus)
    if (tab <= 0 || plus === -1 || eq === -1)
      throw shape('get JAIL banip --with-time', '"IP \\tstart + bantime = end"', line)
    const bannedAt = times.parse(line.slice(tab + 2, plus))
    const bantime = Number(line.slice(plus + 3, eq))
    const endText = line.slice(eq + 3)
    const permanent = bantime < 0 || endText === PERMANENT_END
    const expiresAt = permanent ? null : times.parse(endText)
    if (
      Number.isNaN(bannedAt) ||
      !Number.isFinite(bantime) ||
      (expiresAt !== null && Number.isNaN(expiresAt))
    ) {
      throw shape('get JAIL banip --with-time', 'parseable times', line)
    }
    out[i] = {
      ip: line.slice(0, tab),
      jail,
      bannedAt,
      bantime: permanent ? -1 : bantime,
      expiresAt,
      permanent
    }
  }
  return out
}

/** `banned` → `{ jail: [ips] }` (the server sends one single-key dict per jail). */
export function parseBannedAll(value: unknown): Record<string, string[]> {
  if (!Array.isArray(value)) throw shape('banned', 'a list of dicts', value)
  const out: Record<string, string[]> = {}
  for (const entry of value) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw shape('banned', 'dicts', entry)
    for (const [jail, ips] of Object.entries(entry)) out[jail] = stringList(ips, `banned: ${jail}`)
  }
  return out
}

/** `banned IP1 IP2 …` → for each IP, the jails banning it. */
export function parseBannedByIp(value: unknown, count: number): string[][] {
  if (!Array.isArray(value) || value.length !== count)
    throw shape('banned IP…', `a list of ${count} lists`, value)
  return value.map((jails) => stringList(jails, 'banned IP'))
}

/** The bantime.* values as the server stores them (strings, ints, bools or None). */
export function parseIncrement(values: Record<string, unknown>): BantimeIncrement {
  const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))
  const num = (v: unknown): number | null => {
    if (v === null || v === undefined || v === '') return null
    const n = Number(v)
    return Number.isFinite(n) ? n : null
  }
  const bool = (v: unknown): boolean | null => {
    if (v === null || v === undefined) return null
    if (typeof v === 'boolean') return v
    return ['1', 'true', 'yes', 'on'].includes(String(v).toLowerCase())
  }
  return {
    enabled: bool(values.increment) ?? false,
    factor: str(values.factor),
    formula: str(values.formula),
    multipliers: str(values.multipliers),
    maxtime: num(values.maxtime),
    rndtime: num(values.rndtime),
    overalljails: bool(values.overalljails)
  }
}

/** `(1, 0, 2)`-style comparison of dotted versions; non-numeric parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => parseInt(x, 10) || 0)
  const pb = b.split(/[.-]/).map((x) => parseInt(x, 10) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return Math.sign(d)
  }
  return 0
}

export function int(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw shape(what, 'an integer', v)
  return v
}

export function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw shape(what, 'a string', v)
  return v
}

export function stringList(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
    throw shape(what, 'a list of strings', v)
  return v as string[]
}

/** A list of `(label, value)` pairs as a Map. */
function pairs(v: unknown, what: string): Map<string, unknown> {
  if (!Array.isArray(v)) throw shape(what, 'a list of pairs', v)
  const m = new Map<string, unknown>()
  for (const p of v) {
    if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'string')
      throw shape(what, '(label, value) pairs', p)
    m.set(p[0], p[1])
  }
  return m
}

function shape(what: string, expected: string, got: unknown): Fail2BanProtocolError {
  let s = JSON.stringify(got) ?? String(got)
  if (s.length > 100) s = `${s.slice(0, 100)}…`
  return new Fail2BanProtocolError(`unexpected reply to ${what}: expected ${expected}, got ${s}`)
}
