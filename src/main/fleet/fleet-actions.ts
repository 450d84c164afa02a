/**
 * Fleet-wide reads and actions: every server at once, each answer tagged with its server. A
 * broken server fails only its own part; a slow one is given up on after READ_DEADLINE_MS for
 * reads (a write is never given up on: it may have happened). Writes go to the chosen servers
 * only, each once; a server that is not connected is reported, not retried. A remote server may
 * be hostile: the merged ban list is bounded in jails and rows, and concurrent callers of the
 * big reads share one run.
 */
import type { FindIpResult } from '../../shared/model.ts'
import {
  emptyFleetBans,
  type FleetBanColumns,
  type FleetOverview,
  type FleetProgress,
  type PerServer
} from '../../shared/servers.ts'
import { toAppError } from '../ipc/errors.ts'
import type { FleetServer, FleetService } from './fleet.service.ts'

/** A read of one server is given up on after this long (its own commands time out sooner). */
export const READ_DEADLINE_MS = 60_000
/** The merged ban list: at most this many rows in all, and this many jails per server. */
export const FLEET_BANS_MAX_ROWS = 1_000_000
export const FLEET_BANS_MAX_JAILS = 1000

class ReadDeadline extends Error {}

/**
 * Runs `f` on each server in parallel; a failure is that server's answer, never the whole.
 * With `deadlineMs` (reads only), a server that has not answered by then is reported as such.
 */
async function eachServer<T>(
  servers: readonly FleetServer[],
  f: (s: FleetServer) => Promise<T>,
  deadlineMs?: number
): Promise<PerServer<T>[]> {
  return Promise.all(
    servers.map(async (s): Promise<PerServer<T>> => {
      let timer: NodeJS.Timeout | undefined
      try {
        const work = f(s)
        const value =
          deadlineMs === undefined
            ? await work
            : await Promise.race([
                work,
                new Promise<never>((_, reject) => {
                  timer = setTimeout(() => reject(new ReadDeadline()), deadlineMs)
                })
              ])
        return { server: s.id, ok: true, value }
      } catch (err) {
        if (err instanceof ReadDeadline)
          return {
            server: s.id,
            ok: false,
            message: `${s.id} did not answer within ${Math.round(deadlineMs! / 1000)} s`
          }
        s.services.connection.reportError(err)
        return { server: s.id, ok: false, message: toAppError(err).message }
      } finally {
        clearTimeout(timer)
      }
    })
  )
}

/** Callers that arrive while a run is under way share it. */
function singleFlight<T>(
  f: (fleet: FleetService) => Promise<T>
): (fleet: FleetService) => Promise<T> {
  const running = new WeakMap<FleetService, Promise<T>>()
  return (fleet) => {
    let p = running.get(fleet)
    if (!p) {
      p = f(fleet).finally(() => running.delete(fleet))
      running.set(fleet, p)
    }
    return p
  }
}

function connected(fleet: FleetService): FleetServer[] {
  return fleet.servers.filter((s) => s.services.connection.connected)
}

export const fleetOverview = singleFlight(async (fleet): Promise<FleetOverview> => {
  const fresh = new Map(
    (await eachServer(connected(fleet), (s) => s.services.jails.list(), READ_DEADLINE_MS)).map(
      (r) => [r.server, r]
    )
  )
  const state = fleet.state()
  const servers = fleet.servers.map((s) => {
    const r = fresh.get(s.id)
    const summary = state.servers.find((x) => x.id === s.id)!
    return {
      id: s.id,
      name: summary.name,
      status: summary.status,
      // a server that could not answer now shows what the monitor saw last
      jails: r?.ok ? r.value : s.services.monitor.jails
    }
  })
  const running = servers.flatMap((s) =>
    s.status === 'connected' ? s.jails.filter((j) => j.running) : []
  )
  return {
    servers,
    totals: {
      servers: servers.length,
      connected: servers.filter((s) => s.status === 'connected').length,
      jails: running.length,
      banned: running.reduce((n, j) => n + j.currentlyBanned, 0)
    }
  }
})

export interface FleetBansLimits {
  rows: number
  jails: number
}
const BANS_LIMITS: FleetBansLimits = { rows: FLEET_BANS_MAX_ROWS, jails: FLEET_BANS_MAX_JAILS }

