import { useEffect, useRef, useState } from 'react'
import { AccessScreen } from '../features/access/components/AccessScreen.tsx'
import { needsAccessScreen } from '../features/access/selectors.ts'
import { useAccessStore } from '../features/access/store.ts'
import { AboutDialog } from '../features/about/components/AboutDialog.tsx'
import { useAboutStore } from '../features/about/store.ts'
import { AuditDialog } from '../features/audit/components/AuditDialog.tsx'
import { useAuditStore } from '../features/audit/store.ts'
import { BanDialog } from '../features/ban-dialog/components/BanDialog.tsx'
import { BanConfirmations } from '../features/bans/components/BanConfirmations.tsx'
import { BAN_GRID_ID } from '../features/bans/components/BanTable.tsx'
import { useBansStore } from '../features/bans/store.ts'
import { HistoryView } from '../features/history/components/HistoryView.tsx'
import { ConnectionBanner } from '../features/connection/components/ConnectionBanner.tsx'
import { FLEET_SEARCH_INPUT_ID } from '../features/fleet/components/FleetSearch.tsx'
import { FleetView } from '../features/fleet/components/FleetView.tsx'
import { useFleetStore } from '../features/fleet/store.ts'
import { selectIsConnected, selectServer } from '../features/connection/selectors.ts'
import { useConnectionStore } from '../features/connection/store.ts'
import { JailDetail } from '../features/jails/components/JailDetail.tsx'
import { JailList } from '../features/jails/components/JailList.tsx'
import {
  selectJailsError,
  selectJailNamesKey,
  selectJailsStatus,
  selectSelectedName,
  selectWatchedJail
} from '../features/jails/selectors.ts'
import { useJailsStore } from '../features/jails/store.ts'
import { ReloadDialog } from '../features/reload/components/ReloadDialog.tsx'
import { useReloadStore } from '../features/reload/store.ts'
import { SEARCH_INPUT_ID, SearchBox } from '../features/search/components/SearchBox.tsx'
import { ActiveServerName } from '../features/servers/components/ActiveServerName.tsx'
import { selectActiveId } from '../features/servers/selectors.ts'
import { useServersStore } from '../features/servers/store.ts'
import { LOCAL_SERVER_ID } from '../../../shared/servers.ts'
import { HostKeyDialog } from '../features/servers/components/HostKeyDialog.tsx'
import { ServerSwitcher } from '../features/servers/components/ServerSwitcher.tsx'
import { ServersDialog } from '../features/servers/components/ServersDialog.tsx'
import { SettingsDialog } from '../features/settings/components/SettingsDialog.tsx'
import { startTicker } from '../lib/ticker.ts'
import { handleShortcut, type ShortcutActions } from './shortcuts.ts'
import {
  bootstrap,
  connectEvents,
  openBanDialog,
  openFleetAction,
  openSettings,
  refreshAll,
  useFleetViewOpen
} from './wiring.ts'

/** Moves the focus to the ban table (after a keyboard move), so screen readers follow the cursor. */
function focusGrid(): void {
  const grid = document.getElementById(BAN_GRID_ID)
  if (grid && document.activeElement !== grid) grid.focus({ preventScroll: true })
}

/** Shortcuts in the All servers view: Ctrl+B bans on servers, R refreshes, table keys do nothing. */
const FLEET_KEYS: ShortcutActions = {
  focusSearch: () => document.getElementById(FLEET_SEARCH_INPUT_ID)?.focus(),
  openBanDialog: () => openFleetAction('ban'),
  unbanSelected: () => undefined,
  refresh: refreshAll,
  moveCursor: () => false,
  moveToEdge: () => false,
  selectAll: () => false,
  clearSelection: () => false
}

