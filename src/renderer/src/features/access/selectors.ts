/** Pure selectors of the access store. */
import type { ConnectionStatus } from '../../../../shared/model.ts'
import type { AccessStoreState } from './store.ts'

export const selectAccess = (s: AccessStoreState) => s.access
export const selectChoosing = (s: AccessStoreState) => s.choosing
export const selectSudoCheck = (s: AccessStoreState) => s.sudoCheck
export const selectCheckingSudo = (s: AccessStoreState) => s.checkingSudo
export const selectAccessError = (s: AccessStoreState) => s.error

/**
 * The access screen replaces the jail view when the socket refused us and no helper runs, or
 * when the helper the admin chose failed (its reason, and the way back). It is about this
 * machine only: it never covers an SSH server's jails.
 */
export function needsAccessScreen(
  s: AccessStoreState,
  connection: ConnectionStatus | undefined,
  activeIsLocal = true
): boolean {
  const a = s.access
  if (!a || !activeIsLocal) return false
  if (a.mode === 'direct') return connection === 'permission-denied'
  return a.helper.status === 'failed'
}
