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
import { type Connector, unixSocketConnector } from './connector.ts'
import {
  Fail2BanArgumentError,
  Fail2BanCommandError,
  Fail2BanConnectionError,
  Fail2BanProtocolError
} from './errors.ts'
import { CLOSE_FRAME, DEFAULT_MAX_REPLY_BYTES, ReplyReader, frameRequest } from './framing.ts'
import { silentLogger, type Logger } from './log.ts'
import {
  type CommandArg,
  decodeReply,
  encodeCommand,
  isPyException,
  isTruncationError
} from './pickle.ts'
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

interface IdleConnection {
  sock: Duplex
  /** Removes the listeners that drop the connection while it is idle. */
  unwatch: () => void
}

const RETRYABLE = new Set(['EAGAIN', 'ECONNREFUSED', 'ENOBUFS'])
const MARKERS = ['<F2B_END_COMMAND>', '<F2B_CLOSE_COMMAND>']

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
  #idle: IdleConnection[] = []
  #busy = new Set<Duplex>()
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
    const head = describe(tokens)
    const id = this.#nextId++
    if (this.#sem.active >= this.#sem.limit) {
      this.#log.debug('command waits for a slot', {
        id,
        cmd: head,
        inFlight: this.#sem.active,
        waiting: this.#sem.waiting + 1
      })
    }
    const release = await this.#sem.acquire()
    const started = performance.now()
    const deadline = Date.now() + (opts.timeoutMs ?? this.timeoutMs)
    try {
      this.#log.debug('send', { id, cmd: head, bytes: frame.length })
      const { reply, bytes } = await this.#exchange(frame, deadline)
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
    for (const { sock, unwatch } of idle) {
      unwatch()
      goodbye(sock)
    }
    for (const sock of this.#busy) sock.destroy()
    this.#busy.clear()
  }

  /** Sends one framed request on a pooled or new connection and reads its reply. */
  async #exchange(frame: Buffer, deadline: number): Promise<{ reply: unknown; bytes: number }> {
    for (;;) {
      const pooled = this.#idle.pop()
      pooled?.unwatch()
      const sock = pooled?.sock ?? (await this.#connect(deadline))
      this.#busy.add(sock)
      try {
        const result = await this.#roundTrip(sock, frame, deadline)
        this.#busy.delete(sock)
        this.#park(sock)
        return result
      } catch (err) {
        this.#busy.delete(sock)
        sock.destroy()
        const stale =
          pooled !== undefined &&
          err instanceof Fail2BanConnectionError &&
          err.bytesReceived === 0 &&
          ['ECLOSED', 'ECONNRESET', 'EPIPE'].includes(err.code)
        if (!stale) throw err
        this.#log.debug('reused connection was closed by the server; reconnecting')
      }
    }
  }

  #park(sock: Duplex): void {
    if (this.#closed || !this.#reuse || this.#idle.length >= this.maxInFlight) {
      goodbye(sock)
      return
    }
    const events = ['error', 'end', 'close', 'data'] as const
    const drop = (): void => {
      entry.unwatch()
      const i = this.#idle.indexOf(entry)
      if (i !== -1) this.#idle.splice(i, 1)
      sock.destroy()
    }
    const entry: IdleConnection = {
      sock,
      unwatch: () => {
        for (const e of events) sock.off(e, drop)
      }
    }
    // A server that closes, errors, or sends anything unasked makes the connection unusable.
    for (const e of events) sock.on(e, drop)
    this.#idle.push(entry)
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

  #roundTrip(
    sock: Duplex,
    frame: Buffer,
    deadline: number
  ): Promise<{ reply: unknown; bytes: number }> {
    return new Promise((resolve, reject) => {
      const reader = new ReplyReader({
        maxBytes: this.#maxReplyBytes,
        decode: decodeReply,
        isTruncation: isTruncationError
      })
      let settled = false
      const finish = (fn: () => void): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        sock.off('data', onData)
        sock.off('error', onError)
        sock.off('close', onClose)
        fn()
      }
      const onData = (chunk: Buffer): void => {
        try {
          const r = reader.push(chunk)
          if (r.done) finish(() => resolve({ reply: r.value, bytes: reader.length }))
        } catch (err) {
          finish(() => reject(err))
        }
      }
      const onError = (err: Error): void =>
        finish(() => reject(this.#connError(errorCode(err) || 'ECONNRESET', reader.length)))
      const onClose = (): void => {
        const code = reader.length === 0 ? 'ECLOSED' : 'ECONNRESET'
        const midReply =
          reader.length === 0
            ? undefined
            : `fail2ban closed the connection on ${this.socketPath} in the middle of a reply (${reader.length} bytes received): the server may have stopped or crashed.`
        finish(() =>
          reject(new Fail2BanConnectionError(code, this.socketPath, midReply, reader.length))
        )
      }
      const timer = setTimeout(
        () => finish(() => reject(this.#connError('ETIMEDOUT', reader.length))),
        Math.max(0, deadline - Date.now())
      )
      sock.on('data', onData)
      sock.on('error', onError)
      sock.on('close', onClose)
      sock.write(frame)
    })
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

function goodbye(sock: Duplex): void {
  sock.removeAllListeners('data')
  sock.on('error', () => undefined)
  if (!sock.destroyed && sock.writable) sock.end(CLOSE_FRAME)
  else sock.destroy()
  // Do not wait for the server's close: drop the socket soon in any case.
  setTimeout(() => sock.destroy(), 1000).unref()
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
