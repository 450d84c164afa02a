import type { Jail, JailSettings, ServerInfo } from '../../../../shared/model.ts'
import { bridge, unwrap } from '../../lib/api.ts'

export const jailsApi = {
  list: (): Promise<Jail[]> => unwrap(bridge().listJails()),
  settings: (jail: string): Promise<JailSettings> => unwrap(bridge().getJailSettings({ jail })),
  start: (jail: string): Promise<null> => unwrap(bridge().startJail({ jail })),
  stop: (jail: string): Promise<null> => unwrap(bridge().stopJail({ jail })),
  serverInfo: (): Promise<ServerInfo> => unwrap(bridge().getServerInfo()),
  setValue: (
    jail: string,
    key: 'bantime' | 'findtime' | 'maxretry',
    value: number
  ): Promise<number> => unwrap(bridge().setJailValue({ jail, key, value } as never)),
  onChange: (l: (jails: Jail[]) => void): (() => void) => bridge().onJailsChanged(l)
}
