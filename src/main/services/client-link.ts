/**
 * The client the services talk through, replaceable at run time: the admin may switch from the
 * direct socket to the privileged helper (or back) without the services being rebuilt. Commands
 * in flight finish (or fail) on the client they started on; the old client is then closed.
 */
import type { CommandArg, CommandSender } from '../fail2ban/index.ts'
import type { Fail2BanClient, SendOptions } from '../fail2ban/client.ts'

/** Ends a client and whatever it started (e.g. the helper process). */
export type Dispose = () => Promise<void>

export class ClientLink implements CommandSender {
  #client: Fail2BanClient
  #dispose: Dispose

  constructor(client: Fail2BanClient, dispose: Dispose = () => client.close()) {
    this.#client = client
    this.#dispose = dispose
  }

  get current(): Fail2BanClient {
    return this.#client
  }

  send(tokens: readonly CommandArg[], opts?: SendOptions): Promise<unknown> {
    return this.#client.send(tokens, opts)
  }

  /** Uses `next` from now on and disposes of the client used so far. */
  async replace(next: Fail2BanClient, dispose: Dispose = () => next.close()): Promise<void> {
    if (next === this.#client) return
    const old = this.#dispose
    this.#client = next
    this.#dispose = dispose
    await old()
  }

  close(): Promise<void> {
    return this.#dispose()
  }
}
