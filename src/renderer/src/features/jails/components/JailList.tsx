import { formatCount } from '../../../lib/format.ts'
import { useBansStore } from '../../bans/store.ts'
import { selectIsConnected } from '../../connection/selectors.ts'
import { useConnectionStore } from '../../connection/store.ts'
import {
  selectJails,
  selectJailsError,
  selectJailsStatus,
  selectSelectedName,
  selectTotalBanned
} from '../selectors.ts'
import { useJailsStore } from '../store.ts'

/** Sidebar: every jail with its live ban count and a running/stopped marker. */
export function JailList() {
  const jails = useJailsStore(selectJails)
  const status = useJailsStore(selectJailsStatus)
  const error = useJailsStore(selectJailsError)
  const selected = useJailsStore(selectSelectedName)
  const total = useJailsStore(selectTotalBanned)
  const select = useJailsStore((s) => s.select)
  const askUnbanAll = useBansStore((s) => s.askUnbanAll)
  const connected = useConnectionStore(selectIsConnected)

  return (
    <nav className="jail-nav" aria-label="Jails" data-testid="jail-list">
      <div className="sidebar-head">
        <span>Jails</span>
        {jails.length > 0 && (
          <span className="muted" data-testid="total-banned" title="Currently banned, all jails">
            {formatCount(total)} banned
          </span>
        )}
      </div>
      {status === 'loading' && jails.length === 0 ? (
        <ul className="jail-list skeleton" aria-busy="true" data-testid="jails-loading">
          {[0, 1, 2].map((i) => (
            <li key={i} className="skeleton-row" />
          ))}
          <li className="visually-hidden">Loading jails…</li>
        </ul>
      ) : status === 'error' && jails.length === 0 ? (
        connected ? (
          <p className="side-state error-text" data-testid="jails-error">
            {error}
          </p>
        ) : (
          <p className="side-state muted" data-testid="jails-offline">
            Not connected to fail2ban.
          </p>
        )
      ) : status === 'ready' && jails.length === 0 ? (
        <p className="side-state muted" data-testid="jails-empty">
          fail2ban runs no jails. Enable one in <span className="mono">jail.local</span> and reload.
        </p>
      ) : (
        <ul className="jail-list">
          {jails.map((j) => (
            <li key={j.name}>
              <button
                type="button"
                className={`jail-item${j.name === selected ? ' active' : ''}${j.running ? '' : ' stopped'}`}
                aria-current={j.name === selected ? 'page' : undefined}
                onClick={() => select(j.name)}
                data-testid={`jail-item-${j.name}`}
                data-running={j.running}
                aria-label={`${j.name}, ${j.running ? 'running' : 'stopped'}, ${formatCount(j.currentlyBanned)} banned`}
              >
                <span className={`dot ${j.running ? 'on' : 'off'}`} aria-hidden="true" />
                <span className="jail-name">{j.name}</span>
                <span
                  className={`badge${j.currentlyBanned > 0 ? ' hot' : ''}`}
                  aria-hidden="true"
                  data-testid={`jail-count-${j.name}`}
                >
                  {formatCount(j.currentlyBanned)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {total > 0 && (
        <div className="sidebar-foot">
          <button
            type="button"
            className="ghost danger small"
            onClick={() => askUnbanAll(null)}
            data-testid="unban-all-every"
          >
            Unban all in every jail…
          </button>
        </div>
      )}
    </nav>
  )
}
