/**
 * Feeds the history from the app's events: the monitor's ban diff (`bansChanged`, observed) and
 * this app's own bans and unbans (`auditAppended`, manual). The audit keeps the first IPs of a
 * request only; a bigger request is left to the monitor and the importer.
 */
import type { EventContract } from '../../shared/contract.ts'
import type { AuditEntry } from '../../shared/model.ts'
import type { EventSink } from '../services/events.ts'
import type { HistoryLogger, HistoryService } from './history.service.ts'

export function historySink(
  history: HistoryService,
  server: string,
  logger?: HistoryLogger
): EventSink {
  return (name, payload) => {
    try {
      if (name === 'bansChanged') {
        const p = payload as EventContract['bansChanged']
        history.recordObserved(server, p.jail, p.added, p.removed, Date.now())
      } else if (name === 'auditAppended') {
        recordAudit(history, server, payload as AuditEntry)
      }
    } catch (err) {
      logger?.warn('history could not record an event', { event: name, err: String(err) })
    }
  }
}

function recordAudit(history: HistoryService, server: string, e: AuditEntry): void {
  if (!e.result.ok || (e.action !== 'ban' && e.action !== 'unban') || e.target === null) return
  const ips = e.params.ips as { count?: unknown; first?: unknown } | undefined
  if (!ips || !Array.isArray(ips.first) || ips.first.length !== ips.count) return
  const list = ips.first.filter((ip): ip is string => typeof ip === 'string')
  history.recordManual(server, e.target, list, e.action, Date.parse(e.time))
}
