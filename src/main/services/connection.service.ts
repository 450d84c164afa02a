/**
 * The connection state machine: connecting → connected, or one of socket-missing,
 * permission-denied, not-answering; from those, reconnecting with back-off until the server
 * answers again. Any service that meets a connection error reports it here.
 */
import type { ConnectionState, ConnectionStatus } from '../../shared/model.ts'
import {
  Fail2BanConnectionError,
  Fail2BanProtocolError,
  describeConnectionError
} from '../fail2ban/index.ts'
import type { EventSink } from './events.ts'

export interface ConnectionServiceOptions {
  socketPath: string
  /**
   * Resolves when the server answers a fresh request (an uncached `ping`: a cached value would
   * report "connected" while the server is down); rejects with the connection error.
   */
  probe: () => Promise<unknown>
  emit: EventSink
  /** First reconnect delay, doubled up to `maxBackoffMs`. Default 1000. */
  backoffMs?: number
  maxBackoffMs?: number
  /** Called after every successful (re)connect: the server may be another one now. */
  onConnected?: () => void
  now?: () => number
}

export class ConnectionService {
  readonly #o: Required<Omit<ConnectionServiceOptions, 'onConnected'>> &
    Pick<ConnectionServiceOptions, 'onConnected'>
  #state: ConnectionState
  #timer: ReturnType<typeof setTimeout> | null = null
  #failures = 0
  #probing: Promise<ConnectionState> | null = null
  #stopped = false

  constructor(opts: ConnectionServiceOptions) {
    this.#o = { backoffMs: 1000, maxBackoffMs: 30_000, now: Date.now, ...opts }
    this.#state = {
      status: 'connecting',
      socketPath: opts.socketPath,
      message: '',
      nextRetryAt: null,
      since: this.#o.now()
    }
  }

  get state(): ConnectionState {
    return this.#state
  }

  get connected(): boolean {
    return this.#state.status === 'connected'
  }

  /** Probes now (also cancels a scheduled retry); resolves with the resulting state. */
  check(): Promise<ConnectionState> {
    if (this.#stopped) return Promise.resolve(this.#state)
    this.#probing ??= this.#probe().finally(() => (this.#probing = null))
    return this.#probing
  }

  /**
   * A service met this error: classify it and, if it is a connection error, go reconnecting.
   * A reply that cannot be decoded is a state of its own ('bad-reply'): nothing read from that
   * server can be trusted until a probe decodes again, and the UI marks its data stale.
   */
  reportError(err: unknown): void {
    if (err instanceof Fail2BanConnectionError) this.#fail(err)
    else if (err instanceof Fail2BanProtocolError)
      this.#failWith(
        'bad-reply',
        `fail2ban sent a reply BanGUI cannot read (${err.message}); is this really fail2ban's socket? Retrying.`
      )
  }

  /** A command just succeeded: proof that the connection works. */
  reportSuccess(): void {
    if (this.#state.status !== 'connected') void this.check()
  }

  stop(): void {
    this.#stopped = true
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
  }

  async #probe(): Promise<ConnectionState> {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    try {
      await this.#o.probe()
      this.#failures = 0
      if (this.#state.status !== 'connected') {
        this.#set('connected', '', null)
        this.#o.onConnected?.()
      }
    } catch (err) {
      if (err instanceof Fail2BanConnectionError || err instanceof Fail2BanProtocolError)
        this.reportError(err)
      else
        this.#fail(
          new Fail2BanConnectionError(
            'EUNKNOWN',
            this.#o.socketPath,
            `fail2ban answered the connection check with an error: ${(err as Error).message}`
          )
        )
    }
    return this.#state
  }

  #fail(err: Fail2BanConnectionError): void {
    const status = classify(err.code)
    const message =
      status === 'not-answering' && err.code !== 'ETIMEDOUT' && err.code !== 'EUNTRUSTED'
        ? describeConnectionError(err.code, this.#o.socketPath)
        : err.message
    this.#failWith(status, message)
  }

  #failWith(status: ConnectionStatus, message: string): void {
    if (this.#stopped) return
    this.#failures++
    const delay = Math.min(
      this.#o.maxBackoffMs,
      this.#o.backoffMs * 2 ** Math.min(this.#failures - 1, 10)
    )
    const nextRetryAt = this.#o.now() + delay
    this.#set(status, message, nextRetryAt)
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = setTimeout(() => {
      this.#timer = null
      if (this.#state.status !== 'connected') this.#set('reconnecting', this.#state.message, null)
      void this.check()
    }, delay)
    this.#timer.unref?.()
  }

  #set(status: ConnectionStatus, message: string, nextRetryAt: number | null): void {
    const prev = this.#state
    if (prev.status === status && prev.message === message && prev.nextRetryAt === nextRetryAt)
      return
    this.#state = {
      status,
      socketPath: this.#o.socketPath,
      message,
      nextRetryAt,
      since: prev.status === status ? prev.since : this.#o.now()
    }
    this.#o.emit('connectionChanged', this.#state)
  }
}

/** Connection error code → the state the UI explains. */
export function classify(code: string): ConnectionStatus {
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'socket-missing'
    case 'EACCES':
    case 'EPERM':
      return 'permission-denied'
    default:
      return 'not-answering'
  }
}
