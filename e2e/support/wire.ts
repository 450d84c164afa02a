/**
 * Wires a Playwright page to main-process services the way the preload wires Electron's
 * renderer: the page gets the preload's own api factory (bridge.js), invokes reach `dispatch`
 * through a binding, and service events are delivered with page.evaluate. Used by the e2e
 * fixtures and by the bench.
 */
import { resolve } from 'node:path'
import type { Page } from '@playwright/test'
import type { Dispatch } from '../../src/main/ipc/registry.ts'
import type { EventHub } from '../../src/main/services/events.ts'

export const BRIDGE_JS = resolve(import.meta.dirname, '../../out/e2e/bridge.js')

export interface Wiring {
  calls: { name: string; request: unknown }[]
  unsubscribe: () => void
}

export async function wirePage(page: Page, dispatch: Dispatch, events: EventHub): Promise<Wiring> {
  const calls: Wiring['calls'] = []
  await page.exposeBinding('__banguiInvoke', async (_source, name: string, request: unknown) => {
    calls.push({ name, request })
    return dispatch(name, request)
  })
  await page.addInitScript({ path: BRIDGE_JS })
  const unsubscribe = events.subscribe((name, payload) => {
    page
      .evaluate(
        ([n, p]) =>
          (
            globalThis as unknown as { __banguiEmit?: (n: string, p: unknown) => void }
          ).__banguiEmit?.(n, p),
        [name, payload] as const
      )
      .catch(() => undefined)
  })
  return { calls, unsubscribe }
}
