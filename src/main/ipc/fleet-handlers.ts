/** Handlers of the servers and fleet channels: one-liners into the fleet. No electron. */
import {
  fleetBan,
  fleetBans,
  fleetFind,
  fleetOverview,
  fleetUnban
} from '../fleet/fleet-actions.ts'
import type { AppServices } from '../services/app-services.ts'
import type { Handlers } from './handlers.ts'

/** Channels that read, or only steer the window (audited-handlers.ts lists them as such). */
export const FLEET_READ_CHANNELS = [
  'listServers',
  'selectServer',
  'retryServer',
  'fleetOverview',
  'fleetBans',
  'fleetFind'
] as const

type FleetChannel =
  | (typeof FLEET_READ_CHANNELS)[number]
  | 'saveServer'
  | 'testServer'
  | 'removeServer'
  | 'acceptHostKey'
  | 'fleetBan'
  | 'fleetUnban'

export function fleetHandlers(s: AppServices): Pick<Handlers, FleetChannel> {
  const { fleet } = s
  const progress = s.events.emit.bind(null, 'fleetProgress')
  return {
    listServers: async () => fleet.state(),
    selectServer: async ({ id }) => fleet.select(id),
    saveServer: ({ previous, profile }) => fleet.save(previous, profile),
    removeServer: ({ id }) => fleet.remove(id),
    testServer: ({ profile }) => fleet.test(profile),
    retryServer: async ({ id }) => fleet.retry(id),
    acceptHostKey: ({ token }) => fleet.acceptHostKey(token),
    fleetOverview: () => fleetOverview(fleet),
    fleetBans: () => fleetBans(fleet),
    fleetFind: ({ ip }) => fleetFind(fleet, ip),
    fleetBan: (req) => fleetBan(fleet, req, progress),
    fleetUnban: (req) => fleetUnban(fleet, req, progress)
  }
}
