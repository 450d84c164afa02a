import { formatCount } from '../../../lib/format.ts'
import { showAllServers, showServer, useFleetViewOpen } from '../../../app/wiring.ts'
import { useManageStore } from '../manage-store.ts'
import {
  selectActiveId,
  selectFleetTotal,
  selectServers,
  serverLabel,
  statusDot,
  STATUS_WORD
} from '../selectors.ts'
import { useServersStore } from '../store.ts'
import { ServerProblem } from './ServerProblem.tsx'
import './servers.css'

/**
 * The sidebar's server switcher, above the jail list: "All servers" (the fleet total) and one
 * row per server with its state and ban count. A click makes that server the one the jail
 * views act on; a server that needs the admin shows what is wrong right under its row.
 */
export function ServerSwitcher() {
  const servers = useServersStore(selectServers)
  const active = useServersStore(selectActiveId)
  const total = useServersStore(selectFleetTotal)
  const selecting = useServersStore((s) => s.selecting)
  const loadError = useServersStore((s) => (s.status === 'error' ? s.error : null))
  const fleetOpen = useFleetViewOpen()

  return (
    <nav className="server-nav" aria-label="Servers" data-testid="server-switcher">
      <div className="sidebar-head">
        <span>Servers</span>
        <button
          type="button"
          className="link small"
          onClick={() => useManageStore.getState().show()}
          data-testid="servers-open"
        >
          Servers…
        </button>
      </div>
      {loadError && (
        <p className="side-state error-text" data-testid="servers-error">
          Could not list the servers: {loadError}{' '}
          <button
            type="button"
            className="link"
            onClick={() => void useServersStore.getState().load()}
          >
            Try again
          </button>
        </p>
      )}
      <ul className="jail-list server-list">
        <li>
          <button
            type="button"
            className={`jail-item${fleetOpen ? ' active' : ''}`}
            aria-current={fleetOpen ? 'page' : undefined}
            aria-label={`All servers, ${formatCount(total)} bans`}
            onClick={showAllServers}
            data-testid="server-all"
          >
            <svg
              className="fleet-icon"
              viewBox="0 0 12 12"
              width="10"
              height="10"
              aria-hidden="true"
            >
              <rect x="1" y="1.5" width="10" height="3.5" rx="1" fill="currentColor" />
              <rect x="1" y="7" width="10" height="3.5" rx="1" fill="currentColor" />
            </svg>
            <span className="jail-name">All servers</span>
            <span
              className={`badge${total > 0 ? ' hot' : ''}`}
              aria-hidden="true"
              data-testid="server-all-bans"
            >
              {formatCount(total)}
            </span>
          </button>
        </li>
        {servers.map((s) => {
          const current = !fleetOpen && s.id === active
          return (
            <li key={s.id}>
              <button
                type="button"
                className={`jail-item${current ? ' active' : ''}`}
                aria-current={current ? 'page' : undefined}
                aria-label={serverLabel(s, s.id === active)}
                aria-busy={selecting === s.id || undefined}
                onClick={() => showServer(s.id)}
                title={s.target}
                data-testid={`server-item-${s.id}`}
                data-status={s.status}
              >
                <span className={`dot ${statusDot(s.status)}`} aria-hidden="true" />
                <span className="jail-name">
                  {s.name}
                  {/* Always present (tests read data-state); shown only when not connected. */}
                  <span
                    className={
                      s.status === 'connected' ? 'visually-hidden' : `server-state ${s.status}`
                    }
                    data-testid={`server-state-${s.id}`}
                    data-state={s.status}
                  >
                    {STATUS_WORD[s.status]}
                  </span>
                </span>
                <span
                  className={`badge${s.banned > 0 ? ' hot' : ''}${s.status === 'connected' ? '' : ' stale'}`}
                  aria-hidden="true"
                  data-testid={`server-bans-${s.id}`}
                >
                  {formatCount(s.banned)}
                </span>
              </button>
              <ServerProblem server={s} />
            </li>
          )
        })}
      </ul>
    </nav>
  )
}
