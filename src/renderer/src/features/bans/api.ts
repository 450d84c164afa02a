import { UNBAN_ALL_EVERY_JAIL } from '../../../../shared/channels.ts'
import type { Ban, BanProgress } from '../../../../shared/model.ts'
import type { EventContract } from '../../../../shared/contract.ts'
import { bridge, unwrap } from '../../lib/api.ts'

export { UNBAN_ALL_EVERY_JAIL }

export const bansApi = {
  list: (jail: string): Promise<Ban[]> => unwrap(bridge().listBans({ jail })),
  watch: (jail: string | null): Promise<null> => unwrap(bridge().watchJail({ jail })),
  ban: (jail: string, ips: string[], operationId: string) =>
    unwrap(bridge().banIps({ jail, ips, operationId })),
  cancel: (operationId: string): Promise<boolean> => unwrap(bridge().cancelBan({ operationId })),
  unban: (jail: string | null, ips: string[]): Promise<number> =>
    unwrap(bridge().unbanIps({ jail, ips })),
  unbanAll: (jail: string | null, confirm: string): Promise<number> =>
    unwrap(bridge().unbanAll({ jail, confirm })),
  onChange: (l: (d: EventContract['bansChanged']) => void): (() => void) =>
    bridge().onBansChanged(l),
  onProgress: (l: (p: BanProgress) => void): (() => void) => bridge().onBanProgress(l)
}
