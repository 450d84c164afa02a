/** The bans feature's bridge calls: the only place it touches window.bangui. */
import { UNBAN_ALL_EVERY_JAIL } from '../../../../shared/channels.ts'
import type { EventContract } from '../../../../shared/contract.ts'
import type { BanColumns } from '../../../../shared/ban-columns.ts'
import { call } from '../../lib/app-error.ts'

export { UNBAN_ALL_EVERY_JAIL }
export type BansDiff = EventContract['bansChanged']

export const bansApi = {
  /** The jail's bans as they cross IPC: columns (see `fromBanColumns` for the objects). */
  list: (jail: string): Promise<BanColumns> => call(window.bangui.listBans({ jail })),
  /** Tells main which jail's full list is on screen (null: none). */
  watch: (jail: string | null): Promise<null> => call(window.bangui.watchJail({ jail })),
  unban: (jail: string | null, ips: string[]): Promise<number> =>
    call(window.bangui.unbanIps({ jail, ips })),
  unbanAll: (jail: string | null, confirm: string): Promise<number> =>
    call(window.bangui.unbanAll({ jail, confirm })),
  onChange: (listener: (diff: BansDiff) => void): (() => void) =>
    window.bangui.onBansChanged(listener)
}
