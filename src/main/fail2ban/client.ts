/**
 * Fail2BanClient: sends command lists to fail2ban-server and returns the reply values.
 *
 * - at most `maxInFlight` commands at once (a semaphore; waiting is logged at debug);
 * - one deadline per command, on the monotonic clock, starting when `send` is called: it covers
 *   the wait for a slot, connect, retries, write and read; an AbortSignal ends it early;
 * - nothing runs twice: a command is re-sent only if it is read-only (READ_ONLY) and the server
 *   provably never read it (the reused connection was already dead, or the write failed with
 *   EPIPE before any reply byte); a write command is never re-sent;
 * - `close()` rejects every command in flight or waiting; nothing connects or sends after it.
 *
 * Two transports (see connector.ts):
 * - per connection (default, the local socket): idle connections are kept and reused (fail2ban
 *   answers in order on one connection and a new one costs a round trip of the server's accept
 *   loop); connects are made one at a time because the server's listen backlog is 1 and parallel
 *   connects from Node fail with EAGAIN; EAGAIN, ECONNREFUSED and ENOBUFS are retried
 *   (`attempts`, `backoffMs` doubling, with jitter), ENOENT and EACCES fail at once;
 * - stream (`stream`, the privileged helper): one long-lived pipelined duplex.
 *
 * Arguments are checked (end/close markers, types, size) before anything is sent.
 */
import type { Duplex } from 'node:stream'
import { CLOSE_MARKER, END_MARKER } from '../../shared/validation.ts'
import { Connection, type ErrorFactory, type Exchange, isUndelivered } from './connection.ts'
import { type Connector, type StreamTransport, unixSocketConnector } from './connector.ts'
import { CommandScope, now } from './deadline.ts'
import {
  Fail2BanAbortError,
  Fail2BanArgumentError,
  Fail2BanClientClosedError,
  Fail2BanCommandError,
  Fail2BanConnectionError,
  Fail2BanProtocolError,
  Fail2BanTransportError
} from './errors.ts'
import { DEFAULT_MAX_REPLY_BYTES, frameRequest } from './framing.ts'
import { silentLogger, type Logger } from './log.ts'
import { type CommandArg, encodeCommand, isPyException } from './pickle.ts'
import { Semaphore } from './semaphore.ts'

export interface Fail2BanClientOptions {
  /** The server's Unix socket. Required unless `stream` is given. */
  socketPath?: string
  /** Per-command deadline from the call of `send`, slot wait and retries included. 5000 ms. */
  timeoutMs?: number
  /** Commands in flight at once. Default 10. */
  maxInFlight?: number
  /** Reply size cap. Default 64 MiB. */
  maxReplyBytes?: number
  /** Largest encoded request. Default 16 MiB. */
  maxRequestBytes?: number
  /** Connection attempts on transient errors (per-connection mode). Default 3. */
  attempts?: number
  /** First back-off delay, doubled per attempt. Default 150 ms. */
  backoffMs?: number
  /** Keep idle connections for reuse. Default true. */
  reuseConnections?: boolean
  /** Per-connection transport; default: the Unix socket at `socketPath`. */
  connector?: Connector
  /** Stream transport (one long-lived pipelined duplex); replaces `connector`. */
  stream?: StreamTransport
  logger?: Logger
}

export interface SendOptions {
  /** Deadline for this command, from the call of `send`. Default: the client's `timeoutMs`. */
  timeoutMs?: number
  /** Aborts the command: it rejects with Fail2BanAbortError (and, if sent, its reply is dropped). */
  signal?: AbortSignal
}

const RETRYABLE = new Set(['EAGAIN', 'ECONNREFUSED', 'ENOBUFS'])
const MARKERS = [END_MARKER, CLOSE_MARKER]
/**
 * Commands that change nothing on the server (first token): the only ones that may be re-sent
 * after an undelivered write. An explicit allow-list: a command missing here is never re-sent.
 */
