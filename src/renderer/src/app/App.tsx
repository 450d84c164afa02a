import { useEffect } from 'react'
import { ConnectionBanner } from '../features/connection/components/ConnectionBanner.tsx'
import { connectionApi } from '../features/connection/api.ts'
import { useConnection } from '../features/connection/store.ts'
import { bansApi } from '../features/bans/api.ts'
import { BanDialog } from '../features/bans/components/BanDialog.tsx'
import { useBanDialog, useBans } from '../features/bans/store.ts'
import { jailsApi } from '../features/jails/api.ts'
import { JailDetail } from '../features/jails/components/JailDetail.tsx'
import { JailList } from '../features/jails/components/JailList.tsx'
import { useJails } from '../features/jails/store.ts'
import { ReloadDialog } from '../features/reload/components/ReloadDialog.tsx'
import { useReload } from '../features/reload/store.ts'
import { SearchBox } from '../features/search/components/SearchBox.tsx'
import { startTicker } from '../lib/ticker.ts'
import { handleShortcut } from './shortcuts.ts'

export function App() {
  const status = useJails((s) => s.status)
  const error = useJails((s) => s.error)
  const server = useJails((s) => s.server)
  const connected = useConnection((s) => s.state?.status === 'connected')

  useEffect(() => {
    const offs = [
      startTicker(),
      connectionApi.onChange((state) => {
        const was = useConnection.getState().state?.status
        useConnection.getState().set(state)
        if (state.status === 'connected' && was !== 'connected') {
          void useJails.getState().load()
          const jail = useBans.getState().jail
          if (jail) void useBans.getState().load(jail)
        }
      }),
      jailsApi.onChange((jails) => useJails.getState().apply(jails)),
      bansApi.onChange((d) => useBans.getState().applyDiff(d.jail, d.added, d.removed)),
      bansApi.onProgress((p) => useBanDialog.getState().onProgress(p))
    ]
    void useConnection.getState().load()
    void useJails.getState().load()
    return () => offs.forEach((off) => off())
  }, [])

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const handled = handleShortcut(e, {
        focusSearch: () => document.getElementById('search-input')?.focus(),
        openBan: () => {
          const { selected, jails } = useJails.getState()
          const jail = selected ?? jails.find((j) => j.running)?.name
          if (jail) useBanDialog.getState().show(jail)
        },
        unbanSelected: () => {
          if (useBans.getState().selected.size > 0)
            window.dispatchEvent(new Event('bangui:unban-selected'))
        },
        refresh: () => {
          void useJails.getState().load()
          const jail = useBans.getState().jail
          if (jail) void useBans.getState().load(jail)
        }
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
          <svg className="logo" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
            <path d="M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5l-8-3Z" fill="currentColor" />
            <path
              d="M8.5 12.5 11 15l4.5-5"
              fill="none"
              stroke="var(--panel)"
              strokeWidth="2"
              strokeLinecap="round"
            />
          </svg>
          BanGUI
          {server && (
            <span className="muted server">
              {' '}
              fail2ban {server.version} · {server.socketPath}
            </span>
          )}
        </div>
        <SearchBox />
        <button
          type="button"
          onClick={() => useReload.getState().show()}
          disabled={!connected}
          data-testid="reload-button"
        >
          Reload…
        </button>
      </header>
      <ConnectionBanner />
      <div className="body">
        <aside className="sidebar">
          <JailList />
        </aside>
        <main className="main">
          {status === 'error' && !connected ? (
            <div className="empty-main muted">Waiting for fail2ban…</div>
          ) : status === 'error' ? (
            <div className="empty-main error-text" data-testid="jails-error">
              {error}
            </div>
          ) : (
            <JailDetail />
          )}
        </main>
      </div>
      <BanDialog />
      <ReloadDialog />
    </div>
  )
}
