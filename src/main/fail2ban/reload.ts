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
import type { ReloadOutcome, ReloadResult } from '../../shared/model.ts'
import { checkJailName } from '../../shared/validation.ts'
import { Fail2BanArgumentError, Fail2BanCommandError } from './errors.ts'
import { assertTrustedPath, UntrustedPathError } from './trust.ts'
import type { ReloadRunner, RunResult } from './reload-runner.ts'

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
  /**
   * Another way to run fail2ban-client, asked at each reload (the app may switch to the
   * privileged helper at any time); null or absent: run it here.
   */
  runner?: () => ReloadRunner | null
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
    const remote = this.#o.runner?.()
    if (remote) return remote.configuredJails()
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
    const runs: RunResult[] = []
    let configError: string | null = null
    let expected: string[]
    const remote = this.#o.runner?.() ?? null
    const runOne = async (target: string[]): Promise<void> => {
      const args = ['reload', ...flags, ...target]
      const r = remote ? await remote.reload(args.slice(1)) : await this.#run(args)
      runs.push(r)
      outputs.push(
        `$ fail2ban-client reload ${[...flags, ...target].join(' ')}\n${r.output.trim()}`
      )
    }
    // A configuration that cannot be read is reported, not thrown: the admin needs the output.
    const configured = async (): Promise<string[]> => {
      try {
        return await this.configuredJails()
      } catch (err) {
        configError = (err as Error).message
        outputs.push(configError)
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
    const output = outputs.join('\n')
    const { outcome, error } = judge(runs, configError)
    const failures = missing.map((jail) => ({ jail, reason: reasonFor(jail, output) }))
    return {
      ok: outcome === 'reloaded' && missing.length === 0,
      outcome: outcome === 'reloaded' && missing.length > 0 ? 'partial' : outcome,
      error,
      jails: expected,
      missing,
      failures,
      output,
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

/** A fail2ban log line: `DATE TIME LOGGER [PID]: LEVEL   message`. */
const LOG_LINE = /^\S+ \S+ \S+\s+\[\d+\]: (ERROR|WARNING|CRITICAL)\s+(.*)$/

function problems(output: string): { level: string; text: string }[] {
  const out: { level: string; text: string }[] = []
  for (const line of output.split('\n')) {
    const m = LOG_LINE.exec(line.trim())
    if (m) out.push({ level: m[1]!, text: m[2]!.trim() })
  }
  return out
}

/**
 * Whether anything was reloaded. fail2ban-client checks the whole configuration before it sends
 * anything: "Failed during configuration: …" (exit 255) means the server was not touched.
 * When every run failed, nothing was reloaded either; when some did, the rest is partial.
 */
export function judge(
  runs: readonly RunResult[],
  configError: string | null
): { outcome: ReloadOutcome; error: string | null } {
  const failed = runs.filter((r) => r.code !== 0)
  const reasonOf = (r: RunResult): string => {
    const cfg = /Failed during configuration: (.*)$/m.exec(r.output)
    if (cfg) return cfg[1]!.trim()
    const errs = problems(r.output).filter((p) => p.level !== 'WARNING')
    return errs.length
      ? errs.map((p) => p.text).join('; ')
      : lastLines(r.output) || `exit ${r.code}`
  }
  if (runs.length > 0 && failed.length === runs.length)
    return { outcome: 'not-reloaded', error: reasonOf(failed[0]!) }
  if (failed.length > 0) return { outcome: 'partial', error: failed.map(reasonOf).join('; ') }
  return { outcome: configError === null ? 'reloaded' : 'partial', error: configError }
}

/**
 * fail2ban's reason for a jail that does not run: the ERROR lines that led to "Errors in jail 'J'.
 * Skipping..." (e.g. "Unable to read the filter 'x'"), or any line naming the jail.
 */
export function reasonFor(jail: string, output: string): string {
  const lines = problems(output)
  const skip = lines.findIndex((p) => p.text.startsWith(`Errors in jail '${jail}'`))
  if (skip !== -1) {
    const before: string[] = []
    for (let i = skip - 1; i >= 0; i--) {
      const p = lines[i]!
      if (p.level === 'WARNING' || p.text.startsWith('Errors in jail ')) break
      before.unshift(p.text)
    }
    // "Found no accessible config files for 'filter.d/x' under DIR" says where; keep the last.
    if (before.length) return before.at(-1)!
    return 'fail2ban skipped it because of errors in its configuration'
  }
  const naming = lines.find((p) => p.text.includes(`'${jail}'`) || p.text.includes(` ${jail} jail`))
  if (naming) return naming.text.replace(/^Failed during configuration: /, '')
  return 'not running after the reload (fail2ban gave no reason)'
}
