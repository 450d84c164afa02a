/**
 * The merged ban list of the All servers view, kept as the columns main sent: sorting and
 * filtering produce an index order (a Uint32Array), never 100 000 row objects. Pure.
 */
import type { FleetBanColumns } from '../../../../../shared/servers.ts'
import { ipSortKey } from '../../bans/lib/ban-view.ts'

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

const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

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
    // One string key per row, computed once (an IP key is not free; 100k comparisons call it twice each).
    const keys: string[] = new Array<string>(n)
    for (const i of picked) {
      // Names compare case-insensitively: "web" and "Web2" belong next to each other.
      keys[i] =
        sort.key === 'ip'
          ? ipSortKey(c.ip[i]!)
          : (sort.key === 'jail' ? c.jail[i]! : nameOf(i)).toLowerCase()
    }
    // Within a server or jail, rows go by IP: the order an admin scans a group in.
    const second: string[] | null = sort.key === 'ip' ? null : new Array<string>(n)
    if (second) for (const i of picked) second[i] = ipSortKey(c.ip[i]!)
    cmp = (a, b) =>
      cmpStr(keys[a]!, keys[b]!) * dir || (second ? cmpStr(second[a]!, second[b]!) : 0) || a - b
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
