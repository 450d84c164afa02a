/**
 * A Fail2BanClient whose transport is the privileged helper's stdio (see helper/launcher.ts).
 * The first helper is started here, so a refused password or a missing sudoers rule is known
 * before the app switches to it. pkexec would ask for the password on every start, so a pkexec
 * helper that ends is never restarted by itself; a `sudo -n` helper (no prompt) is.
 */
import { Fail2BanClient } from '../fail2ban/client.ts'
import type { Logger } from '../fail2ban/index.ts'
import {
  launchHelper,
  type HelperExit,
  type HelperSession,
  type HelperVia
} from '../helper/launcher.ts'

export interface HelperClientOptions {
  via: HelperVia
  helperPath: string
  /** After `--stdio`: `--socket`/`--conf` where they differ from the server's defaults. */
  extraArgs?: readonly string[]
  timeoutMs?: number
  logger?: Logger
  /** The helper ended while the client still used it (not after `close()`). */
  onExit?: (reason: string) => void
}

export interface HelperClient {
  client: Fail2BanClient
  version: string
  /** Closes the client (the helper exits on end of input) and makes sure the helper is gone. */
  close(): Promise<void>
}

/** Starts the helper once; rejects with the launcher's HelperLaunchError. */
export async function startHelperClient(o: HelperClientOptions): Promise<HelperClient> {
  const launch = (): Promise<HelperSession> =>
    launchHelper({
      via: o.via,
      helperPath: o.helperPath,
      ...(o.extraArgs ? { extraArgs: o.extraArgs } : {})
    })
  let closed = false
  let current: HelperSession | null = null
  const watch = (s: HelperSession): HelperSession => {
    current = s
    void s.exited.then((e) => {
      if (closed || current !== s) return
      const reason = describeExit(o.via, e)
      o.logger?.warn('privileged helper ended', { via: o.via, reason })
      o.onExit?.(reason)
    })
    return s
  }
  let first: HelperSession | null = watch(await launch())
  const version = first.version
  const client = new Fail2BanClient({
    stream: {
      description: `the BanGUI helper (${o.via})`,
      autoReopen: o.via !== 'pkexec',
      open: async () => {
        const s = first ?? watch(await launch())
        first = null
        return s.stream
      }
    },
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.logger ? { logger: o.logger } : {})
  })
  return {
    client,
    version,
    async close() {
      closed = true
      await client.close()
      const last = current
      // The helper exits at the end of its input; a stuck one is ended after a grace period.
      if (last) setTimeout(() => last.kill(), 1000).unref()
    }
  }
}

function describeExit(via: HelperVia, e: HelperExit): string {
  const how = e.signal ? `was ended by ${e.signal}` : `exited with status ${e.code}`
  const said = e.stderr.trim().split('\n').slice(-2).join(' ')
  const again =
    via === 'pkexec' ? ' Choose "Try again" to start it (you will be asked for the password).' : ''
  return `The BanGUI helper ${how}${said ? `: ${said}` : '.'}${again}`
}