export const fleetBans = singleFlight((fleet) => mergedBans(fleet, BANS_LIMITS))

/** Every server's bans, merged, within the limits (exported with limits for the tests). */
export async function mergedBans(
  fleet: FleetService,
  limits: FleetBansLimits
): Promise<FleetBanColumns> {
  const out = emptyFleetBans()
  let rows = 0
  let answered = false
  // each server's jails one after another: a list is appended (and counted) before the next
  const per = await eachServer(
    connected(fleet),
    async (s) => {
      const names = await s.services.commands.jailNames()
      if (names.length > limits.jails)
        out.errors.push({
          server: s.id,
          message: `${s.id} reports ${names.length} jails; the first ${limits.jails} are listed`
        })
      for (const j of names.slice(0, limits.jails)) {
        if (rows >= limits.rows) {
          out.errors.push({
            server: s.id,
            message: `the list stops at ${limits.rows} bans: ${s.id}'s other jails are not listed`
          })
          return
        }
        const c = await s.services.jails.bans(j)
        // given up on (deadline): its late lists are not added to an answer already sent
        if (answered) return
        const n = Math.min(c.ip.length, limits.rows - rows)
        rows += n
        for (let i = 0; i < n; i++) {
          out.server.push(s.id)
          out.jail.push(c.jail)
          out.ip.push(c.ip[i]!)
          out.bannedAt.push(c.bannedAt[i]!)
          out.bantime.push(c.bantime[i]!)
          out.expiresAt.push(c.expiresAt[i]!)
        }
        if (n < c.ip.length) {
          out.errors.push({
            server: s.id,
            message: `the list stops at ${limits.rows} bans; ${s.id} has more`
          })
          return
        }
      }
    },
    READ_DEADLINE_MS
  )
  answered = true
  for (const r of per) if (!r.ok) out.errors.push({ server: r.server, message: r.message })
  return out
}

export function fleetFind(fleet: FleetService, ip: string): Promise<PerServer<FindIpResult>[]> {
  return eachServer(fleet.servers, (s) => s.services.jails.findIp(ip), READ_DEADLINE_MS)
}

/** The chosen servers, in the order asked; an unknown id is that entry's failure. */
function chosen(fleet: FleetService, ids: readonly string[]): (FleetServer | string)[] {
  return [...new Set(ids)].map((id) => fleet.server(id) ?? id)
}

async function fleetWrite(
  fleet: FleetService,
  ids: readonly string[],
  operationId: string,
  emit: (p: FleetProgress) => void,
  f: (s: FleetServer) => Promise<number>
): Promise<PerServer<number>[]> {
  const targets = chosen(fleet, ids)
  const total = targets.length
  let done = 0
  const report = (r: PerServer<number>): PerServer<number> => {
    done++
    emit({
      operationId,
      server: r.server,
      done,
      total,
      ok: r.ok,
      message: r.ok ? null : r.message
    })
    return r
  }
  return Promise.all(
    targets.map(async (t) => {
      if (typeof t === 'string')
        return report({ server: t, ok: false, message: `there is no server named "${t}"` })
      const [r] = await eachServer([t], f)
      return report(r!)
    })
  )
}

/** Bans IPs in the jail of that name on each chosen server, all at once. */
export function fleetBan(
  fleet: FleetService,
  req: { servers: readonly string[]; jail: string; ips: readonly string[]; operationId: string },
  emit: (p: FleetProgress) => void
): Promise<PerServer<number>[]> {
  return fleetWrite(fleet, req.servers, req.operationId, emit, async (s) => {
    // each server has its own ban service, so the one operation id names every server's part
    const r = await s.services.bans.ban(req.jail, req.ips, req.operationId)
    return r.newlyBanned
  })
}

/** Unbans IPs in every jail of each chosen server, all at once. */
export function fleetUnban(
  fleet: FleetService,
  req: { servers: readonly string[]; ips: readonly string[]; operationId: string },
  emit: (p: FleetProgress) => void
): Promise<PerServer<number>[]> {
  return fleetWrite(fleet, req.servers, req.operationId, emit, (s) =>
    s.services.bans.unban(null, req.ips)
  )
}
