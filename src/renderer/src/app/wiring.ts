/**
 * Connects main's events to the stores, and every call from one feature into another (refresh
 * everything, open the ban dialog for a jail, show an IP in its jail, the jail list other
 * features offer). Features never import each other's stores (lint keeps it so); they call
 * these. Every call goes through a feature's api.ts or store; nothing here touches window.bangui.
 *
 * One way to reach a store everywhere: components read state through selector hooks
 * (`useXStore(selectY)`) and call actions through `useXStore.getState().action`.
 */
import { accessApi } from '../features/access/api.ts'
import { useAccessStore } from '../features/access/store.ts'
import { auditApi } from '../features/audit/api.ts'
import { useAuditStore } from '../features/audit/store.ts'
import { banDialogApi } from '../features/ban-dialog/api.ts'
import { useBanDialogStore } from '../features/ban-dialog/store.ts'
import { bansApi } from '../features/bans/api.ts'
import { useBansStore } from '../features/bans/store.ts'
import { connectionApi } from '../features/connection/api.ts'
import { useConnectionStore } from '../features/connection/store.ts'
import { useFleetActionStore } from '../features/fleet/action-store.ts'
import { fleetApi } from '../features/fleet/api.ts'
import { fleetDigest, useFleetStore } from '../features/fleet/store.ts'
import { jailsApi } from '../features/jails/api.ts'
import {
  defaultBanJail,
  selectJails,
  selectRunningNamesKey,
  selectWatchedJail
} from '../features/jails/selectors.ts'
import { initialJailsState, useJailsStore } from '../features/jails/store.ts'
import { nextServerEpoch } from '../lib/server-epoch.ts'
import { useReloadStore } from '../features/reload/store.ts'
import { useSearchStore } from '../features/search/store.ts'
import { serversApi } from '../features/servers/api.ts'
import { useManageStore } from '../features/servers/manage-store.ts'
import { selectServers } from '../features/servers/selectors.ts'
import { useServersStore } from '../features/servers/store.ts'
import { settingsApi } from '../features/settings/api.ts'
import { useSettingsStore } from '../features/settings/store.ts'
import { setOnline } from '../lib/online.ts'

/** Reloads what is on screen: jails, the shown jail's settings and bans, the server info. */
export function refreshAll(): void {
  const jails = useJailsStore.getState()
  void jails.load()
  if (jails.selected) void jails.loadSettings(jails.selected)
  void useBansStore.getState().refresh()
  void useConnectionStore.getState().loadServerInfo()
  if (useFleetStore.getState().open) void useFleetStore.getState().refresh()
}

/**
 * After the active server changed: everything the jail views show belonged to the old server,
 * so they start over as on a fresh start (jails, selection, settings, bans, search, server
 * info) and open dialogs of the old server close.
 */
export function resetForServer(): void {
  nextServerEpoch()
  useJailsStore.setState(initialJailsState)
  // show(null) also drops a list still loading for the old server (its answer is ignored).
  void useBansStore.getState().show(null)
  useSearchStore.getState().clear()
  useConnectionStore.setState({ server: null })
  useReloadStore.getState().close()
  useBanDialogStore.getState().close()
  void useConnectionStore.getState().load()
  void useJailsStore
    .getState()
    .load()
    .then(() => {
      // The App shows the watched jail's bans on a change; when the new server's first jail has
      // the old one's name there is no change to see, so ask for it here (a repeat is a no-op).
      void useBansStore.getState().show(selectWatchedJail(useJailsStore.getState()))
    })
}

/** Resets the per-server views whenever the active server changes, however it changed. */
function watchActiveServer(): () => void {
  return useServersStore.subscribe((s, prev) => {
    const now = s.state?.active
    const before = prev.state?.active
    if (now !== undefined && before !== undefined && now !== before) resetForServer()
  })
}

/** True while the All servers view is shown (the switcher's "All servers" is current). */
export const useFleetViewOpen = () => useFleetStore((s) => s.open)

/** Shows the All servers view. */
export function showAllServers(): void {
  useFleetStore.getState().show()
}

/** Shows one server's jails: leaves the All servers view and makes `id` the active server. */
export function showServer(id: string): void {
  useFleetStore.getState().close()
  void useServersStore.getState().select(id)
}

/** Reload on one server: makes it active (its jails load), then opens the reload dialog. */
export async function reloadOnServer(id: string): Promise<void> {
  if (await useServersStore.getState().select(id)) useReloadStore.getState().show(null)
}

/** Every server (this machine first), for the fleet-wide dialogs. */
export const useServerChoices = () => useServersStore(selectServers)

/** Opens the Servers dialog (profiles: add, edit, remove, test). */
export function openServers(): void {
  useManageStore.getState().show()
}