/** The app shell: header (search, reload, ban), connection banner, jail sidebar, jail detail. */
export function App() {
  const connected = useConnectionStore(selectIsConnected)
  const server = useConnectionStore(selectServer)
  const jailsStatus = useJailsStore(selectJailsStatus)
  const jailsError = useJailsStore(selectJailsError)
  const selectedJail = useJailsStore(selectSelectedName)
  const watched = useJailsStore(selectWatchedJail)
  const connectionStatus = useConnectionStore((s) => s.connection?.status)
  // how this machine is reached: the access screen never covers an SSH server's jails
  const onLocal = useServersStore((s) => selectActiveId(s) === LOCAL_SERVER_ID)
  const showAccess = useAccessStore((s) => needsAccessScreen(s, connectionStatus, onLocal))
  const [view, setView] = useState<'jails' | 'history'>('jails')
  const jailNames = useJailsStore(selectJailNamesKey)
  const fleetOpen = useFleetViewOpen()
  // read by the key handler, which is installed once
  const viewRef = useRef(view)
  useEffect(() => {
    viewRef.current = view
  }, [view])

  useEffect(() => {
    const stopTicker = startTicker()
    const disconnect = connectEvents()
    bootstrap()
    return () => {
      disconnect()
      stopTicker()
    }
  }, [])

  // The shown jail's bans: main watches it (full lists only for it) and the table loads it.
  useEffect(() => {
    void useBansStore.getState().show(watched)
  }, [watched])

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return
      // A modal dialog owns the keyboard (Escape, Tab, its own buttons).
      if (document.querySelector('dialog[open]')) return
      // The History view hides the jail's ban table too: its keys must not act on it unseen.
      if (viewRef.current === 'history') return
      // The All servers view hides the jail's ban table: its keys must not act on it unseen.
      if (useFleetStore.getState().open) {
        if (handleShortcut(e, FLEET_KEYS)) e.preventDefault()
        return
      }
      const bans = useBansStore.getState()
      const inTable = <T,>(f: () => T): T => {
        const r = f()
        if (r) focusGrid()
        return r
      }
      const handled = handleShortcut(e, {
        focusSearch: () => {
          const input = document.getElementById(SEARCH_INPUT_ID) as HTMLInputElement | null
          input?.focus()
          input?.select()
        },
        openBanDialog: () => openBanDialog(),
        unbanSelected: () => void bans.askUnbanSelected(),
        refresh: refreshAll,
        moveCursor: (delta, extend) => inTable(() => bans.moveCursor(delta, extend)),
        moveToEdge: (edge, extend) => inTable(() => bans.moveToEdge(edge, extend)),
        selectAll: () => inTable(() => bans.selectAll()),
        clearSelection: () => bans.clearSelection()
      })
      if (handled) e.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <svg className="logo" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
            <path d="M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5l-8-3Z" fill="currentColor" />
            <path
              d="M8.5 12.5 11 15l4.5-5"
              fill="none"
              stroke="var(--logo-mark)"
              strokeWidth="2"
              strokeLinecap="round"
              strokeLinejoin="round"
            />
          </svg>
          <span className="brand-name">BanGUI</span>
          <ActiveServerName />
          {server && (
            <span className="server muted" title={server.socketPath} data-testid="server-info">
              fail2ban {server.version}
            </span>
          )}
        </div>
        <SearchBox />
        <div className="topbar-actions">
          <button
            type="button"
            onClick={() => setView(view === 'history' ? 'jails' : 'history')}
            aria-pressed={view === 'history'}
            data-testid="history-button"
          >
            History
          </button>
          <button
            type="button"
            onClick={() => refreshAll()}
            disabled={!connected}
            title="Refresh (R)"
            aria-keyshortcuts="R"
            data-testid="refresh-button"
          >
            Refresh
          </button>
          <button
            type="button"
            onClick={() => useReloadStore.getState().show(selectedJail)}
            disabled={!connected}
            data-testid="reload-button"
          >
            Reload…
          </button>
          <button type="button" onClick={openSettings} data-testid="open-settings">
            Settings
          </button>
          <button
            type="button"
            onClick={() => useAuditStore.getState().show()}
            data-testid="open-audit"
          >
            Audit log
          </button>
          <button
            type="button"
            className="icon-button"
            onClick={() => useAboutStore.getState().show()}
            aria-label="About BanGUI"
            title="About BanGUI"
            data-testid="open-about"
          >
            ?
          </button>
        </div>
      </header>
      <ConnectionBanner />
      {view === 'history' && <HistoryView />}
      <div className="body" hidden={view === 'history'}>
        <aside className="sidebar">
          <ServerSwitcher />
          {/* The All servers view lists every server's jails itself. */}
          {!fleetOpen && <JailList />}
        </aside>
        <main className="main">
          {fleetOpen ? (
            <FleetView />
          ) : showAccess ? (
            <AccessScreen />
          ) : jailsStatus === 'error' && !connected ? (
            <div className="empty-main">
              <div className="empty-card">
                <h2>Waiting for fail2ban</h2>
                <p className="muted">The jails appear as soon as the connection works.</p>
              </div>
            </div>
          ) : jailsStatus === 'error' ? (
            <div className="empty-main" role="alert" data-testid="jails-error-main">
              <div className="empty-card">
                <h2>Could not list the jails</h2>
                <p className="error-text">{jailsError}</p>
                <button type="button" onClick={() => void useJailsStore.getState().load()}>
                  Try again
                </button>
              </div>
            </div>
          ) : (
            <JailDetail />
          )}
        </main>
      </div>
      <footer className="statusbar" aria-label="Keyboard shortcuts">
        <span>
          <kbd>/</kbd> search
        </span>
        <span>
          <kbd>Ctrl</kbd>+<kbd>B</kbd> ban
        </span>
        <span>
          <kbd>Del</kbd> unban selected
        </span>
        <span>
          <kbd>R</kbd> refresh
        </span>
        <span>
          <kbd>↑</kbd>
          <kbd>↓</kbd> move · <kbd>Shift</kbd> extend · <kbd>Ctrl</kbd>+<kbd>A</kbd> all
        </span>
      </footer>
      <BanDialog />
      <ReloadDialog />
      <BanConfirmations />
      <SettingsDialog jails={jailNames === '' ? [] : jailNames.split('\n')} />
      <AuditDialog />
      <AboutDialog fail2ban={server?.version ?? null} />
      <ServersDialog />
      <HostKeyDialog />
    </div>
  )
}
