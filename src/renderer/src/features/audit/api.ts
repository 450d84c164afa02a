/** The audit viewer's bridge calls: the only place it touches window.bangui. */
import type { AuditEntry } from '../../../../shared/model.ts'
import { call } from '../../lib/app-error.ts'

export const auditApi = {
  /** Newest first; main reads the current file and its rotated generations. */
  list: (limit: number): Promise<AuditEntry[]> => call(window.bangui.listAudit({ limit })),
  onAppend: (listener: (entry: AuditEntry) => void): (() => void) =>
    window.bangui.onAuditAppended(listener)
}
