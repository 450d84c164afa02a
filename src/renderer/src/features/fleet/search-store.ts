/** Fleet-wide search: which servers and jails ban an IP. Checked with the shared IP rules first. */
import type { FleetFindResult } from '../../../../shared/servers.ts'
import {
  createIpSearchStore,
  initialIpSearchState,
  type IpSearchState,
  type IpSearchStore
} from '../../lib/ip-search-store.ts'
import { fleetApi } from './api.ts'

export type FleetSearchState = IpSearchState<FleetFindResult>
export type FleetSearchStore = IpSearchStore<FleetFindResult>

export const initialFleetSearchState: FleetSearchState = initialIpSearchState<FleetFindResult>()

export const useFleetSearchStore = createIpSearchStore((ip) => fleetApi.find(ip))
