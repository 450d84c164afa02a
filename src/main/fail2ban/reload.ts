/**
 * Reload through `fail2ban-client reload`: only the official client builds the config stream
 * the server's `reload` command needs (a hand-built empty stream removes every jail). Reloads
 * are serialized, and each is verified afterwards by asking the server which jails run.
 *
 * fail2ban-client pings the socket and unpickles the reply as the user who runs it, and reads
 * whatever config it is given: so it runs by absolute path from a root-owned system directory,
 * with a small fixed environment (nothing inherited: no PATH from npm, no PYTHON*), and only
 * after the socket, the config dir and the binary pass the trust rule (trust.ts), every run.
 */
import { execFile } from 'node:child_process'
import type { ReloadResult } from '../../shared/model.ts'
import { checkJailName } from '../../shared/validation.ts'
import { Fail2BanArgumentError, Fail2BanCommandError } from './errors.ts'
import { assertTrustedPath, UntrustedPathError } from './trust.ts'

/** Where fail2ban-client is looked for (in this order); each must be owned by root. */
export const CLIENT_CANDIDATES = [
  '/usr/bin/fail2ban-client',
  '/usr/sbin/fail2ban-client',
  '/bin/fail2ban-client',
  '/sbin/fail2ban-client',
  '/usr/local/bin/fail2ban-client',
  '/usr/local/sbin/fail2ban-client'
] as const

/** The whole environment fail2ban-client gets. */
export const CLIENT_ENV: Readonly<Record<string, string>> = Object.freeze({
  PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8'
})

/** The first candidate that exists and is owned by root; null if none. */
export async function findClient(): Promise<string | null> {
  for (const path of CLIENT_CANDIDATES) {
    try {
      return await assertTrustedPath(path, 'executable', { uid: 0 })
    } catch {
      // missing or not root's: try the next
    }
  }
  return null
}

export type ReloadScope =
  | { kind: 'all' }
  /** Exactly these jails. */
  | { kind: 'include'; jails: readonly string[] }
  /** Every configured jail except these (which are left untouched). */
  | { kind: 'exclude'; jails: readonly string[] }

export interface ReloadRequest {
  scope: ReloadScope
  /** Restart the affected jails completely (`--restart`). */
  restart?: boolean
  /** With restart: unban the jails' IPs (`--unban`). */
  unban?: boolean
}

export interface ReloaderOptions {
  socketPath: string
  /** Configuration directory (`-c`); fail2ban-client's default (/etc/fail2ban) when absent. */
  confDir?: string
  /**
   * fail2ban-client's absolute path (tests); it must pass the trust rule. Default: the first of
   * {@link CLIENT_CANDIDATES} owned by root.
   */
  clientPath?: string
  /** Per fail2ban-client run. Default 120 s: reloading many jails with slow actions takes long. */
  timeoutMs?: number
  /** Lists the running jails after a reload (the command layer's jailNames). */
  runningJails: () => Promise<string[]>
}

interface RunResult {
  code: number
  output: string
}

export class Reloader {
  readonly #o: ReloaderOptions
  #queue: Promise<unknown> = Promise.resolve()
  #pending = 0

  constructor(opts: ReloaderOptions) {
    this.#o = opts
  }

  /** True while a reload runs or waits to run. */
  get running(): boolean {
    return this.#pending > 0
  }

  /** Runs one reload after any in progress, then verifies that the expected jails run. */
  reload(req: ReloadRequest): Promise<ReloadResult> {
    validate(req)
    this.#pending++
    const next = this.#queue.then(() => this.#reload(req)).finally(() => this.#pending--)
    this.#queue = next.catch(() => undefined)
    return next
  }

  /**
   * Jails the configuration enables, from `fail2ban-client -d`: those it would start, plus
   * those it skips because of errors (fail2ban-client only logs "Errors in jail 'x'.
   * Skipping..." and still exits 0, so a broken jail would otherwise vanish unnoticed).
   */
  async configuredJails(): Promise<string[]> {
    const r = await this.#run(['-d'])
    if (r.code !== 0)
      throw new Fail2BanCommandError(
        'fail2ban-client',
        `reading the configuration failed: ${lastLines(r.output)}`
      )
    const jails = [...r.output.matchAll(/^\['start', '([^']+)'\]$/gm)].map((m) => m[1]!)
    for (const m of r.output.matchAll(/Errors in jail '([^']+)'\. Skipping/g)) {
      if (!jails.includes(m[1]!)) jails.push(m[1]!)
    }
    return jails
  }

