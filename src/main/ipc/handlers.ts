/**
 * The handler table: one plain function per contract channel, each a one-liner into a service.
 * No electron, no dispatch: `registry.ts` parses requests and maps errors, `audited-handlers.ts`
 * wraps this table; both import it, and it imports neither.
 */
import type { InvokeName, ParsedRequestOf, ResponseOf } from '../../shared/contract.ts'
import { appInfo } from '../services/app-info.ts'
import type { AppServices } from '../services/app-services.ts'
import { historyHandlers } from './history-handlers.ts'
import { fleetHandlers } from './fleet-handlers.ts'

export type Handlers = { [K in InvokeName]: (req: ParsedRequestOf<K>) => Promise<ResponseOf<K>> }

/** The handlers, each a one-liner into a service. */
export function createHandlers(s: AppServices): Handlers {
  return {
    getServerInfo: () => s.jails.serverInfo(),
    getConnection: async () => s.connection.state,
    retryConnection: () => s.connection.check(),
    listJails: () => s.jails.list(),
    getJailSettings: ({ jail }) => s.jails.settings(jail),
    startJail: async ({ jail }) => (await s.jails.start(jail), null),
    stopJail: async ({ jail }) => (await s.jails.stop(jail), null),
    reload: ({ scope, restart, unban }) => s.jails.reload({ scope, restart, unban }),
    listBans: ({ jail }) => s.jails.bans(jail),
    banIps: ({ jail, ips, operationId }) => s.bans.ban(jail, ips, operationId),
    // the ban may run on a server that is no longer the active one
    cancelBan: async ({ operationId }) =>
      s.fleet.servers.map((x) => x.services.bans.cancel(operationId)).some(Boolean),
    unbanIps: ({ jail, ips }) => s.bans.unban(jail, ips),
    unbanAll: ({ jail }) => s.bans.unbanAll(jail),
    findIp: ({ ip }) => s.jails.findIp(ip),
    setJailValue: ({ jail, key, value }) => s.jails.setValue(jail, key, value),
    changeIgnoreIp: ({ jail, op, entry }) => s.jails.changeIgnoreIp(jail, op, entry),
    watchJail: async ({ jail }) => (s.monitor.watch(jail), null),
    getSettings: async () => s.settings.state(),
    updateSettings: (patch) => s.settings.update(patch),
    listAudit: ({ limit }) => s.audit.tail(limit),
    getAccess: async () => s.access.state(),
    chooseAccess: ({ mode }) => s.access.choose(mode),
    checkSudo: () => s.access.checkSudo(),
    getAppInfo: async () => appInfo(),
    ...historyHandlers(s),
    ...fleetHandlers(s)
  }
}
