import { ErrorBlock } from '../../../app/ui.tsx'
import { formatCount, plural } from '../../../lib/format.ts'
import { reloadOnServer, showJailOnServer } from '../../../app/wiring.ts'
import { useFleetStore } from '../store.ts'

/** The jails grouped by server, with each server's Reload…. */
export function FleetJails() {
  const overview = useFleetStore((s) => s.overview)
  const status = useFleetStore((s) => s.overviewStatus)
  const error = useFleetStore((s) => s.overviewError)
  if (!overview) {
    return status === 'error' ? (
      <ErrorBlock testId="fleet-overview-error">Could not read the servers: {error}</ErrorBlock>
    ) : (
      <p className="muted" aria-busy="true">
        Loading the servers…
      </p>
    )
  }
  return (
    <div className="fleet-groups" data-testid="fleet-groups">
      <ErrorBlock testId="fleet-overview-error">
        {error && `Could not refresh the servers: ${error}`}
      </ErrorBlock>
      {overview.servers.map((s) => (
        <section
          key={s.id}
          className="fleet-group panel"
          aria-label={s.name}
          data-testid={`fleet-server-${s.id}`}
          data-status={s.status}
        >
          <header className="fleet-group-head">
            <h2>{s.name}</h2>
            <span className={`muted small fleet-status ${s.status}`}>
              {s.status === 'connected' ? plural(s.jails.length, 'jail') : s.status}
            </span>
            <span className="spacer" />
            <button
              type="button"
              className="small"
              onClick={() => void reloadOnServer(s.id)}
              disabled={s.status !== 'connected'}
              aria-label={`Reload fail2ban on ${s.name}…`}
              data-testid={`fleet-reload-${s.id}`}
            >
              Reload…
            </button>
          </header>
          {s.jails.length > 0 ? (
            <table className="fleet-jails">
              <thead>
                <tr>
                  <th scope="col">Jail</th>
                  <th scope="col" className="num">
                    Currently banned
                  </th>
                  <th scope="col" className="num">
                    Total banned
                  </th>
                </tr>
              </thead>
              <tbody>
                {s.jails.map((j) => (
                  <tr
                    key={j.name}
                    className={j.running ? '' : 'stopped'}
                    data-testid={`fleet-jail-${s.id}-${j.name}`}
                  >
                    <td>
                      <button
                        type="button"
                        className="link"
                        onClick={() => void showJailOnServer(s.id, j.name)}
                        aria-label={`Show ${j.name} on ${s.name}`}
                        data-testid={`fleet-jail-open-${s.id}-${j.name}`}
                      >
                        {j.name}
                      </button>
                      {!j.running && <span className="muted small"> (stopped)</span>}
                    </td>
                    <td className="num">{formatCount(j.currentlyBanned)}</td>
                    <td className="num">{formatCount(j.totalBanned)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted small">
              {s.status === 'connected' ? 'No jail runs here.' : 'Not connected: jails unknown.'}
            </p>
          )}
        </section>
      ))}
    </div>
  )
}
