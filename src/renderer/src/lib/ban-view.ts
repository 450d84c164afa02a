/** Sorting, filtering and selection of the ban table: pure functions over plain arrays. */
import type { Ban } from '../../../shared/model.ts'

export type SortKey = 'ip' | 'bannedAt' | 'expiresAt'
export interface SortSpec {
  key: SortKey
  dir: 1 | -1
}

/** Sorts IPs numerically (IPv4 before IPv6), times with permanent bans last. */
export function sortBans(bans: readonly Ban[], sort: SortSpec): Ban[] {
  const out = bans.slice()
  if (sort.key === 'ip') {
    const keys = new Map<string, string>()
    for (const b of bans) keys.set(b.ip, ipSortKey(b.ip))
    out.sort(
      (a, b) =>
        (keys.get(a.ip)! < keys.get(b.ip)! ? -1 : keys.get(a.ip)! > keys.get(b.ip)! ? 1 : 0) *
        sort.dir
    )
  } else if (sort.key === 'bannedAt') {
    out.sort((a, b) => (a.bannedAt - b.bannedAt) * sort.dir)
  } else {
    const v = (b: Ban): number => b.expiresAt ?? Number.MAX_SAFE_INTEGER
    out.sort((a, b) => (v(a) - v(b)) * sort.dir)
  }
  return out
}

/** A string that sorts like the address: zero-padded IPv4 octets, expanded IPv6 groups. */
export function ipSortKey(ip: string): string {
  const [addr = '', prefix = ''] = ip.split('/')
  if (!addr.includes(':')) {
    return (
      '4' +
      addr
        .split('.')
        .map((o) => o.padStart(3, '0'))
        .join('.') +
      '/' +
      prefix.padStart(3, '0')
    )
  }
  const [head = '', tail = ''] = addr.split('::')
  const h = head ? head.split(':') : []
  const t = tail ? tail.split(':') : []
  const groups = addr.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h
  return '6' + groups.map((g) => g.padStart(4, '0')).join(':') + '/' + prefix.padStart(3, '0')
}

/** Case-insensitive substring filter on the IP. */
export function filterBans(bans: readonly Ban[], text: string): readonly Ban[] {
  const q = text.trim().toLowerCase()
  return q ? bans.filter((b) => b.ip.includes(q)) : bans
}

/** The IPs between two rows of the current view, inclusive (shift-click). */
export function rangeOf(view: readonly Ban[], from: number, to: number): string[] {
  const [a, b] = from <= to ? [from, to] : [to, from]
  return view.slice(Math.max(0, a), b + 1).map((x) => x.ip)
}

/** Applies a diff from the monitor to a ban list. */
export function applyBanDiff(
  bans: readonly Ban[],
  added: readonly Ban[],
  removed: readonly string[]
): Ban[] {
  const drop = new Set(removed)
  for (const b of added) drop.add(b.ip)
  return [...bans.filter((b) => !drop.has(b.ip)), ...added]
}