  async #reload(req: ReloadRequest): Promise<ReloadResult> {
    const started = performance.now()
    const flags = [
      ...(req.restart ? ['--restart'] : []),
      ...(req.restart && req.unban ? ['--unban'] : [])
    ]
    const outputs: string[] = []
    let ok = true
    let expected: string[]
    const runOne = async (target: string[]): Promise<void> => {
      const r = await this.#run(['reload', ...flags, ...target])
      outputs.push(
        `$ fail2ban-client reload ${[...flags, ...target].join(' ')}\n${r.output.trim()}`
      )
      if (r.code !== 0) ok = false
    }
    // A configuration that cannot be read is reported, not thrown: the admin needs the output.
    const configured = async (): Promise<string[]> => {
      try {
        return await this.configuredJails()
      } catch (err) {
        ok = false
        outputs.push((err as Error).message)
        return this.#o.runningJails()
      }
    }
    if (req.scope.kind === 'all') {
      expected = await configured()
      await runOne(['--all'])
    } else if (req.scope.kind === 'include') {
      expected = [...req.scope.jails]
      for (const j of expected) await runOne([j])
    } else {
      const excluded = new Set(req.scope.jails)
      expected = (await configured()).filter((j) => !excluded.has(j))
      for (const j of expected) await runOne([j])
    }
    const running = new Set(await this.#o.runningJails())
    const missing = expected.filter((j) => !running.has(j))
    return {
      ok: ok && missing.length === 0,
      jails: expected,
      missing,
      output: outputs.join('\n'),
      durationMs: Math.round(performance.now() - started)
    }
  }

  /** Checks the binary, socket and config dir; returns the binary's path. */
  async #trusted(): Promise<string> {
    try {
      await assertTrustedPath(this.#o.socketPath, 'socket')
      if (this.#o.confDir !== undefined) await assertTrustedPath(this.#o.confDir, 'directory')
      if (this.#o.clientPath !== undefined)
        return await assertTrustedPath(this.#o.clientPath, 'executable')
    } catch (err) {
      if (err instanceof UntrustedPathError)
        throw new Fail2BanCommandError('fail2ban-client', `not run: ${err.message}`)
      throw err
    }
    const found = await findClient()
    if (found === null) {
      throw new Fail2BanCommandError(
        'fail2ban-client',
        `not run: no root-owned fail2ban-client in ${CLIENT_CANDIDATES.map((p) => p.replace(/\/fail2ban-client$/, '')).join(', ')}. Install fail2ban.`
      )
    }
    return found
  }

  async #run(args: string[]): Promise<RunResult> {
    const client = await this.#trusted()
    const base = ['-s', this.#o.socketPath, ...(this.#o.confDir ? ['-c', this.#o.confDir] : [])]
    return new Promise((resolve, reject) => {
      execFile(
        client,
        [...base, ...args],
        {
          timeout: this.#o.timeoutMs ?? 120_000,
          maxBuffer: 32 * 1024 * 1024,
          env: { ...CLIENT_ENV }
        },
        (err, stdout, stderr) => {
          const output = `${stdout}${stderr}`
          if (err && typeof err.code !== 'number') {
            const why = err.killed ? 'timed out' : err.message
            reject(
              new Fail2BanCommandError(
                'fail2ban-client',
                `fail2ban-client ${args[0]} failed: ${why}`
              )
            )
            return
          }
          resolve({ code: err ? Number(err.code) : 0, output })
        }
      )
    })
  }
}

function validate(req: ReloadRequest): void {
  if (req.scope.kind === 'all') return
  if (req.scope.jails.length === 0)
    throw new Fail2BanArgumentError('name at least one jail to reload')
  for (const j of req.scope.jails) {
    const c = checkJailName(j)
    if (!c.ok) throw new Fail2BanArgumentError(c.reason)
  }
}

function lastLines(s: string): string {
  return s.trim().split('\n').slice(-3).join(' | ')
}
