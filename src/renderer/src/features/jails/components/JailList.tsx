import { formatCount } from '../../../lib/format.ts'
import { totalBanned, useJails } from '../store.ts'

/** Sidebar: every jail with live counts; running or stopped. */
export function JailList() {
  const jails = useJails((s) => s.jails)
  const status = useJails((s) => s.status)
  const selected = useJails((s) => s.selected)
  const select = useJails((s) => s.select)

  if (status === 'loading') return <p className="muted pad">Loading jails…</p>
  if (status === 'ready' && jails.length === 0) {
    return (
      <p className="muted pad" data-testid="jails-empty">
        fail2ban runs no jails. Enable one in jail.local and reload.
      </p>
    )
  }
  return (
    <nav aria-label="Jails">
      <div className="sidebar-head">
        <span>Jails</span>
        <span className="muted" data-testid="total-banned">
          {formatCount(totalBanned(jails))} banned
        </span>
      </div>
      <ul className="jail-list">
        {jails.map((j) => (
          <li key={j.name}>
            <button
              type="button"
              className={`jail-item ${j.name === selected ? 'active' : ''} ${j.running ? '' : 'stopped'}`}
              aria-current={j.name === selected}
              onClick={() => select(j.name)}
              data-testid={`jail-item-${j.name}`}
            >
              <span
                className={`dot ${j.running ? 'on' : 'off'}`}
                aria-label={j.running ? 'running' : 'stopped'}
              />
              <span className="jail-name">{j.name}</span>
              <span className="badge" title="currently banned" data-testid={`jail-count-${j.name}`}>
                {formatCount(j.currentlyBanned)}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  )
}
