/** Pure selectors and view models of the servers feature. */
import {
  LOCAL_SERVER_ID,
  type HostKeyQuestion,
  type ServerStatus,
  type ServerSummary
} from '../../../../shared/servers.ts'
import type { ServersStoreState } from './store.ts'

const NO_SERVERS: readonly ServerSummary[] = []

export const selectServers = (s: ServersStoreState): readonly ServerSummary[] =>
  s.state?.servers ?? NO_SERVERS
export const selectActiveId = (s: ServersStoreState): string => s.state?.active ?? LOCAL_SERVER_ID
export const selectActiveServer = (s: ServersStoreState): ServerSummary | null =>
  s.state?.servers.find((x) => x.id === s.state?.active) ?? null
export const selectFleetTotal = (s: ServersStoreState): number => s.state?.totalBanned ?? 0
/**
 * The SSH profiles (this machine is not one: it cannot be edited or removed here). Not a hook
 * selector: it builds a new array, which a store subscription would take for a change each time.
 */
export const sshServers = (servers: readonly ServerSummary[]): readonly ServerSummary[] =>
  servers.filter((x) => x.kind === 'ssh')

/** The state in one word, for the switcher row (nothing for a connected server). */
export const STATUS_WORD: Record<ServerStatus, string> = {
  connected: 'connected',
  connecting: 'connecting…',
  waiting: 'retrying',
  failed: 'failed',
  disconnected: 'disconnected'
}

/** The dot's class: the jail list's on/off/failed/unknown markers reused for servers. */
export function statusDot(status: ServerStatus): 'on' | 'off' | 'failed' | 'unknown' {
  if (status === 'connected') return 'on'
  if (status === 'failed') return 'failed'
  if (status === 'disconnected') return 'off'
  return 'unknown'
}

export interface HostKeyPrompt {
  question: HostKeyQuestion
  /** The server's name, or the profile's under test. */
  serverName: string
  /** True when the question came from the Servers dialog's Test (not a saved server). */
  fromTest: boolean
}

/**
 * The host-key question to ask now, if any: a Test result's first (the admin just asked for
 * it), then the first server's. A token the admin already answered is never asked again, so
 * "Not now" cannot turn into a prompt loop while main keeps reporting the same question.
 */
export function pendingHostKey(
  servers: readonly ServerSummary[],
  test: { name: string; question: HostKeyQuestion | null } | null,
  answered: readonly string[]
): HostKeyPrompt | null {
  if (test?.question && !answered.includes(test.question.token)) {
    return { question: test.question, serverName: test.name, fromTest: true }
  }
  for (const s of servers) {
    if (s.hostKey && !answered.includes(s.hostKey.token)) {
      return { question: s.hostKey, serverName: s.name, fromTest: false }
    }
  }
  return null
}

/** The switcher row's accessible name: name, state, ban count. */
export function serverLabel(s: ServerSummary, active: boolean): string {
  const bans = s.banned === 1 ? '1 ban' : `${s.banned.toLocaleString('en-US')} bans`
  return `${s.name}, ${STATUS_WORD[s.status]}, ${bans}${active ? ', active' : ''}`
}
