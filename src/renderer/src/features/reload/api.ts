/** The reload feature's bridge call: the only place it touches window.bangui. */
import type { RequestOf } from '../../../../shared/contract.ts'
import type { ReloadResult } from '../../../../shared/model.ts'
import { call } from '../../lib/app-error.ts'

export type ReloadRequest = RequestOf<'reload'>
export type ReloadScope = ReloadRequest['scope']

export const reloadApi = {
  reload: (request: ReloadRequest): Promise<ReloadResult> => call(window.bangui.reload(request))
}