export const READ_ONLY_COMMANDS: ReadonlySet<string> = new Set([
  'ping',
  'echo',
  'version',
  'status',
  'get',
  'banned'
])
const MAX_REOPEN_BACKOFF_MS = 30_000
/** A stream that lived this long ended normally; a shorter life backs the next open off. */
const STABLE_STREAM_MS = 10_000

/** A client for one fail2ban server. Safe to share; `close()` when done. */
export class Fail2BanClient {
  /** The socket path, or in stream mode the transport's description. */
  readonly socketPath: string
  readonly timeoutMs: number
  readonly maxInFlight: number
  readonly #maxReplyBytes: number
  readonly #maxRequestBytes: number
  readonly #attempts: number
  readonly #backoffMs: number
  readonly #reuse: boolean
  readonly #connector: Connector
  readonly #stream: StreamTransport | null
  readonly #log: Logger
  readonly #sem: Semaphore
  readonly #error: ErrorFactory
  #idle: Connection[] = []
  #busy = new Set<Connection>()
  #live = new Set<CommandScope>()
  #connectQueue: Promise<unknown> = Promise.resolve()
  #closed = false
  #nextId = 1
  // Stream mode.
  #streamConn: Connection | null = null
  #opening: Promise<Connection> | null = null
  #mayOpen = true
  #openFailures = 0
  #nextOpenAt = 0
  #lastStreamError: Error | null = null
  #openedAt = 0

  constructor(opts: Fail2BanClientOptions) {
    this.#stream = opts.stream ?? null
    const where = opts.socketPath ?? this.#stream?.description
    if (!where) throw new Fail2BanArgumentError('Fail2BanClient needs a socketPath or a stream')
    this.socketPath = where
    this.timeoutMs = opts.timeoutMs ?? 5000
    this.maxInFlight = opts.maxInFlight ?? 10
    this.#maxReplyBytes = opts.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES
    this.#maxRequestBytes = opts.maxRequestBytes ?? 16 * 1024 * 1024
    this.#attempts = opts.attempts ?? 3
    this.#backoffMs = opts.backoffMs ?? 150
    this.#reuse = opts.reuseConnections ?? true
    this.#connector = opts.connector ?? unixSocketConnector(where)
    this.#log = opts.logger ?? silentLogger
    this.#sem = new Semaphore(this.maxInFlight)
    this.#error = this.#stream
      ? (code, bytes) =>
          new Fail2BanTransportError(
            code,
            where,
            bytes > 0
              ? `${where} ended in the middle of a reply (${bytes} bytes received): fail2ban or the helper may have stopped.`
              : undefined,
            bytes
          )
      : (code, bytes) => new Fail2BanConnectionError(code, where, midReply(where, bytes), bytes)
  }

  /** Highest number of commands that were in flight at once. */
  get peakInFlight(): number {
    return this.#sem.peak
  }

