/** Find an IP across every jail. The query is checked with the shared IP rules before it is sent. */
import {
  createIpSearchStore,
  initialIpSearchState,
  type IpSearchState,
  type IpSearchStore
} from '../../lib/ip-search-store.ts'
import { searchApi, type FindIpResult } from './api.ts'

export type SearchState = IpSearchState<FindIpResult>
export type SearchStore = IpSearchStore<FindIpResult>

export const initialSearchState: SearchState = initialIpSearchState<FindIpResult>()

export const useSearchStore = createIpSearchStore((ip) => searchApi.findIp(ip))
