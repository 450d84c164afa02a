/** The About box's bridge call: the only place it touches window.bangui. */
import type { AppInfo } from '../../../../shared/model.ts'
import { call } from '../../lib/app-error.ts'

export const aboutApi = {
  info: (): Promise<AppInfo> => call(window.bangui.getAppInfo())
}
