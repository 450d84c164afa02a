/** The servers feature's bridge calls: the only place it touches window.bangui. */
import type { ServerProfile, ServersState, ServerTest } from '../../../../shared/servers.ts'
import { call } from '../../lib/app-error.ts'

export const serversApi = {
  list: (): Promise<ServersState> => call(window.bangui.listServers()),
  /** Makes `id` the server the jail views act on; main then pushes that server's jails. */
  select: (id: string): Promise<ServersState> => call(window.bangui.selectServer({ id })),
  /** Adds (`previous` null) or replaces a profile, saves it and connects. */
  save: (previous: string | null, profile: ServerProfile): Promise<ServersState> =>
    call(window.bangui.saveServer({ previous, profile })),
  remove: (id: string): Promise<ServersState> => call(window.bangui.removeServer({ id })),
  test: (profile: ServerProfile): Promise<ServerTest> =>
    call(window.bangui.testServer({ profile })),
  retry: (id: string): Promise<ServersState> => call(window.bangui.retryServer({ id })),
  /** Accepts the host key main fetched under `token` (the key itself never leaves main). */
  acceptHostKey: (token: string): Promise<ServersState> =>
    call(window.bangui.acceptHostKey({ token })),
  onChange: (listener: (state: ServersState) => void): (() => void) =>
    window.bangui.onServersChanged(listener)
}
