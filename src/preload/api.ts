/**
 * Builds the typed renderer API from the contract over any transport. The preload gives it
 * ipcRenderer-backed functions; the e2e harness gives it Playwright bindings. The renderer's
 * `window.bangui` type is `BanguiApi`, derived from here, never written twice.
 */
import { eventNames, invokeNames, type EventName, type InvokeName } from '../shared/channels.ts'
import type { EventContract, RequestOf, ResponseOf, Result } from '../shared/contract.ts'

export interface Transport {
  invoke(name: InvokeName, request: unknown): Promise<unknown>
  /** Subscribes to an event; returns the unsubscribe function. */
  on(name: EventName, listener: (payload: unknown) => void): () => void
}

type InvokeApi = {
  [K in InvokeName]: RequestOf<K> extends undefined
    ? () => Promise<Result<ResponseOf<K>>>
    : (request: RequestOf<K>) => Promise<Result<ResponseOf<K>>>
}

type EventApi = {
  [K in EventName as `on${Capitalize<K>}`]: (
    listener: (payload: EventContract[K]) => void
  ) => () => void
}

export type BanguiApi = InvokeApi & EventApi

/** Creates the api object: one function per contract channel, nothing else. */
export function createApi(transport: Transport): BanguiApi {
  const api: Record<string, unknown> = {}
  for (const name of invokeNames) {
    api[name] = (request?: unknown) => transport.invoke(name, request)
  }
  for (const name of eventNames) {
    const key = `on${name[0]!.toUpperCase()}${name.slice(1)}`
    api[key] = (listener: (payload: unknown) => void) => transport.on(name, (p) => listener(p))
  }
  return Object.freeze(api) as BanguiApi
}
