import type { Offender } from '../../../../../shared/history.ts'
import { countryLabel, localTime } from '../format.ts'

interface Props {
  title: string
  testId: string
  rows: Offender[]
  empty: string
  onOpen(ip: string): void
}

/** Offenders with their ban count, jails, servers, last ban and country; a row opens the IP. */
export function OffendersTable({ title, testId, rows, empty, onOpen }: Props) {
  return (
    <section className="history-card" aria-label={title} data-testid={testId}>
      <h3>
        {title} <span className="muted">({rows.length})</span>
      </h3>
      {rows.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <div className="history-scroll">
          <table className="history-table">
            <thead>
              <tr>
                <th>IP</th>
                <th className="num">Bans</th>
                <th>Jails</th>
                <th>Country</th>
                <th>Last ban</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((o) => (
                <tr key={o.ip}>
                  <td>
                    <button
                      type="button"
                      className="link mono"
                      onClick={() => onOpen(o.ip)}
                      title="Show every ban of this IP"
                      data-testid={`${testId}-ip-${o.ip}`}
                    >
                      {o.ip}
                    </button>
                  </td>
                  <td className="num">{o.bans}</td>
                  <td>
                    {o.jails.join(', ')}
                    {o.servers > 1 && <span className="muted"> · {o.servers} servers</span>}
                  </td>
                  <td>{countryLabel(o.country)}</td>
                  <td className="nowrap">{localTime(o.lastBan)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
