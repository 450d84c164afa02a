/**
 * The fleet: this machine and every SSH server, each with its own server services. One of them is
 * active: the jail views, bans, reload and jail settings act on it, and its events go to the
 * window. Every server's events also reach `onServerEvent` listeners (history, notifications,
 * tray), tagged with the server. Profiles are kept in the settings; an unknown host key becomes
 * a question with a main-side token (host-key-questions.ts).
 */
import { Fail2BanArgumentError, type Logger } from '../fail2ban/index.ts'
import type { EventContract, EventName } from '../../shared/contract.ts'
import {
  LOCAL_SERVER_ID,
  MAX_SERVERS,
  type AcceptedKey,
  type HostKeyQuestion,
  type ServersState,
  type ServerStatus,
  type ServerSummary,
  type ServerTest
} from '../../shared/servers.ts'
import { RESERVED_SERVER_NAME } from '../../shared/settings.ts'
import type { EventHub } from '../services/events.ts'
import type { SettingsService } from '../services/settings.service.ts'
import { SshError } from '../ssh/failures.ts'
import { acceptHostKey, fetchHostKey } from '../ssh/host-keys.ts'
import type { LaunchOptions } from '../ssh/launcher.ts'
import { testProfile } from '../ssh/probe.ts'
import type { ServerProfile } from '../ssh/profile.ts'
import type { ReconnectPolicy } from '../ssh/reconnect.ts'
import type { LinkState } from '../ssh/server-link.ts'
import { HostKeyQuestions } from './host-key-questions.ts'
import { createRemoteServer, type RemoteServer } from './remote-server.ts'
import type { ServerServices } from './server-services.ts'

export type ServerEventListener = <K extends EventName>(
  server: string,
  name: K,
  payload: EventContract[K]
) => void

export interface FleetOptions {
  local: ServerServices
  /** The window's hub: the active server's events and the fleet's own go here. */
  events: EventHub
  settings: SettingsService
  /** How sessions start (the helper's source for 'push', the ssh binary in tests). */
  launch: LaunchOptions
  pollIntervalMs: () => number
  timeoutMs?: number
  reconnectBackoffMs?: number
  policy?: ReconnectPolicy
  logger: Logger
  /** serversChanged is coalesced over this many ms. Default 100. */
  coalesceMs?: number
  /**
   * Asks the admin, outside the window, before ssh reads a new `-F` config file: commands in it
   * (ProxyCommand, Match exec, KnownHostsCommand) run as the user, so a path that came from the
   * window alone is not enough. Main: a native dialog; absent (tests, e2e): allowed.
   */
  approveSshConfig?: (server: string, path: string) => Promise<boolean>
  /** Whether monitoring is paused now (a server added later starts paused too). */
  paused?: () => boolean
}

/** A server the fleet knows: this machine, or an SSH profile with its link. */
export interface FleetServer {
  readonly id: string
  readonly services: ServerServices
  readonly remote: RemoteServer | null
}

export class FleetService {
  readonly #o: FleetOptions
  readonly #servers = new Map<string, FleetServer>()
  readonly #unsubscribe = new Map<string, () => void>()
  readonly #questions = new HostKeyQuestions()
  /** The open host-key question per server (null: none, or being fetched). */
  readonly #hostKey = new Map<string, HostKeyQuestion>()
  readonly #listeners = new Set<ServerEventListener>()
  #active = LOCAL_SERVER_ID
  #timer: NodeJS.Timeout | null = null
  #started = false
  #disposed = false
  /** Profile changes run one after another: each reads the list the previous one saved. */
  #queue: Promise<unknown> = Promise.resolve()
  /** ssh config files the admin approved in this session (approveSshConfig). */
  readonly #approved = new Set<string>()

  constructor(o: FleetOptions) {
    this.#o = o
    this.#add({ id: LOCAL_SERVER_ID, services: o.local, remote: null })
  }

