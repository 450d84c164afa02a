import { banDuration, countryLabel, localTime } from '../format.ts'
import { selectIpPanel } from '../selectors.ts'
import { useHistoryStore } from '../store.ts'

/** Every recorded event of one IP: jail, server, duration, failures and matched log lines. */
export function IpPanel() {
  const panel = useHistoryStore(selectIpPanel)
  if (!panel) return null
  const { ip, status, data, error } = panel
  const bans = data?.events.filter((e) => e.kind === 'ban').length ?? 0
  return (
    <aside className="history-ip" aria-label={`History of ${ip}`} data-testid="history-ip-panel">
      <header>
        <h3 className="mono">{ip}</h3>
        <button
          type="button"
          onClick={() => useHistoryStore.getState().closeIp()}
          aria-label="Close"
          data-testid="history-ip-close"
        >
          ×
        </button>
      </header>
      {status === 'loading' && <p className="muted">Loading…</p>}
      {status === 'error' && <p className="error-text">{error}</p>}
      {data && (
        <>
          <p className="muted" data-testid="history-ip-summary">
            {countryLabel(data.country)} · {bans} ban{bans === 1 ? '' : 's'} recorded
          </p>
          {data.events.length === 0 && <p className="muted">BanGUI has no record of this IP.</p>}
          <ol className="history-ip-events">
            {data.events.map((e, i) => (
              <li key={i} className={e.kind} data-testid="history-ip-event">
                <div>
                  <strong>{e.kind === 'ban' ? 'Banned' : 'Unbanned'}</strong> in <b>{e.jail}</b>
                  <span className="muted"> on {e.server}</span>
                </div>
                <div className="muted">
                  {localTime(e.time, true)}
                  {e.kind === 'ban' && <> · {banDuration(e.bantime)}</>}
                  {e.bancount !== null && e.bancount > 1 && <> · ban #{e.bancount}</>}
                  {e.failures !== null && <> · {e.failures} failures</>} · {e.source}
                </div>
                {e.matches.length > 0 && (
                  <pre className="history-matches" data-testid="history-ip-matches">
                    {e.matches.join('\n')}
                  </pre>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </aside>
  )
}
