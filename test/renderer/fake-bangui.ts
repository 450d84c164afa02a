/**
 * A fake `window.bangui` for store tests in Node: records every invoke, answers from a table
 * (a value, an error, or a function of the request), and lets a test emit main's events.
 * Typed against the preload's BanguiApi, so a contract change breaks these tests at compile time.
 */
import { toBanColumns } from '../../src/shared/ban-columns.ts'
import type { Ban } from '../../src/shared/model.ts'
import type { BanguiApi } from '../../src/preload/api.ts'
import type { AppErrorData, EventContract } from '../../src/shared/contract.ts'

export type Answer = unknown | AppErrorData | ((request: unknown) => unknown)
export interface Call {
  name: string
  request: unknown
}

/** Marks an answer as an error result. */
export const failure = (code: AppErrorData['code'], message: string) => ({
  __error: { code, message } satisfies AppErrorData
})

export interface FakeBangui {
  api: BanguiApi
  calls: Call[]
  answers: Record<string, Answer>
  /** Emits an event to the listeners the app registered. */
  emit<K extends keyof EventContract>(name: K, payload: EventContract[K]): void
  listenerCount(name: keyof EventContract): number
  /** Names of the invokes so far. */
  names(): string[]
}

/** A promise with its resolve, for answers that arrive when the test says so. */
export function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

export function createFakeBangui(): FakeBangui {
  const calls: Call[] = []
  const answers: Record<string, Answer> = {}
  const listeners = new Map<string, Set<(p: unknown) => void>>()
  const api = new Proxy({} as Record<string, unknown>, {
    get(_t, prop: string) {
      if (/^on[A-Z]/.test(prop)) {
        const name = prop[2]!.toLowerCase() + prop.slice(3)
        return (listener: (p: unknown) => void) => {
          let set = listeners.get(name)
          if (!set) listeners.set(name, (set = new Set()))
          set.add(listener)
          return () => set.delete(listener)
        }
      }
      return async (request: unknown) => {
        calls.push({ name: prop, request })
        let answer = answers[prop]
        if (typeof answer === 'function')
          answer = await (answer as (r: unknown) => unknown)(request)
        if (answer && typeof answer === 'object' && '__error' in answer) {
          return { ok: false, error: (answer as { __error: AppErrorData }).__error }
        }
        // Main sends ban lists as columns; tests write them as Ban objects.
        if (prop === 'listBans' && Array.isArray(answer))
          answer = toBanColumns((request as { jail: string }).jail, answer as Ban[])
        return { ok: true, value: answer ?? null }
      }
    }
  }) as unknown as BanguiApi
  return {
    api,
    calls,
    answers,
    emit(name, payload) {
      for (const l of listeners.get(name) ?? []) l(payload)
    },
    listenerCount: (name) => listeners.get(name)?.size ?? 0,
    names: () => calls.map((c) => c.name)
  }
}
