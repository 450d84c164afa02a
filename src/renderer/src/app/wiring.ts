/**
 * Connects main's events to the stores, and the cross-feature actions of the shell (refresh
 * everything, open the ban dialog for the right jail). Every call goes through a feature's
 * api.ts or store; nothing here touches window.bangui.
 */
import { accessApi } from '../features/access/api.ts'
import { useAccessStore } from '../features/access/store.ts'
import { banDialogApi } from '../features/ban-dialog/api.ts'
import { useBanDialogStore } from '../features/ban-dialog/store.ts'
import { bansApi } from '../features/bans/api.ts'
import { useBansStore } from '../features/bans/store.ts'
import { connectionApi } from '../features/connection/api.ts'
import { useConnectionStore } from '../features/connection/store.ts'
import { jailsApi } from '../features/jails/api.ts'
import { defaultBanJail } from '../features/jails/selectors.ts'
import { useJailsStore } from '../features/jails/store.ts'

/** Reloads what is on screen: jails, the shown jail's settings and bans, the server info. */
export function refreshAll(): void {
  const jails = useJailsStore.getState()
  void jails.load()
  if (jails.selected) void jails.loadSettings(jails.selected)
  void useBansStore.getState().refresh()
  void useConnectionStore.getState().loadServerInfo()
}

/** Opens the ban dialog for the selected jail if it runs, else the first running one. */
export function openBanDialog(text?: string): void {
  useBanDialogStore.getState().show(defaultBanJail(useJailsStore.getState()), text)
}

/** The first load: connection state, then the jails (which fail quietly until connected). */
export function bootstrap(): void {
  void useConnectionStore.getState().load()
  void useAccessStore.getState().load()
  void useJailsStore.getState().load()
}

/** Subscribes the stores to main's events; returns the function that unsubscribes them all. */
export function connectEvents(): () => void {
  const offs = [
    connectionApi.onChange((state) => {
      const was = useConnectionStore.getState().connection?.status
      useConnectionStore.getState().apply(state)
      // Back from a disconnection: what is on screen may be stale.
      if (state.status === 'connected' && was !== 'connected') refreshAll()
    }),
    jailsApi.onChange((jails) => useJailsStore.getState().apply(jails)),
    bansApi.onChange((diff) => useBansStore.getState().applyDiff(diff)),
    banDialogApi.onProgress((p) => useBanDialogStore.getState().applyProgress(p)),
    accessApi.onChange((state) => useAccessStore.getState().apply(state))
  ]
  return () => {
    for (const off of offs) off()
  }
}
