/**
 * The ban history of SSH servers: each SSH server's fail2ban database is imported through its
 * helper (`bangui-dbrows`, read-only, numeric arguments) under the server's id, when the server
 * connects and then every `intervalMs`. A server whose fail2ban keeps no database is skipped.
 */
import type { ConnectionState } from '../../shared/model.ts'
import type { Logger } from '../fail2ban/index.ts'
import { helperSource } from '../history/f2b-import.ts'
import type { HistoryService } from '../history/history.service.ts'
import type { FleetServer, FleetService } from './fleet.service.ts'

async function importOne(s: FleetServer, history: HistoryService, logger: Logger): Promise<void> {
  try {
    const db = await s.services.commands.dbSettings()
    if (db.dbfile === null || db.dbfile === ':memory:') return
    await history.importFrom(
      s.id,
      helperSource((tokens) => s.services.link.send(tokens))
    )
  } catch (err) {
    logger.warn('history import failed', { server: s.id, err: String(err) })
  }
}

/** One pass over the connected SSH servers; resolves when each has answered or failed. */
export async function importRemoteHistory(
  fleet: FleetService,
  history: HistoryService,
  logger: Logger
): Promise<void> {
  const remotes = fleet.servers.filter((s) => s.remote && s.services.connection.connected)
  await Promise.all(remotes.map((s) => importOne(s, history, logger)))
}

/** Imports on every connect and every `intervalMs`; returns the function that stops it. */
export function startRemoteHistory(
  fleet: FleetService,
  history: HistoryService,
  logger: Logger,
  intervalMs = 60_000
): () => void {
  const timer = setInterval(() => void importRemoteHistory(fleet, history, logger), intervalMs)
  timer.unref?.()
  const off = fleet.onServerEvent((server, name, payload) => {
    if (name !== 'connectionChanged' || (payload as ConnectionState).status !== 'connected') return
    const s = fleet.server(server)
    if (s?.remote) void importOne(s, history, logger)
  })
  return () => {
    clearInterval(timer)
    off()
  }
}
