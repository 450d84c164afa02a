import type { BansByJail } from '../../../../../shared/history.ts'

/** Bans per jail in the window, with the diagnostic when it looks off. */
export function BansByJailTable({ data }: { data: BansByJail }) {
  return (
    <section className="history-card" aria-label="Bans by jail" data-testid="history-by-jail">
      <h3>
        Bans by jail <span className="muted">({data.total})</span>
      </h3>
      {data.diagnostic && (
        <p className="history-diagnostic" role="note" data-testid="history-diagnostic">
          {data.diagnostic}
        </p>
      )}
      {data.rows.length > 0 && (
        <table className="history-table">
          <thead>
            <tr>
              <th>Jail</th>
              <th className="num">Bans</th>
            </tr>
          </thead>
          <tbody>
            {data.rows.map((r) => (
              <tr key={r.jail} data-testid={`history-jail-${r.jail}`}>
                <td>{r.jail}</td>
                <td className="num">{r.bans}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