/**
 * Opens the fleet-wide ban or unban dialog with `servers` ticked (by default the connected
 * ones), in the switcher's order.
 */
export function openFleetAction(
  mode: 'ban' | 'unban',
  text?: string,
  servers?: readonly string[]
): void {
  const ticked = selectServers(useServersStore.getState())
    .filter((s) => (servers ? servers.includes(s.id) : s.status === 'connected'))
    .map((s) => s.id)
  useFleetActionStore.getState().show(mode, ticked, text)
}

/** Shows one jail of one server: leaves the All servers view, switches, selects the jail. */
export async function showJailOnServer(id: string, jail: string): Promise<void> {
  useFleetStore.getState().close()
  // A switch resets the jails and starts their load; a selection made now survives that load
  // when the jail is in it (the list keeps a valid selection).
  if (await useServersStore.getState().select(id)) useJailsStore.getState().select(jail)
}

/**
 * What lowering a jail's ban time to `seconds` does to its current bans (fail2ban applies a new
 * ban time to current bans: a ban whose start + new ban time has passed ends at once). Null
 * when the jail's bans are not on screen.
 */
export function bansEndingAt(
  jail: string,
  seconds: number,
  now: number
): { endNow: number; total: number } | null {
  const b = useBansStore.getState()
  if (b.jail !== jail || b.status !== 'ready') return null
  if (seconds < 0) return { endNow: 0, total: b.bans.length }
  let endNow = 0
  for (const ban of b.bans) if (ban.bannedAt + seconds * 1000 <= now) endNow++
  return { endNow, total: b.bans.length }
}

/** Opens the ban dialog for the selected jail if it runs, else the first running one. */
export function openBanDialog(text?: string): void {
  useBanDialogStore.getState().show(defaultBanJail(useJailsStore.getState()), text)
}

/** Opens the ban dialog for one jail. */
export function openBanDialogFor(jail: string): void {
  useBanDialogStore.getState().show(jail)
}

/** Shows a jail and selects an IP (or network) in its ban table once its list is there. */
export function showIpInJail(jail: string, ip: string): void {
  useJailsStore.getState().select(jail)
  useBansStore.getState().revealIp(jail, ip)
}

/** Asks to unban everything in every jail (the bans feature confirms). */
export function askUnbanAllEverywhere(): void {
  useBansStore.getState().askUnbanAll(null)
}

/** The jail list, for features that offer a choice of jails (reload). */
export const useJailChoices = () => useJailsStore(selectJails)

/** The running jails' names joined by newlines (a stable string), for the ban dialog. */
export const useRunningJailsKey = () => useJailsStore(selectRunningNamesKey)

/** Opens the settings screen (from the connection banner, the top bar). */
export function openSettings(): void {
  useSettingsStore.getState().show()
}

/** The first load: connection state, then the jails (which fail quietly until connected). */
export function bootstrap(): void {
  void useConnectionStore
    .getState()
    .load()
    .then(() => {
      const c = useConnectionStore.getState().connection
      if (c) setOnline(c.status === 'connected', c.since)
    })
  void useAccessStore.getState().load()
  void useJailsStore.getState().load()
  void useServersStore.getState().load()
}

/** Subscribes the stores to main's events; returns the function that unsubscribes them all. */
export function connectEvents(): () => void {
  const offs = [
    connectionApi.onChange((state) => {
      const was = useConnectionStore.getState().connection?.status
      useConnectionStore.getState().apply(state)
      setOnline(state.status === 'connected', state.since)
      // Back from a disconnection: what is on screen may be stale, and errors it caused are gone.
      if (state.status === 'connected' && was !== 'connected') {
        useBansStore.getState().clearErrorNotice()
        refreshAll()
      }
    }),
    jailsApi.onChange((jails) => useJailsStore.getState().apply(jails)),
    jailsApi.onSettings((settings) => useJailsStore.getState().applySettings(settings)),
    bansApi.onChange((diff) => useBansStore.getState().applyDiff(diff)),
    banDialogApi.onProgress((p) => useBanDialogStore.getState().applyProgress(p)),
    accessApi.onChange((state) => useAccessStore.getState().apply(state)),
    settingsApi.onChange((state) => useSettingsStore.getState().apply(state)),
    auditApi.onAppend((entry) => useAuditStore.getState().append(entry)),
    serversApi.onChange((state) => {
      useServersStore.getState().apply(state)
      useFleetStore.getState().scheduleRefresh(fleetDigest(state.servers))
    }),
    fleetApi.onProgress((p) => useFleetActionStore.getState().applyProgress(p)),
    watchActiveServer()
  ]
  return () => {
    for (const off of offs) off()
  }
}
