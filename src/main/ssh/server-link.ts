/**
 * One server's SSH session over time: connects, reports a typed state, and after a transient
 * failure reconnects under the ReconnectPolicy. A new session counts as connected once fail2ban
 * answered a ping through it. Each new session is handed out through the
 * 'session' event (the stream for Fail2BanClient); the previous one is dead by then.
 */
import { EventEmitter } from 'node:events'
import { SshError } from './failures.ts'
import { launchRemoteHelper, type LaunchOptions, type RemoteHelper } from './launcher.ts'
import { checkFail2ban } from './probe.ts'
import { parseServerProfile, type ServerProfile } from './profile.ts'
import { ReconnectPolicy } from './reconnect.ts'

export type LinkState =
  | { status: 'connecting'; attempt: number }
  | { status: 'connected'; version: string }
  /** a transient failure: the next attempt is scheduled */
  | { status: 'waiting'; error: SshError; retryInMs: number; attempt: number }
  /** the admin must act (accept a host key, fix sudo, …); `retry()` tries again */
  | { status: 'failed'; error: SshError }
  | { status: 'stopped' }

export interface ServerLinkOptions extends LaunchOptions {
  policy?: ReconnectPolicy
  /** Ping fail2ban through each new session before calling it connected. Default true. */
  verify?: boolean
  /** Injected for tests; default launchRemoteHelper. */
  launch?: (profile: ServerProfile, opts: LaunchOptions) => Promise<RemoteHelper>
}

export interface ServerLinkEvents {
  state: [LinkState]
  session: [RemoteHelper]
}

export class ServerLink extends EventEmitter<ServerLinkEvents> {
  readonly profile: ServerProfile
  readonly #opts: ServerLinkOptions
  readonly #policy: ReconnectPolicy
  #state: LinkState = { status: 'stopped' }
  #session: RemoteHelper | undefined
  #timer: NodeJS.Timeout | undefined
  #attempt = 0
  #running = false
  /** bumps on stop()/retry(): a stale attempt's outcome is ignored */
  #epoch = 0

  constructor(profile: ServerProfile, opts: ServerLinkOptions = {}) {
    super()
    this.profile = parseServerProfile(profile)
    this.#opts = opts
    this.#policy = opts.policy ?? new ReconnectPolicy()
  }

  get state(): LinkState {
    return this.#state
  }

  /** The live session, if connected. */
  get session(): RemoteHelper | undefined {
    return this.#session
  }

  /** Starts connecting (no-op when running). */
  start(): void {
    if (this.#running) return
    this.#running = true
    this.#attempt = 0
    void this.#connect(this.#epoch)
  }

  /** Tries again now, e.g. after the admin accepted a host key or fixed sudo. */
  retry(): void {
    this.#epoch++
    clearTimeout(this.#timer)
    this.#session?.kill()
    this.#session = undefined
    this.#running = true
    this.#attempt = 0
    void this.#connect(this.#epoch)
  }

  /**
   * The session's user saw it fail although it is alive (e.g. a reply that fail2ban is down,
   * see classifyReplyError): ends it and goes on under the policy, as for a dropped session.
   */
  reportFailure(error: SshError): void {
    if (this.#state.status !== 'connected') return
    const epoch = ++this.#epoch
    this.#session?.kill()
    this.#session = undefined
    this.#failed(epoch, error)
  }

  /** Ends the session and any pending retry. */
  async stop(): Promise<void> {
    this.#epoch++
    this.#running = false
    clearTimeout(this.#timer)
    const s = this.#session
    this.#session = undefined
    this.#set({ status: 'stopped' })
    if (s) {
      s.kill()
      await s.exited
    }
  }

  /** Resolves with the next state that satisfies `pred` (tests, and "test this profile"). */
  waitFor(pred: (s: LinkState) => boolean): Promise<LinkState> {
    if (pred(this.#state)) return Promise.resolve(this.#state)
    return new Promise((resolve) => {
      const on = (s: LinkState): void => {
        if (!pred(s)) return
        this.off('state', on)
        resolve(s)
      }
      this.on('state', on)
    })
  }

  #set(s: LinkState): void {
    this.#state = s
    this.emit('state', s)
  }

  async #connect(epoch: number): Promise<void> {
    this.#set({ status: 'connecting', attempt: this.#attempt })
    const launch = this.#opts.launch ?? launchRemoteHelper
    let session: RemoteHelper
    try {
      session = await launch(this.profile, this.#opts)
    } catch (err) {
      if (epoch !== this.#epoch) return
      this.#failed(epoch, asSshError(this.profile.name, err))
      return
    }
    if (this.#opts.verify !== false) {
      try {
        await checkFail2ban(this.profile.name, session)
      } catch (err) {
        session.kill()
        if (epoch === this.#epoch) this.#failed(epoch, asSshError(this.profile.name, err))
        return
      }
    }
    if (epoch !== this.#epoch) {
      session.kill()
      return
    }
    this.#session = session
    this.#attempt = 0
    this.#set({ status: 'connected', version: session.version })
    this.emit('session', session)
    const exit = await session.exited
    if (epoch !== this.#epoch) return
    this.#session = undefined
    this.#failed(
      epoch,
      exit.error ??
        new SshError('session-dropped', this.profile.name, `${this.profile.name}: session ended.`)
    )
  }

  #failed(epoch: number, error: SshError): void {
    const delay = this.#policy.delay(error.kind, this.#attempt)
    if (delay === undefined) {
      this.#running = false
      this.#set({ status: 'failed', error })
      return
    }
    const attempt = this.#attempt++
    this.#set({ status: 'waiting', error, retryInMs: delay, attempt })
    this.#timer = setTimeout(() => {
      if (epoch === this.#epoch) void this.#connect(epoch)
    }, delay)
  }
}

function asSshError(server: string, err: unknown): SshError {
  if (err instanceof SshError) return err
  const message = err instanceof Error ? err.message : String(err)
  return new SshError('helper-failed', server, `${server}: ${message}`)
}