  /** The server the jail views act on. */
  get active(): FleetServer {
    return this.#servers.get(this.#active)!
  }

  /** Every server, this machine first, then the profiles in their saved order. */
  get servers(): FleetServer[] {
    return [...this.#servers.values()]
  }

  server(id: string): FleetServer | undefined {
    return this.#servers.get(id)
  }

  /** Listens to every server's events; returns the unsubscribe function. */
  onServerEvent(listener: ServerEventListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Connects to the saved SSH servers (this machine is started by the app services). */
  async start(): Promise<void> {
    this.#started = true
    // a profile saved before the start is there already
    for (const p of this.#o.settings.current.servers ?? [])
      if (!this.#servers.has(p.name)) this.#addRemote(p)
    await Promise.all(this.servers.map((s) => s.remote?.start()))
  }

  state(): ServersState {
    const servers = this.servers.map((s) => this.#summary(s))
    return {
      active: this.#active,
      servers,
      // last-known counts of an unreachable server are shown on its row, not added up as current
      totalBanned: servers.reduce((n, s) => n + (s.status === 'connected' ? s.banned : 0), 0)
    }
  }

  /** Makes another server the active one; the window gets its state at once. */
  select(id: string): ServersState {
    const s = this.#servers.get(id)
    if (!s) throw new Fail2BanArgumentError(`there is no server named "${id}"`)
    if (id !== this.#active) {
      // only the window's jail is watched (full ban lists are fetched for it alone)
      this.active.services.monitor.watch(null)
      this.#active = id
      const { events } = this.#o
      events.emit('connectionChanged', s.services.connection.state)
      events.emit('jailsChanged', s.services.monitor.jails)
    }
    const state = this.state()
    this.#o.events.emit('serversChanged', state)
    return state
  }

  /** Adds (previous null) or replaces a profile, saves the list and connects. */
  save(previous: string | null, profile: ServerProfile): Promise<ServersState> {
    return this.#serial(async () => {
      const list = [...(this.#o.settings.current.servers ?? [])]
      const at = previous === null ? -1 : list.findIndex((p) => p.name === previous)
      if (previous !== null && at < 0)
        throw new Fail2BanArgumentError(`there is no server named "${previous}"`)
      const key = profile.name.toLowerCase()
      if (key === RESERVED_SERVER_NAME)
        throw new Fail2BanArgumentError(
          `"${profile.name}" is the name of this machine; choose another`
        )
      if (list.some((p, i) => i !== at && p.name.toLowerCase() === key))
        throw new Fail2BanArgumentError(`a server named "${profile.name}" exists already`)
      if (at < 0 && list.length >= MAX_SERVERS)
        throw new Fail2BanArgumentError(`at most ${MAX_SERVERS} servers`)
      await this.#approve(profile, at < 0 ? undefined : list[at])
      if (at < 0) list.push(profile)
      else list[at] = profile
      await this.#o.settings.setServers(list)
      const wasActive = previous !== null && this.#active === previous
      if (previous !== null) await this.#removeRemote(previous)
      const server = this.#addRemote(profile)
      if (this.#started) void server.remote!.start()
      // editing the server on screen keeps it on screen (under its new name)
      if (wasActive) this.select(profile.name)
      return this.#changed()
    })
  }

  remove(id: string): Promise<ServersState> {
    return this.#serial(async () => {
      if (id === LOCAL_SERVER_ID) throw new Fail2BanArgumentError('this machine cannot be removed')
      const list = this.#o.settings.current.servers ?? []
      if (!list.some((p) => p.name === id))
        throw new Fail2BanArgumentError(`there is no server named "${id}"`)
      await this.#o.settings.setServers(list.filter((p) => p.name !== id))
      await this.#removeRemote(id)
      return this.#changed()
    })
  }

  /** Reconnects a server now (this machine: a connection check). */
  retry(id: string): ServersState {
    const s = this.#servers.get(id)
    if (!s) throw new Fail2BanArgumentError(`there is no server named "${id}"`)
    // a question that expired or was pushed out is asked afresh on the next failure
    this.#hostKey.delete(id)
    if (s.remote) s.remote.link.retry()
    else void s.services.connection.check()
    return this.#changed()
  }

  /** Connects once with a profile, lists its jails, disconnects. Never throws. */
  async test(profile: ServerProfile): Promise<ServerTest> {
    await this.#approve(
      profile,
      this.#o.settings.current.servers?.find((p) => p.name === profile.name)
    )
    try {
      const r = await testProfile(profile, this.#o.launch)
      return { ok: true, version: r.version, jails: r.jails, elapsedMs: Math.round(r.elapsedMs) }
    } catch (err) {
      const e =
        err instanceof SshError
          ? err
          : new SshError('helper-failed', profile.name, `${profile.name}: ${String(err)}`)
      const hostKey = e.kind === 'host-key-unknown' ? await this.#ask(profile) : null
      return { ok: false, failure: e.kind, message: e.message, fix: e.fix ?? null, hostKey }
    }
  }

  /** Writes the key asked about under `token` to known_hosts and reconnects that server. */
  async acceptHostKey(token: string): Promise<ServersState & { accepted: AcceptedKey }> {
    const q = this.#questions.take(token)
    if (!q)
      throw new Fail2BanArgumentError(
        'this host key question is no longer open (answered, expired or the server was edited)'
      )
    await acceptHostKey(q.profile, q.key)
    this.#o.logger.info('host key accepted', {
      server: q.profile.name,
      host: q.key.host,
      fingerprint: q.key.fingerprint
    })
    const name = q.profile.name
    if (this.#hostKey.get(name)?.token === token) this.#hostKey.delete(name)
    const s = this.#servers.get(name)
    if (s?.remote && sameProfile(s.remote.profile, q.profile)) s.remote.link.retry()
    return {
      ...this.#changed(),
      accepted: { server: name, host: q.key.host, fingerprint: q.key.fingerprint }
    }
  }

  async dispose(): Promise<void> {
    this.#disposed = true
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    for (const u of this.#unsubscribe.values()) u()
    this.#unsubscribe.clear()
    // this machine's services belong to the app services, which dispose of them
    await Promise.all(this.servers.map((s) => s.remote?.dispose()))
  }

  #add(server: FleetServer): FleetServer {
    if (this.#servers.has(server.id)) throw new Error(`server ${server.id} is there already`)
    this.#servers.set(server.id, server)
    const off = server.services.events.subscribe((name, payload) => {
      if (server.id === this.#active) this.#o.events.emit(name, payload)
      for (const l of this.#listeners) l(server.id, name, payload)
      if (name === 'jailsChanged' || name === 'connectionChanged') this.#schedule()
    })
    this.#unsubscribe.set(server.id, off)
    return server
  }

  #addRemote(profile: ServerProfile): FleetServer {
    const o = this.#o
    const remote = createRemoteServer(profile, {
      launch: o.launch,
      pollIntervalMs: o.pollIntervalMs(),
      ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
      ...(o.reconnectBackoffMs ? { reconnectBackoffMs: o.reconnectBackoffMs } : {}),
      ...(o.policy ? { policy: o.policy } : {}),
      logger: o.logger
    })
    remote.link.on('state', (s) => this.#linkState(remote, s))
    if (o.paused?.()) remote.services.monitor.setPaused(true)
    return this.#add({ id: profile.name, services: remote.services, remote })
  }

  async #removeRemote(id: string): Promise<void> {
    const s = this.#servers.get(id)
    if (!s?.remote) return
    // away from it first: select() reads the active server
    if (this.#active === id) this.select(LOCAL_SERVER_ID)
    this.#unsubscribe.get(id)?.()
    this.#unsubscribe.delete(id)
    this.#servers.delete(id)
    this.#hostKey.delete(id)
    this.#questions.forget(id)
    s.remote.link.removeAllListeners('state')
    await s.remote.dispose()
  }

  #linkState(remote: RemoteServer, s: LinkState): void {
    if (this.#disposed) return
    const name = remote.profile.name
    if (s.status === 'failed' && s.error.kind === 'host-key-unknown' && !this.#hostKey.has(name)) {
      // Ask once per failure: the question stays until answered, the server edited or removed.
      void this.#ask(remote.profile).then((q) => {
        if (q && this.#servers.get(name)?.remote === remote) {
          this.#hostKey.set(name, q)
          this.#schedule()
        }
      })
    }
    if (s.status === 'connected') this.#hostKey.delete(name)
    this.#schedule()
  }

  /** The server's question while its token can still be answered. */
  #openQuestion(id: string): HostKeyQuestion | null {
    const q = this.#hostKey.get(id)
    return q && this.#questions.isOpen(q.token) ? q : null
  }

  /** Runs profile changes one after another. */
  #serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(f, f)
    this.#queue = run.catch(() => undefined)
    return run
  }

  /** A new or changed `-F` file must be approved outside the window (see the option). */
  async #approve(profile: ServerProfile, saved: ServerProfile | undefined): Promise<void> {
    const path = profile.sshConfig
    if (path === undefined || path === saved?.sshConfig || this.#approved.has(path)) return
    const ask = this.#o.approveSshConfig
    if (ask && !(await ask(profile.name, path)))
      throw new Fail2BanArgumentError(
        `the ssh config file ${path} was not approved; nothing was started`
      )
    this.#approved.add(path)
  }

  async #ask(profile: ServerProfile): Promise<HostKeyQuestion | null> {
    try {
      return this.#questions.ask(profile, await fetchHostKey(profile))
    } catch (err) {
      this.#o.logger.warn('host key could not be fetched', {
        server: profile.name,
        err: String(err)
      })
      return null
    }
  }

  /** Schedules one serversChanged for a burst of changes; returns the state now. */
  #changed(): ServersState {
    this.#schedule()
    return this.state()
  }

  /**
   * The event side of #changed, for callers that need no state now: every server's poll
   * lands here, and the state is built once per burst, when the event goes out.
   */
  #schedule(): void {
    if (this.#disposed) return
    this.#timer ??= setTimeout(() => {
      this.#timer = null
      this.#o.events.emit('serversChanged', this.state())
    }, this.#o.coalesceMs ?? 100)
  }

  #summary(s: FleetServer): ServerSummary {
    const jails = s.services.monitor.jails.filter((j) => j.running)
    const counts = {
      jails: jails.length,
      banned: jails.reduce((n, j) => n + j.currentlyBanned, 0)
    }
    if (!s.remote) {
      const c = s.services.connection.state
      const connected = c.status === 'connected'
      return {
        id: s.id,
        name: 'This machine',
        kind: 'local',
        target: s.services.where,
        status: connected ? 'connected' : c.status === 'connecting' ? 'connecting' : 'disconnected',
        message: connected ? null : c.message || null,
        failure: null,
        fix: null,
        hostKey: null,
        version: connected ? s.services.version : null,
        ...counts,
        profile: null
      }
    }
    const l = s.remote.link.state
    const status: ServerStatus =
      l.status === 'stopped' ? 'disconnected' : l.status === 'connected' ? 'connected' : l.status
    const error = l.status === 'failed' || l.status === 'waiting' ? l.error : null
    return {
      id: s.id,
      name: s.id,
      kind: 'ssh',
      target: s.remote.profile.target,
      status,
      message: error?.message ?? null,
      failure: error?.kind ?? null,
      fix: error?.fix ?? null,
      hostKey: error?.kind === 'host-key-unknown' ? this.#openQuestion(s.id) : null,
      version: l.status === 'connected' ? s.services.version : null,
      ...counts,
      profile: s.remote.profile
    }
  }
}

function sameProfile(a: ServerProfile, b: ServerProfile): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}
