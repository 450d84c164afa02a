/**
 * The main process's file logger: pino (one JSON object per line) into a size-rotated file
 * (pino-roll): `<dir>/main.1.log`, `main.2.log`, … ; the oldest beyond `keep` are removed.
 *
 * pino-roll runs in this thread as a plain destination stream rather than as a pino transport:
 * a transport runs in a worker thread that loads its module by name at run time, which is fragile
 * inside an asar archive and buys nothing at BanGUI's few lines per second. Opening the file is
 * asynchronous, so lines logged before it is open are buffered (at most 10 000) and written first;
 * after that each line is written synchronously.
 * The log names sockets, jails and IPs: the directory is 0700 and each file 0600 (files and a
 * directory left by an older version with wider modes are narrowed at start).
 * No electron here: tests use it in plain Node.
 */
import { chmodSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import pino from 'pino'
import pinoRoll from 'pino-roll'
import type { SonicBoom } from 'sonic-boom'
import type { Logger } from './fail2ban/log.ts'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface FileLoggerOptions {
  level?: LogLevel
  /** Also write each line to stdout (development). */
  console?: boolean
  /** Start a new file once the current one reaches this size. Default 5 MiB. */
  maxBytes?: number
  /** Rotated files kept besides the current one. Default 5. */
  keep?: number
  /** File base name. Default `main` (→ main.1.log). */
  name?: string
}

export interface FileLogger extends Logger {
  readonly dir: string
  /** Resolves once every line logged so far is written to the file. */
  flush(): Promise<void>
  /** Flushes and closes the file. Later lines are dropped. */
  close(): Promise<void>
}

const MAX_PENDING = 10_000

/** Creates the logger; the file is opened in the background (see the module comment). */
export function createFileLogger(dir: string, opts: FileLoggerOptions = {}): FileLogger {
  const level = opts.level ?? 'info'
  let dest: SonicBoom | null = null
  let closed = false
  const pending: string[] = []
  const base = opts.name ?? 'main'
  privateDir(dir, base)

  const opened = pinoRoll({
    file: join(dir, base),
    extension: '.log',
    size: `${Math.max(1, Math.floor(opts.maxBytes ?? 5 * 1024 * 1024))}b`,
    limit: { count: opts.keep ?? 5 },
    mkdir: true,
    mode: 0o600,
    // Synchronous writes: a line is in the file when the call returns, so the lines before a
    // crash are kept, and flush has nothing to wait for. At a few lines per second it costs
    // nothing noticeable.
    sync: true
  }).then(
    (d) => {
      dest = d
      d.on('error', (err: Error) => process.stderr.write(`log file error: ${err.message}\n`))
      for (const line of pending.splice(0)) d.write(line)
      return d
    },
    (err: Error) => {
      process.stderr.write(`cannot open the log file in ${dir}: ${err.message}\n`)
      pending.length = 0
      return null
    }
  )

  const stream = {
    write(line: string): void {
      if (closed) return
      if (opts.console) process.stdout.write(line)
      if (dest) dest.write(line)
      else if (pending.length < MAX_PENDING) pending.push(line)
    }
  }

  const p = pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) }
    },
    stream
  )

  // Writes are synchronous (see above): once the file is open and the early lines are
  // written, everything logged is in the file.
  const flush = async (): Promise<void> => {
    await opened
  }

  const at =
    (l: LogLevel) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (fields) p[l](fields, msg)
      else p[l](msg)
    }

  return {
    dir,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    flush,
    async close() {
      if (closed) return
      await flush()
      closed = true
      const d = await opened
      if (d) {
        await new Promise<void>((resolve) => {
          d.once('close', () => resolve())
          d.end()
        })
      }
    }
  }
}

/** Creates the log dir as 0700 (or narrows it) and narrows existing log files to 0600. */
function privateDir(dir: string, base: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    chmodSync(dir, 0o700)
    for (const f of readdirSync(dir)) {
      if (f.startsWith(`${base}.`) && f.endsWith('.log')) chmodSync(join(dir, f), 0o600)
    }
  } catch (err) {
    process.stderr.write(`cannot prepare the log directory ${dir}: ${(err as Error).message}\n`)
  }
}
