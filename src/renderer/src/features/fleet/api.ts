/** The fleet feature's bridge calls: the only place it touches window.bangui. */
import type {
  FleetBanColumns,
  FleetFindResult,
  FleetOverview,
  FleetProgress,
  PerServer
} from '../../../../shared/servers.ts'
import { call } from '../../lib/app-error.ts'

export const fleetApi = {
  overview: (): Promise<FleetOverview> => call(window.bangui.fleetOverview()),
  bans: (): Promise<FleetBanColumns> => call(window.bangui.fleetBans()),
  find: (ip: string): Promise<FleetFindResult> => call(window.bangui.fleetFind({ ip })),
  /** Bans in the jail of that name on every chosen server at once; progress per server. */
  ban: (
    servers: string[],
    jail: string,
    ips: string[],
    operationId: string
  ): Promise<PerServer<number>[]> =>
    call(window.bangui.fleetBan({ servers, jail, ips, operationId })),
  unban: (servers: string[], ips: string[], operationId: string): Promise<PerServer<number>[]> =>
    call(window.bangui.fleetUnban({ servers, ips, operationId })),
  onProgress: (listener: (p: FleetProgress) => void): (() => void) =>
    window.bangui.onFleetProgress(listener)
}
