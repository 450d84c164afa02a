/**
 * Fleet-wide reads and actions: every server at once (they are independent: one slow or broken
 * server delays or fails only its own part), each answer tagged with its server. Writes go to
 * the chosen servers only, each once; a server that is not connected is reported, not retried.
 */
import type { FindIpResult } from '../../shared/model.ts'
import type {
  FleetBanColumns,
  FleetOverview,
  FleetProgress,
  PerServer
} from '../../shared/servers.ts'
import { toAppError } from '../ipc/errors.ts'
import type { FleetServer, FleetService } from './fleet.service.ts'

/** Runs `f` on each server in parallel; a failure is that server's answer, never the whole. */
async function eachServer<T>(
  servers: readonly FleetServer[],
  f: (s: FleetServer) => Promise<T>
): Promise<PerServer<T>[]> {
  return Promise.all(
    servers.map(async (s): Promise<PerServer<T>> => {
      try {
        return { server: s.id, ok: true, value: await f(s) }
      } catch (err) {
        s.services.connection.reportError(err)
        return { server: s.id, ok: false, message: toAppError(err).message }
      }
    })
  )
}

function connected(fleet: FleetService): FleetServer[] {
  return fleet.servers.filter((s) => s.services.connection.connected)
}

export async function fleetOverview(fleet: FleetService): Promise<FleetOverview> {
  const fresh = new Map(
    (await eachServer(connected(fleet), (s) => s.services.jails.list())).map((r) => [r.server, r])
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
}

export async function fleetBans(fleet: FleetService): Promise<FleetBanColumns> {
  const out: FleetBanColumns = {
    server: [],
    jail: [],
    ip: [],
    bannedAt: [],
    bantime: [],
    expiresAt: [],
    errors: []
  }
  const per = await eachServer(connected(fleet), async (s) => {
    const names = await s.services.commands.jailNames()
    return Promise.all(names.map((j) => s.services.jails.bans(j)))
  })
  for (const r of per) {
    if (!r.ok) {
      out.errors.push({ server: r.server, message: r.message })
      continue
    }
    for (const c of r.value) {
      for (let i = 0; i < c.ip.length; i++) {
        out.server.push(r.server)
        out.jail.push(c.jail)
        out.ip.push(c.ip[i]!)
        out.bannedAt.push(c.bannedAt[i]!)
        out.bantime.push(c.bantime[i]!)
        out.expiresAt.push(c.expiresAt[i]!)
      }
    }
  }
  return out
}

export function fleetFind(fleet: FleetService, ip: string): Promise<PerServer<FindIpResult>[]> {
  return eachServer(fleet.servers, (s) => s.services.jails.findIp(ip))
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