  /**
   * Sends one command and resolves with the value of its `(0, value)` reply.
   * Rejects with Fail2BanCommandError, Fail2BanConnectionError (Fail2BanTransportError in
   * stream mode, Fail2BanClientClosedError after close), Fail2BanProtocolError,
   * Fail2BanAbortError or Fail2BanArgumentError (nothing sent).
   */
  async send(tokens: readonly CommandArg[], opts: SendOptions = {}): Promise<unknown> {
    if (this.#closed) throw new Fail2BanClientClosedError(this.socketPath)
    checkTokens(tokens)
    const payload = encodeCommand(tokens)
    if (payload.length > this.#maxRequestBytes) {
      throw new Fail2BanArgumentError(
        `request of ${payload.length} bytes exceeds the ${this.#maxRequestBytes}-byte limit: send fewer items per command`
      )
    }
    const frame = frameRequest(payload)
    const sent = { yes: false }
    const scope = new CommandScope(
      opts.timeoutMs ?? this.timeoutMs,
      opts.signal,
      () => this.#error('ETIMEDOUT', 0),
      (reason) => new Fail2BanAbortError(sent.yes, reason)
    )
    // Log fields are built only when someone listens: this is the hot path of every command.
    const debug = this.#log !== silentLogger
    const id = this.#nextId++
    const head = debug ? describe(tokens) : ''
    if (debug && this.#sem.active >= this.#sem.limit) {
      this.#log.debug('command waits for a slot', {
        id,
        cmd: head,
        inFlight: this.#sem.active,
        waiting: this.#sem.waiting + 1
      })
    }
    if (scope.ended) {
      // Aborted before the call: nothing to wait for, nothing sent.
      scope.dispose()
      throw scope.ended
    }
    this.#live.add(scope)
    try {
      const release = this.#sem.tryAcquire() ?? (await this.#sem.acquire(scope))
      try {
        const started = debug ? now() : 0
        if (debug) this.#log.debug('send', { id, cmd: head, bytes: frame.length })
        const readOnly = READ_ONLY_COMMANDS.has(String(tokens[0]))
        const { reply, bytes } = this.#stream
          ? await this.#exchangeStream(frame, scope, sent)
          : await this.#exchange(frame, scope, sent, readOnly)
        if (debug) this.#log.debug('receive', { id, cmd: head, bytes, ms: round(now() - started) })
        return unwrap(reply, tokens)
      } finally {
        release()
      }
    } finally {
      this.#live.delete(scope)
      scope.dispose()
    }
  }

  /** True when the server answers `ping` within the timeout (default 2 s). */
  async ping(timeoutMs = Math.min(2000, this.timeoutMs)): Promise<boolean> {
    try {
      return (await this.send(['ping'], { timeoutMs })) === 'pong'
    } catch {
      return false
    }
  }

  /**
   * Stream mode: allows one more open after the stream died (the user asked to retry).
   * Without `autoReopen` the client never re-opens on its own.
   */
  reopen(): void {
    this.#mayOpen = true
    this.#nextOpenAt = 0
  }

  /**
   * Refuses further commands, rejects every command in flight or waiting for a slot with
   * Fail2BanClientClosedError, and ends the connections (politely where idle).
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const closedErr = new Fail2BanClientClosedError(this.socketPath)
    for (const scope of [...this.#live]) scope.end(closedErr)
    const idle = this.#idle
    this.#idle = []
    for (const conn of idle) conn.goodbye()
    for (const conn of this.#busy) conn.destroy(closedErr)
    this.#busy.clear()
    this.#streamConn?.goodbye()
    this.#streamConn = null
  }

  /** Sends one framed request on a pooled or new connection and reads its reply. */
  async #exchange(
    frame: Buffer,
    scope: CommandScope,
    sent: { yes: boolean },
    readOnly: boolean
  ): Promise<Exchange> {
    for (let resend = false; ; resend = true) {
      if (this.#closed) throw new Fail2BanClientClosedError(this.socketPath)
      let conn = this.#takeIdle()
      const reused = conn !== undefined
      // Raced: a deadline must also cut the wait behind other commands' connects.
      conn ??= new Connection(
        await scope.race(this.#connect(scope), (late) => late.destroy()),
        this.#error,
        this.#maxReplyBytes
      )
      if (this.#closed) {
        conn.destroy()
        throw new Fail2BanClientClosedError(this.socketPath)
      }
      this.#busy.add(conn)
      try {
        sent.yes = true
        const result = await conn.request(frame, scope)
        this.#busy.delete(conn)
        this.#park(conn)
        return result
      } catch (err) {
        this.#busy.delete(conn)
        conn.destroy()
        if (this.#closed) throw new Fail2BanClientClosedError(this.socketPath)
        // Only a read-only command the server provably never read, once, on a reused
        // connection (one the server closed while it sat idle).
        if (!(reused && !resend && readOnly && isUndelivered(err))) throw err
        this.#log.debug('reused connection was closed by the server before the request; resending')
      }
    }
  }

  /** The next live idle connection, dropping dead ones. */
  #takeIdle(): Connection | undefined {
    for (let conn = this.#idle.pop(); conn; conn = this.#idle.pop()) {
      if (!conn.dead) return conn
    }
    return undefined
  }

  /** Keeps a healthy connection for reuse, or says goodbye on it. */
  #park(conn: Connection): void {
    if (conn.dead) return
    if (this.#closed || !this.#reuse || this.#idle.length >= this.maxInFlight) {
      conn.goodbye()
      return
    }
    conn.onDeath = () => {
      const i = this.#idle.indexOf(conn)
      if (i !== -1) this.#idle.splice(i, 1)
    }
    this.#idle.push(conn)
  }

  /** Connects with retries; connects are serialized because the server's backlog is 1. */
  #connect(scope: CommandScope): Promise<Duplex> {
    const attempt = this.#connectQueue.then(() => this.#connectWithRetry(scope))
    this.#connectQueue = attempt.catch(() => undefined)
    return attempt
  }

  async #connectWithRetry(scope: CommandScope): Promise<Duplex> {
    for (let n = 1; ; n++) {
      if (scope.ended) throw scope.ended
      if (this.#closed) throw new Fail2BanClientClosedError(this.socketPath)
      try {
        this.#log.debug('connecting', { socketPath: this.socketPath, attempt: n })
        // A connection that arrives after the deadline is closed at once.
        return await scope.race(this.#connector(), (late) => late.destroy())
      } catch (err) {
        if (err === scope.ended) throw err
        // The connector's own verdict (e.g. an untrusted socket path) already says why.
        if (err instanceof Fail2BanConnectionError) throw err
        const code = errorCode(err)
        if (!RETRYABLE.has(code) || n >= this.#attempts) {
          this.#log.warn('connection failed', { code, socketPath: this.socketPath, attempt: n })
          throw this.#error(code, 0)
        }
        const delay = this.#backoffMs * 2 ** (n - 1) * (0.75 + Math.random() * 0.5)
        this.#log.warn('connect failed, retrying', { code, attempt: n, delayMs: round(delay) })
        // Waiting past the deadline is pointless: report the real cause now.
        if (delay >= scope.remaining) throw this.#error(code, 0)
        await scope.sleep(delay)
      }
    }
  }

  // ---------------------------------------------------------------- stream mode

  async #exchangeStream(
    frame: Buffer,
    scope: CommandScope,
    sent: { yes: boolean }
  ): Promise<Exchange> {
    const conn =
      this.#streamConn && !this.#streamConn.dead ? this.#streamConn : await this.#open(scope)
    if (this.#closed) throw new Fail2BanClientClosedError(this.socketPath)
    sent.yes = true
    return conn.request(frame, scope)
  }

  /** Opens the stream once for everyone waiting (opens are serialized), within `scope`. */
  #open(scope: CommandScope): Promise<Connection> {
    this.#opening ??= this.#openStream().finally(() => (this.#opening = null))
    return scope.race(this.#opening)
  }

  async #openStream(): Promise<Connection> {
    const t = this.#stream!
    if (!this.#mayOpen) {
      throw this.#lastStreamError ?? new Fail2BanTransportError('EREOPEN', t.description)
    }
    if (now() < this.#nextOpenAt && this.#lastStreamError) throw this.#lastStreamError
    // Without autoReopen, this is the only open until reopen(): a failure or a later death
    // must not lead to another (pkexec would ask for a password each time).
    if (!t.autoReopen) this.#mayOpen = false
    this.#log.info('opening stream', { transport: t.description })
    try {
      const duplex = await t.open()
      if (this.#closed) {
        duplex.destroy()
        throw new Fail2BanClientClosedError(this.socketPath)
      }
      const conn = new Connection(duplex, this.#error, this.#maxReplyBytes, true)
      conn.onDeath = () => this.#streamDied(conn)
      this.#streamConn = conn
      this.#openedAt = now()
      this.#lastStreamError = null
      return conn
    } catch (err) {
      if (err instanceof Fail2BanClientClosedError) throw err
      this.#backOff()
      const e =
        err instanceof Fail2BanConnectionError
          ? err
          : new Fail2BanTransportError(
              errorCode(err),
              t.description,
              `Cannot start ${t.description}: ${(err as Error).message ?? String(err)}`
            )
      this.#lastStreamError = e
      this.#log.warn('stream open failed', { transport: t.description, code: e.code })
      throw e
    }
  }

  /** Delays the next automatic open, doubling per failure in a row. */
  #backOff(): void {
    this.#openFailures++
    const first = this.#stream!.reopenBackoffMs ?? 1000
    this.#nextOpenAt =
      now() + Math.min(MAX_REOPEN_BACKOFF_MS, first * 2 ** (this.#openFailures - 1))
  }

  #streamDied(conn: Connection): void {
    if (this.#streamConn !== conn) return
    this.#streamConn = null
    if (this.#closed) return
    const t = this.#stream!
    // A stream that dies soon after it opened counts as a failed open: no tight re-open loop.
    if (now() - this.#openedAt < STABLE_STREAM_MS) this.#backOff()
    else this.#openFailures = 0
    this.#lastStreamError = new Fail2BanTransportError(
      t.autoReopen ? 'ECLOSED' : 'EREOPEN',
      t.description
    )
    this.#log.warn('stream ended', { transport: t.description, autoReopen: !!t.autoReopen })
  }
}

function midReply(where: string, received: number): string | undefined {
  return received > 0
    ? `fail2ban closed the connection on ${where} in the middle of a reply (${received} bytes received): the server may have stopped or crashed.`
    : undefined
}

/** Interprets a decoded reply: `(0, value)`, `(1, exception)` or a bare `'ERROR: …'`. */
function unwrap(reply: unknown, tokens: readonly CommandArg[]): unknown {
  if (Array.isArray(reply) && reply.length === 2 && reply[0] === 0) return reply[1]
  const cmd = tokens.slice(0, 3).map(String)
  if (Array.isArray(reply) && reply.length === 2 && reply[0] === 1) {
    const exc = reply[1]
    if (isPyException(exc)) throw new Fail2BanCommandError(exc.className, exc.message, cmd)
    throw new Fail2BanCommandError('unknown', String(exc), cmd)
  }
  if (typeof reply === 'string' && reply.startsWith('ERROR')) {
    throw new Fail2BanCommandError('ERROR', reply.replace(/^ERROR:\s*/, ''), cmd)
  }
  throw new Fail2BanProtocolError(`unexpected reply shape to ${cmd.join(' ')}: ${preview(reply)}`)
}

/** Refuses arguments that would corrupt fail2ban's framing. */
function checkTokens(tokens: readonly CommandArg[]): void {
  if (!Array.isArray(tokens) || tokens.length === 0) {
    throw new Fail2BanArgumentError('a command is a non-empty list of arguments')
  }
  for (const t of tokens) checkToken(t)
}

function checkToken(t: CommandArg): void {
  if (typeof t === 'string') {
    // Both markers start with '<F2B_': one search rules out the common case.
    if (t.includes('<F2B_')) {
      for (const m of MARKERS) {
        if (t.includes(m))
          throw new Fail2BanArgumentError(
            `argument contains fail2ban's framing marker ${m}; nothing was sent`
          )
      }
    }
  } else if (Array.isArray(t)) {
    for (const x of t as readonly CommandArg[]) checkToken(x)
  }
}

function describe(tokens: readonly CommandArg[]): string {
  const head = tokens.slice(0, 3).map((t) => (typeof t === 'string' ? t : JSON.stringify(t)))
  return tokens.length > 3 ? `${head.join(' ')} …(+${tokens.length - 3})` : head.join(' ')
}

function preview(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v)
  return s.length > 120 ? `${s.slice(0, 120)}…` : s
}

function errorCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : 'EUNKNOWN'
}

const round = (n: number): number => Math.round(n * 100) / 100
