/** The settings feature's bridge calls: the only place it touches window.bangui. */
import type { SettingsPatch, SettingsState } from '../../../../shared/settings.ts'
import { call } from '../../lib/app-error.ts'

export const settingsApi = {
  get: (): Promise<SettingsState> => call(window.bangui.getSettings()),
  update: (patch: SettingsPatch): Promise<SettingsState> =>
    call(window.bangui.updateSettings(patch)),
  onChange: (listener: (state: SettingsState) => void): (() => void) =>
    window.bangui.onSettingsChanged(listener)
}
