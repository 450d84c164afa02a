/**
 * How a reload reaches fail2ban-client. Locally the Reloader runs the binary itself; through the
 * privileged helper it asks the helper, which runs the same binary as root with a clean
 * environment (`reload` verb) and lists the configured jails (`bangui-configured-jails`: the
 * names only, never the dump with its secrets). Either way the Reloader judges the outcome from
 * the same exit status and output.
 */
import type { CommandSender } from './commands.ts'
import { Fail2BanCommandError, Fail2BanProtocolError } from './errors.ts'

export interface RunResult {
  code: number
  output: string
}

export interface ReloadRunner {
  /** `fail2ban-client reload ARGS…`: its exit status and output. */
  reload(args: readonly string[]): Promise<RunResult>
  /** The jails the configuration enables (skipped ones included). */
  configuredJails(): Promise<string[]>
}

/** fail2ban-client's status when the helper reports a failed run (it exits 255 on errors). */
const FAILED = 255
/**
 * A reload of many jails with slow actions takes long. The helper gives fail2ban-client 300 s
 * (RELOAD_TIMEOUT_S); waiting a little longer here means main never calls a reload failed that
 * root is still running (a retry would queue a second one behind it).
 */
const RELOAD_TIMEOUT_MS = 310_000

/** The reload runner of the privileged helper, over the client that talks to it. */
export function helperReloadRunner(client: CommandSender): ReloadRunner {
  return {
    async reload(args) {
      try {
        const out = await client.send(['reload', ...args], { timeoutMs: RELOAD_TIMEOUT_MS })
        return { code: 0, output: typeof out === 'string' ? out : '' }
      } catch (err) {
        // fail2ban-client ran and failed: its output is in the message, judged like a local run
        if (err instanceof Fail2BanCommandError) return { code: FAILED, output: err.message }
        throw err
      }
    },
    async configuredJails() {
      const out = await client.send(['bangui-configured-jails'], { timeoutMs: RELOAD_TIMEOUT_MS })
      if (!Array.isArray(out) || !out.every((j) => typeof j === 'string'))
        throw new Fail2BanProtocolError('the helper listed the configured jails in a wrong shape')
      return out as string[]
    }
  }
}
