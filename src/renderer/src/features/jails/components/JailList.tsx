import type { Jail } from '../../../../../shared/model.ts'
import { formatCount, plural } from '../../../lib/format.ts'
import { selectDownSince, selectOnline, staleAge, useOnline } from '../../../lib/online.ts'
import { selectNow, useNow } from '../../../lib/ticker.ts'
import { askUnbanAllEverywhere } from '../../../app/wiring.ts'
import {
  selectJails,
  selectJailsError,
  selectJailsStatus,
  selectSelectedName,
  selectTotalBanned
} from '../selectors.ts'
import { useJailsStore } from '../store.ts'

/**
 * Sidebar: every jail with its live ban count and a running/stopped/failed marker. While the
 * server cannot be reached the list stays, marked as last known with its age, dots grey.
 */
export function JailList() {
  const jails = useJailsStore(selectJails)
  const status = useJailsStore(selectJailsStatus)
  const error = useJailsStore(selectJailsError)
  const selected = useJailsStore(selectSelectedName)
  const total = useJailsStore(selectTotalBanned)
  const select = useJailsStore.getState().select
  const online = useOnline(selectOnline)
  const downSince = useOnline(selectDownSince)

  return (
    <nav className="jail-nav" aria-label="Jails" data-testid="jail-list">
      <div className="sidebar-head">
        <span>Jails</span>
        {jails.length > 0 && (
          <span
            className={`muted${online ? '' : ' stale'}`}
            data-testid="total-banned"
            title="Current bans in all jails (an IP banned in two jails counts twice)"
          >
            {plural(total, 'ban')}
          </span>
        )}
      </div>
      {!online && downSince !== null && jails.length > 0 && <StaleNote since={downSince} />}
      {status === 'loading' && jails.length === 0 ? (
        <ul className="jail-list skeleton" aria-busy="true" data-testid="jails-loading">
          {[0, 1, 2].map((i) => (
            <li key={i} className="skeleton-row" />
          ))}
          <li className="visually-hidden">Loading jails…</li>
        </ul>
      ) : status === 'error' && jails.length === 0 ? (
        online ? (
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
                data-state={jailState(j, online)}
                title={j.problem ? `Failed to start: ${j.problem}` : undefined}
                aria-label={`${j.name}, ${STATE_WORDS[jailState(j, online)]}, ${plural(j.currentlyBanned, 'ban')}${online ? '' : ' (last known)'}`}
              >
                <span className={`dot ${jailState(j, online)}`} aria-hidden="true" />
                <span className="jail-name">
                  {j.name}
                  {j.problem && !j.running && (
                    <span className="jail-problem" data-testid={`jail-problem-${j.name}`}>
                      failed to start
                    </span>
                  )}
                </span>
                <span
                  className={`badge${j.currentlyBanned > 0 ? ' hot' : ''}${online ? '' : ' stale'}`}
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
            onClick={askUnbanAllEverywhere}
            disabled={!online}
            data-testid="unban-all-every"
          >
            Unban all in every jail…
          </button>
        </div>
      )}
    </nav>
  )
}

const STATE_WORDS = {
  on: 'running',
  off: 'stopped',
  failed: 'failed to start',
  unknown: 'state unknown'
} as const

/** The marker of a jail: running, stopped, failed to start, or unknown while offline. */
function jailState(j: Jail, online: boolean): 'on' | 'off' | 'failed' | 'unknown' {
  if (!online) return 'unknown'
  if (j.running) return 'on'
  return j.problem ? 'failed' : 'off'
}

/** "Last known · 2 min ago": the age of what the sidebar shows while offline. */
function StaleNote({ since }: { since: number }) {
  const now = useNow(selectNow)
  return (
    <p className="stale-note" data-testid="stale-note" role="status">
      Not connected · last known {staleAge(since, now)} ago
    </p>
  )
}
