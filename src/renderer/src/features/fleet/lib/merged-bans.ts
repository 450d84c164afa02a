/**
 * The merged ban list of the All servers view, kept as the columns main sent: sorting and
 * filtering produce an index order (a Uint32Array), never 100 000 row objects. Pure.
 */
import type { FleetBanColumns } from '../../../../../shared/servers.ts'
import { ipSortKey, ipv4Rank } from '../../bans/lib/ban-view.ts'

export type FleetSortKey = 'server' | 'jail' | 'ip' | 'bannedAt' | 'expiresAt'
export interface FleetSort {
  key: FleetSortKey
  dir: 1 | -1
}

/** Newest ban first, like the jail table; other columns start ascending. */
export const DEFAULT_FLEET_SORT: FleetSort = { key: 'bannedAt', dir: -1 }

/** The same column flips, another starts at its natural direction. */
export function nextFleetSort(current: FleetSort, key: FleetSortKey): FleetSort {
  if (current.key === key) return { key, dir: current.dir === 1 ? -1 : 1 }
  return { key, dir: key === 'bannedAt' ? -1 : 1 }
}

/** Rows in the columns (the shortest column bounds it: a short column is never read past). */
export function rowCount(c: FleetBanColumns): number {
  return Math.min(
    c.server.length,
    c.jail.length,
    c.ip.length,
    c.bannedAt.length,
    c.bantime.length,
    c.expiresAt.length
  )
}

/**
 * Each picked row's rank of `keyOf` (equal keys share a rank), for sorting by numbers instead
 * of strings. The distinct keys are sorted once, in code-unit order (what `<` gives).
 */
function ranks(picked: readonly number[], n: number, keyOf: (i: number) => string): Float64Array {
  const keys: string[] = new Array<string>(n)
  const distinct = new Map<string, number>()
  for (const i of picked) {
    const k = keyOf(i)
    keys[i] = k
    distinct.set(k, 0)
  }
  const sorted = [...distinct.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  for (let r = 0; r < sorted.length; r++) distinct.set(sorted[r]!, r)
  const out = new Float64Array(n)
  for (const i of picked) out[i] = distinct.get(keys[i]!)!
  return out
}

/** Where non-IPv4 addresses start: after every IPv4 rank (32 address bits, 6 prefix bits). */
const AFTER_IPV4 = 2 ** 38

/**
 * Each picked row's IP as a number in the jail table's IP order: IPv4 by the bans feature's
 * numeric rank (no string built; most fleets are mostly IPv4), the rest ranked by ipSortKey
 * and placed after them, as ipSortKey places them.
 */
function ipValues(c: FleetBanColumns, picked: readonly number[], n: number): Float64Array {
  const out = new Float64Array(n)
  const other: number[] = []
  for (const i of picked) {
    const r = ipv4Rank(c.ip[i]!)
    if (r >= 0) out[i] = r
    else other.push(i)
  }
  if (other.length > 0) {
    const r = ranks(other, n, (i) => ipSortKey(c.ip[i]!))
    for (const i of other) out[i] = AFTER_IPV4 + r[i]!
  }
  return out
}

/**
 * Row indexes sorted by `sort`, restricted to rows whose IP, jail or server name contains
 * `filter` (case-insensitive). Ties keep main's order in both directions (a stable sort on
 * the direction-adjusted key), so flipping a column never shuffles equal rows.
 * `names` maps a server id to the name shown (sorting and filtering use what is shown).
 */
export function fleetOrder(
  c: FleetBanColumns,
  sort: FleetSort,
  filter: string,
  names: ReadonlyMap<string, string>
): Uint32Array {
  const n = rowCount(c)
  const q = filter.trim().toLowerCase()
  const nameOf = (i: number): string => names.get(c.server[i]!) ?? c.server[i]!
  const picked: number[] = []
  for (let i = 0; i < n; i++) {
    if (
      q === '' ||
      c.ip[i]!.toLowerCase().includes(q) ||
      c.jail[i]!.toLowerCase().includes(q) ||
      nameOf(i).toLowerCase().includes(q)
    ) {
      picked.push(i)
    }
  }
  const { dir } = sort
  let cmp: (a: number, b: number) => number
  if (sort.key === 'bannedAt' || sort.key === 'expiresAt') {
    // Permanent bans (null expiry) sort after every timed one.
    const col = sort.key === 'bannedAt' ? c.bannedAt : c.expiresAt
    const v = new Float64Array(n)
    for (const i of picked) v[i] = col[i] ?? Number.POSITIVE_INFINITY
    cmp = (a, b) => (v[a]! < v[b]! ? -dir : v[a]! > v[b]! ? dir : a - b)
  } else {
    // Strings become numbers first, so the row sort compares numbers, not strings.
    const ipRank = ipValues(c, picked, n)
    if (sort.key === 'ip') {
      cmp = (a, b) => (ipRank[a]! - ipRank[b]!) * dir || a - b
    } else {
      // Names compare case-insensitively ("web" next to "Web2"); within a group, rows go by IP:
      // the order an admin scans a group in.
      const group = ranks(picked, n, (i) =>
        (sort.key === 'jail' ? c.jail[i]! : nameOf(i)).toLowerCase()
      )
      cmp = (a, b) => (group[a]! - group[b]!) * dir || ipRank[a]! - ipRank[b]! || a - b
    }
  }
  picked.sort(cmp)
  return Uint32Array.from(picked)
}

/** One row of the merged list, built only for the rows on screen. */
export interface FleetBanRow {
  index: number
  server: string
  jail: string
  ip: string
  bannedAt: number
  bantime: number
  expiresAt: number | null
}

export function rowAt(c: FleetBanColumns, index: number): FleetBanRow {
  return {
    index,
    server: c.server[index]!,
    jail: c.jail[index]!,
    ip: c.ip[index]!,
    bannedAt: c.bannedAt[index]!,
    bantime: c.bantime[index]!,
    expiresAt: c.expiresAt[index] ?? null
  }
}
