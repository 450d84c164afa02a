/**
 * How main reaches fail2ban: the socket directly, or the privileged helper started through
 * pkexec or `sudo -n`. Holds the admin's remembered choice, starts the helper only after the
 * admin opted in, and never starts it twice for one request: a helper that failed stays failed,
 * with its reason, until the admin asks again (a pkexec retry would be another password prompt).
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { userInfo } from 'node:os'
import {
  ACCESS_MODES,
  type AccessMode,
  type AccessState,
  type HelperStatus,
  type SudoCheck
} from '../../shared/access.ts'
import type { EventSink } from './events.ts'

/** What a mode switch starts; resolves with the helper's version (null for direct). */
export type ActivateAccess = (mode: AccessMode) => Promise<{ helperVersion: string | null }>

export interface AccessServiceOptions {
  helperPath: string
  /** The remembered choice, and how to remember a new one. */
  loadMode: () => AccessMode
  saveMode: (mode: AccessMode) => Promise<void>
  /** Builds the transport of a mode and makes the client use it (see app-services). */
  activate: ActivateAccess
  emit: EventSink
  /** Runs `sudo -n -l HELPER --stdio`; injectable for tests. */
  checkSudo?: (helperPath: string, args: readonly string[]) => Promise<SudoCheck>
  /**
   * The arguments the app passes after `--stdio` (a non-default socket or config dir): a sudoers
   * rule names the exact command line, so the advice and the check must carry them too.
   */
  helperArgs?: readonly string[]
  username?: string
  runningAsRoot?: boolean
  now?: () => number
}

/** After a failed start, another is accepted only after this pause. */
export const RETRY_PAUSE_MS = 3000

export class AccessService {
  readonly #o: AccessServiceOptions
  #mode: AccessMode
  #status: HelperStatus = 'stopped'
  #version: string | null = null
  #message = ''
  #switching: Promise<AccessState> | null = null
  #failedAt = 0

  constructor(opts: AccessServiceOptions) {
    this.#o = opts
    const mode = opts.loadMode()
    this.#mode = ACCESS_MODES.includes(mode) ? mode : 'direct'
  }

  get mode(): AccessMode {
    return this.#mode
  }

  state(): AccessState {
    const user = this.#o.username ?? safeUsername()
    const helper = this.#o.helperPath
    const command = [helper, '--stdio', ...(this.#o.helperArgs ?? [])].join(' ')
    const line = `${sudoersUser(user)} ALL=(root) NOPASSWD: ${command}`
    return {
      mode: this.#mode,
      helperPath: helper,
      helperInstalled: existsSync(helper),
      helper: { status: this.#status, version: this.#version, message: this.#message },
      sudoersLine: line,
      // A private temp file (mktemp: random name, mode 0600), never a fixed /tmp path another
      // user could create first; visudo checks it before it is installed.
      sudoersCommands: [
        'f=$(mktemp)',
        `echo '${line}' > "$f"`,
        'sudo visudo -cf "$f" && sudo install -m 0440 -o root -g root "$f" /etc/sudoers.d/bangui',
        'rm -f "$f"'
      ],
      runningAsRoot: this.#o.runningAsRoot ?? process.getuid?.() === 0
    }
  }

  /** Starts the remembered mode at launch (the helper only if the admin chose it before). */
  start(): Promise<AccessState> {
    return this.#switch(this.#mode, false)
  }

  /** The admin chose a mode: remember it and switch now. Concurrent calls share one switch. */
  choose(mode: AccessMode): Promise<AccessState> {
    if (!ACCESS_MODES.includes(mode)) return Promise.reject(new Error(`unknown access ${mode}`))
    return this.#switch(mode, true)
  }

  /** The helper process ended on its own (crash, killed, session over): say so, don't restart. */
  helperExited(reason: string): void {
    if (this.#mode === 'direct' || this.#status === 'stopped') return
    this.#status = 'failed'
    this.#message = reason
    this.#emit()
  }

  /** "Check again": does sudo let this user start the helper without a password? */
  checkSudo(): Promise<SudoCheck> {
    return (this.#o.checkSudo ?? runSudoCheck)(this.#o.helperPath, this.#o.helperArgs ?? [])
  }

  #switch(mode: AccessMode, remember: boolean): Promise<AccessState> {
    this.#switching ??= this.#doSwitch(mode, remember).finally(() => (this.#switching = null))
    return this.#switching
  }

  async #doSwitch(mode: AccessMode, remember: boolean): Promise<AccessState> {
    // A failed start is not retried at once, even when asked (a compromised renderer could
    // otherwise keep a password dialog on screen).
    const now = (this.#o.now ?? Date.now)()
    if (this.#status === 'failed' && now - this.#failedAt < RETRY_PAUSE_MS) return this.state()
    this.#mode = mode
    this.#status = mode === 'direct' ? 'stopped' : 'starting'
    this.#version = null
    this.#message = ''
    this.#emit()
    try {
      const { helperVersion } = await this.#o.activate(mode)
      this.#version = helperVersion
      this.#status = mode === 'direct' ? 'stopped' : 'running'
      // Remembered only once it worked: a dismissed password is not asked again at every start.
      if (remember) await this.#o.saveMode(mode)
    } catch (err) {
      this.#status = 'failed'
      this.#failedAt = (this.#o.now ?? Date.now)()
      this.#message = err instanceof Error ? err.message : String(err)
    }
    this.#emit()
    return this.state()
  }

  #emit(): void {
    this.#o.emit('accessChanged', this.state())
  }
}

/** sudoers needs a user name it can parse; anything odd is quoted as `#uid` instead. */
function sudoersUser(name: string): string {
  return /^[a-z_][a-z0-9_.-]{0,31}$/i.test(name) ? name : `#${process.getuid?.() ?? 0}`
}

function safeUsername(): string {
  try {
    return userInfo().username
  } catch {
    return `#${process.getuid?.() ?? 0}`
  }
}

/** `sudo -n -l CMD ARGS` exits 0 only when sudo would run exactly that without a password. */
function runSudoCheck(helperPath: string, args: readonly string[]): Promise<SudoCheck> {
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/sudo', ['-n', '-l', helperPath, '--stdio', ...args], {
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.on('error', (err) => {
      clearTimeout(timer)
      resolve({ ok: false, message: `sudo could not run: ${err.message}` })
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      const said = out.trim().slice(0, 500)
      resolve(
        code === 0
          ? { ok: true, message: 'sudo lets you start the helper without a password.' }
          : {
              ok: false,
              message: said.includes('password is required')
                ? 'sudo still asks for a password: the sudoers rule is not installed (or does not match this user).'
                : said || `sudo refused (exit ${code})`
            }
      )
    })
  })
}
