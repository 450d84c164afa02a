/** The access feature's bridge calls: the only place it touches window.bangui. */
import type { AccessMode, AccessState, SudoCheck } from '../../../../shared/access.ts'
import { call } from '../../lib/app-error.ts'

export const accessApi = {
  get: (): Promise<AccessState> => call(window.bangui.getAccess()),
  choose: (mode: AccessMode): Promise<AccessState> => call(window.bangui.chooseAccess({ mode })),
  checkSudo: (): Promise<SudoCheck> => call(window.bangui.checkSudo()),
  onChange: (listener: (state: AccessState) => void): (() => void) =>
    window.bangui.onAccessChanged(listener)
}
