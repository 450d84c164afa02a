/** The ban dialog's bridge calls: the only place it touches window.bangui. */
import type { ResponseOf } from '../../../../shared/contract.ts'
import type { BanProgress } from '../../../../shared/model.ts'
import { call } from '../../lib/app-error.ts'

export type BanResponse = ResponseOf<'banIps'>

export const banDialogApi = {
  /** Bans in chunks; `banProgress` events carry `operationId`. */
  ban: (jail: string, ips: string[], operationId: string): Promise<BanResponse> =>
    call(window.bangui.banIps({ jail, ips, operationId })),
  /** Stops the operation after its current chunk; false when it is not running (any more). */
  cancel: (operationId: string): Promise<boolean> => call(window.bangui.cancelBan({ operationId })),
  onProgress: (listener: (p: BanProgress) => void): (() => void) =>
    window.bangui.onBanProgress(listener)
}
