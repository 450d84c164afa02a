/**
 * What the preload does in Electron, for a plain Chromium page: the same `createApi` factory,
 * over Playwright bindings instead of ipcRenderer. Built to out/e2e/bridge.js (IIFE) and
 * injected with page.addInitScript before the renderer loads.
 */
import { createApi } from '../../src/preload/api.ts'

type Listener = (payload: unknown) => void

interface BridgeWindow {
  __banguiInvoke(name: string, request: unknown): Promise<unknown>
  __banguiEmit?: (name: string, payload: unknown) => void
  bangui?: unknown
}

const w = globalThis as unknown as BridgeWindow
const listeners = new Map<string, Set<Listener>>()

w.__banguiEmit = (name, payload) => {
  for (const l of listeners.get(name) ?? []) l(payload)
}

w.bangui = createApi({
  invoke: (name, request) => w.__banguiInvoke(name, request),
  on: (name, listener) => {
    let set = listeners.get(name)
    if (!set) listeners.set(name, (set = new Set()))
    set.add(listener)
    return () => set.delete(listener)
  }
})
