import type { ConnectionState } from '../../../../shared/model.ts'
import { bridge, unwrap } from '../../lib/api.ts'

export const connectionApi = {
  get: (): Promise<ConnectionState> => unwrap(bridge().getConnection()),
  retry: (): Promise<ConnectionState> => unwrap(bridge().retryConnection()),
  onChange: (l: (s: ConnectionState) => void): (() => void) => bridge().onConnectionChanged(l)
}
