/**
 * Fail2BanClient: sends command lists to fail2ban-server and returns the reply values.
 *
 * - at most `maxInFlight` commands at once (a semaphore; waiting is logged at debug);
 * - idle connections are kept and reused (fail2ban answers in order on one connection and a new
 *   connection costs a round trip of the server's accept loop); a reused connection that the
 *   server closed meanwhile is replaced once, before any reply byte, so nothing runs twice;
 * - connects are made one at a time: the server's listen backlog is 1, and parallel connects from
 *   Node fail with EAGAIN; EAGAIN, ECONNREFUSED and ENOBUFS are retried (3 attempts, 150 ms
 *   doubling, with jitter), ENOENT and EACCES fail at once;
 * - one deadline per command covers connect, retries, write and read;
 * - arguments are checked (end/close markers, types) before anything is sent.
 */
import type { Duplex } from 'node:stream'
import { CLOSE_MARKER, END_MARKER } from '../../shared/validation.ts'
import { type Connector, unixSocketConnector } from './connector.ts'
import {
  Fail2BanArgumentError,
  Fail2BanCommandError,
  Fail2BanConnectionError,
  Fail2BanProtocolError
} from './errors.ts'
import { Connection, type Exchange } from './connection.ts'
import { DEFAULT_MAX_REPLY_BYTES, frameRequest } from './framing.ts'
import { silentLogger, type Logger } from './log.ts'
import { type CommandArg, encodeCommand, isPyException } from './pickle.ts'
import { Semaphore } from './semaphore.ts'

export interface Fail2BanClientOptions {
  socketPath: string
  /** Per-command deadline, connect and retries included. Default 5000 ms. */
  timeoutMs?: number
  /** Commands in flight at once. Default 10. */
  maxInFlight?: number
  /** Reply size cap. Default 64 MiB. */
  maxReplyBytes?: number
  /** Largest encoded request. Default 16 MiB. */
  maxRequestBytes?: number
  /** Connection attempts on transient errors. Default 3. */
  attempts?: number
  /** First back-off delay, doubled per attempt. Default 150 ms. */
  backoffMs?: number
  /** Keep idle connections for reuse. Default true. */
  reuseConnections?: boolean
  /** Transport; default: the Unix socket at `socketPath`. */
  connector?: Connector
  logger?: Logger
}

export interface SendOptions {
  timeoutMs?: number
}

const RETRYABLE = new Set(['EAGAIN', 'ECONNREFUSED', 'ENOBUFS'])
const MARKERS = [END_MARKER, CLOSE_MARKER]

/** A client for one fail2ban server. Safe to share; `close()` when done. */
export class Fail2BanClient {
  readonly socketPath: string
  readonly timeoutMs: number
  readonly maxInFlight: number
  readonly #maxReplyBytes: number
  readonly #maxRequestBytes: number
  readonly #attempts: number
  readonly #backoffMs: number
  readonly #reuse: boolean
  readonly #connector: Connector
  readonly #log: Logger
  readonly #sem: Semaphore
  #idle: Connection[] = []
  #busy = new Set<Connection>()
  #connectQueue: Promise<unknown> = Promise.resolve()
  #closed = false
  #nextId = 1

  constructor(opts: Fail2BanClientOptions) {
    this.socketPath = opts.socketPath
    this.timeoutMs = opts.timeoutMs ?? 5000
    this.maxInFlight = opts.maxInFlight ?? 10
    this.#maxReplyBytes = opts.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES
    this.#maxRequestBytes = opts.maxRequestBytes ?? 16 * 1024 * 1024
    this.#attempts = opts.attempts ?? 3
    this.#backoffMs = opts.backoffMs ?? 150
    this.#reuse = opts.reuseConnections ?? true
    this.#connector = opts.connector ?? unixSocketConnector(opts.socketPath)
    this.#log = opts.logger ?? silentLogger
    this.#sem = new Semaphore(this.maxInFlight)
  }

  /** Highest number of commands that were in flight at once. */
  get peakInFlight(): number {
    return this.#sem.peak
  }

