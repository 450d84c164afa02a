/** The search feature's bridge call: the only place it touches window.bangui. */
import type { ResponseOf } from '../../../../shared/contract.ts'
import { call } from '../../lib/app-error.ts'

export type FindIpResult = ResponseOf<'findIp'>

export const searchApi = {
  /** The jails that currently ban `ip` (normalised by main). */
  findIp: (ip: string): Promise<FindIpResult> => call(window.bangui.findIp({ ip }))
}
