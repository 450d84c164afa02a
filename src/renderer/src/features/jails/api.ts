/** The jails feature's bridge calls: the only place it touches window.bangui. */
import type { RequestOf } from '../../../../shared/contract.ts'
import type { Jail, JailSettings } from '../../../../shared/model.ts'
import { call } from '../../lib/app-error.ts'

export type JailValueRequest = RequestOf<'setJailValue'>

export const jailsApi = {
  list: (): Promise<Jail[]> => call(window.bangui.listJails()),
  settings: (jail: string): Promise<JailSettings> => call(window.bangui.getJailSettings({ jail })),
  start: (jail: string): Promise<null> => call(window.bangui.startJail({ jail })),
  stop: (jail: string): Promise<null> => call(window.bangui.stopJail({ jail })),
  setValue: (request: JailValueRequest): Promise<number> =>
    call(window.bangui.setJailValue(request)),
  /** Adds or removes an ignoreip entry; resolves with the list as fail2ban stores it. */
  changeIgnoreIp: (jail: string, op: 'add' | 'del', entry: string): Promise<string[]> =>
    call(window.bangui.changeIgnoreIp({ jail, op, entry })),
  onChange: (listener: (jails: Jail[]) => void): (() => void) =>
    window.bangui.onJailsChanged(listener),
  onSettings: (listener: (settings: JailSettings) => void): (() => void) =>
    window.bangui.onJailSettingsChanged(listener)
}