  /**
   * Sends one command and resolves with the value of its `(0, value)` reply.
   * Rejects with Fail2BanCommandError, Fail2BanConnectionError, Fail2BanProtocolError or
   * Fail2BanArgumentError (nothing sent).
   */
  async send(tokens: readonly CommandArg[], opts: SendOptions = {}): Promise<unknown> {
    if (this.#closed)
      throw new Fail2BanConnectionError('ECLOSED', this.socketPath, 'the client is closed')
    checkTokens(tokens)
    const payload = encodeCommand(tokens)
    if (payload.length > this.#maxRequestBytes) {
      throw new Fail2BanArgumentError(
        `request of ${payload.length} bytes exceeds the ${this.#maxRequestBytes}-byte limit: send fewer items per command`
      )
    }
    const frame = frameRequest(payload)
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
    const release = await this.#sem.acquire()
    const started = debug ? performance.now() : 0
    const deadline = Date.now() + (opts.timeoutMs ?? this.timeoutMs)
    try {
      if (debug) this.#log.debug('send', { id, cmd: head, bytes: frame.length })
      const { reply, bytes } = await this.#exchange(frame, deadline)
      if (debug)
        this.#log.debug('receive', { id, cmd: head, bytes, ms: round(performance.now() - started) })
      return unwrap(reply, tokens)
    } finally {
      release()
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

  /** Says goodbye on idle connections and refuses further commands. */
  async close(): Promise<void> {
    this.#closed = true
    const idle = this.#idle
    this.#idle = []
    for (const conn of idle) conn.goodbye()
    for (const conn of this.#busy) conn.destroy()
    this.#busy.clear()
  }

  /** Sends one framed request on a pooled or new connection and reads its reply. */
  async #exchange(frame: Buffer, deadline: number): Promise<Exchange> {
    for (;;) {
      const reused = this.#idle.pop()
      const conn =
        reused ??
        new Connection(await this.#connect(deadline), this.socketPath, this.#maxReplyBytes)
      this.#busy.add(conn)
      try {
        const result = await conn.request(frame, deadline)
        this.#busy.delete(conn)
        this.#park(conn)
        return result
      } catch (err) {
        this.#busy.delete(conn)
        conn.destroy()
        // A pooled connection the server closed while idle: nothing was processed, so one
        // retry on a fresh connection cannot run the command twice.
        const stale =
          reused !== undefined &&
          err instanceof Fail2BanConnectionError &&
          err.bytesReceived === 0 &&
          ['ECLOSED', 'ECONNRESET', 'EPIPE'].includes(err.code)
        if (!stale) throw err
        this.#log.debug('reused connection was closed by the server; reconnecting')
      }
    }
  }

  /** Keeps a healthy connection for reuse, or says goodbye on it. */
  #park(conn: Connection): void {
    if (conn.dead) return
    if (this.#closed || !this.#reuse || this.#idle.length >= this.maxInFlight) {
      conn.goodbye()
      return
    }
    conn.onIdleDeath = () => {
      const i = this.#idle.indexOf(conn)
      if (i !== -1) this.#idle.splice(i, 1)
    }
    this.#idle.push(conn)
  }

  /** Connects with retries; connects are serialized because the server's backlog is 1. */
  async #connect(deadline: number): Promise<Duplex> {
    const attempt = this.#connectQueue.then(() => this.#connectWithRetry(deadline))
    this.#connectQueue = attempt.catch(() => undefined)
    return attempt
  }

  async #connectWithRetry(deadline: number): Promise<Duplex> {
    for (let n = 1; ; n++) {
      if (Date.now() >= deadline) throw this.#connError('ETIMEDOUT')
      try {
        return await withDeadline(this.#connector(), deadline, () => this.#connError('ETIMEDOUT'))
      } catch (err) {
        if (err instanceof Fail2BanConnectionError) throw err
        const code = errorCode(err)
        if (!RETRYABLE.has(code) || n >= this.#attempts) {
          this.#log.warn('connection failed', { code, socketPath: this.socketPath, attempt: n })
          throw this.#connError(code)
        }
        const delay = this.#backoffMs * 2 ** (n - 1) * (0.75 + Math.random() * 0.5)
        this.#log.warn('connect failed, retrying', { code, attempt: n, delayMs: round(delay) })
        if (Date.now() + delay >= deadline) throw this.#connError('ETIMEDOUT')
        await sleep(delay)
      }
    }
  }

  #connError(code: string, bytesReceived = 0): Fail2BanConnectionError {
    return new Fail2BanConnectionError(code, this.socketPath, undefined, bytesReceived)
  }
}

/** Interprets a decoded reply: `(0, value)`, `(1, exception)` or a bare `'ERROR: …'`. */
function unwrap(reply: unknown, tokens: readonly CommandArg[]): unknown {
  const cmd = tokens.slice(0, 3).map(String)
  if (Array.isArray(reply) && reply.length === 2 && (reply[0] === 0 || reply[0] === 1)) {
    if (reply[0] === 0) return reply[1]
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
  const visit = (t: CommandArg): void => {
    if (typeof t === 'string') {
      for (const m of MARKERS) {
        if (t.includes(m))
          throw new Fail2BanArgumentError(
            `argument contains fail2ban's framing marker ${m}; nothing was sent`
          )
      }
    } else if (Array.isArray(t)) {
      for (const x of t as readonly CommandArg[]) visit(x)
    }
  }
  for (const t of tokens) visit(t)
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

function withDeadline<T>(p: Promise<T>, deadline: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => {
        reject(onTimeout())
        // A connection that arrives after the deadline is closed at once.
        p.then(
          (v) => (v as { destroy?: () => void }).destroy?.(),
          () => undefined
        )
      },
      Math.max(0, deadline - Date.now())
    )
    p.then(
      (v) => {
        clearTimeout(timer)
        resolve(v)
      },
      (e: unknown) => {
        clearTimeout(timer)
        reject(e)
      }
    )
  })
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const round = (n: number): number => Math.round(n * 100) / 100
