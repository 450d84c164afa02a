import type { BanguiApi } from '../../preload/api.ts'

declare global {
  interface Window {
    /** The only bridge to main: built by the preload from the IPC contract. */
    bangui: BanguiApi
  }
}
