/** Pure view models of the fleet feature. */
import type { FleetProgress, PerServer } from '../../../../shared/servers.ts'
import type { FleetActionMode } from './action-store.ts'

/** A server's line in the fleet ban/unban result. */
export function resultText(mode: FleetActionMode, r: PerServer<number>): string {
  if (!r.ok) return r.message
  const n = r.value
  if (mode === 'ban')
    return n === 0 ? 'nothing new banned' : `newly banned ${n.toLocaleString('en-US')}`
  return n === 0 ? 'nothing to unban' : `unbanned ${n.toLocaleString('en-US')}`
}

/** "2 of 3 servers done" while the action runs. */
export function progressLine(progress: Record<string, FleetProgress>, total: number): string {
  const done = Object.keys(progress).length
  return `${done} of ${total} server${total === 1 ? '' : 's'} done`
}

/** Distinct jail names over the fleet (for the ban dialog's suggestions), sorted. */
export function jailNames(servers: readonly { jails: readonly { name: string }[] }[]): string[] {
  const names = new Set<string>()
  for (const s of servers) for (const j of s.jails) names.add(j.name)
  return [...names].sort()
}
