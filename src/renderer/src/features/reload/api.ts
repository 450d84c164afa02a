import type { ReloadResult } from '../../../../shared/model.ts'
import { bridge, unwrap } from '../../lib/api.ts'

export type Scope = { kind: 'all' } | { kind: 'include' | 'exclude'; jails: string[] }

export const reloadApi = {
  reload: (scope: Scope, restart: boolean, unban: boolean): Promise<ReloadResult> =>
    unwrap(bridge().reload({ scope, restart, unban }))
}
