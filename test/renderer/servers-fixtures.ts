/** ServersState builders for the servers and fleet renderer tests. */
import type { ServerSummary, ServersState } from '../../src/shared/servers.ts'

export function server(id: string, over: Partial<ServerSummary> = {}): ServerSummary {
  return {
    id,
    name: id,
    kind: id === 'local' ? 'local' : 'ssh',
    target: id === 'local' ? '/var/run/fail2ban/fail2ban.sock' : `root@${id}.example`,
    status: 'connected',
    message: null,
    failure: null,
    fix: null,
    hostKey: null,
    version: '1.0.2',
    jails: 1,
    banned: 0,
    profile:
      id === 'local'
        ? null
        : { name: id, target: `root@${id}.example`, become: 'root-login', helper: 'push' },
    ...over
  }
}

export function serversState(active: string, servers: ServerSummary[]): ServersState {
  return { active, servers, totalBanned: servers.reduce((n, s) => n + s.banned, 0) }
}

export const hostKey = (token: string) => ({
  token,
  host: '[127.0.0.1]:2222',
  typeLabel: 'ED25519',
  bits: 256,
  fingerprint: `SHA256:${token}fingerprint`
})
