/** The connection feature's bridge calls: the only place it touches window.bangui. */
import type { ConnectionState, ServerInfo } from '../../../../shared/model.ts'
import { call } from '../../lib/app-error.ts'

export const connectionApi = {
  get: (): Promise<ConnectionState> => call(window.bangui.getConnection()),
  retry: (): Promise<ConnectionState> => call(window.bangui.retryConnection()),
  serverInfo: (): Promise<ServerInfo> => call(window.bangui.getServerInfo()),
  onChange: (listener: (state: ConnectionState) => void): (() => void) =>
    window.bangui.onConnectionChanged(listener)
}
