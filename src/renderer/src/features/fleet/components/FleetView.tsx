import { formatCount } from '../../../lib/format.ts'
import { openFleetAction, openServers } from '../../../app/wiring.ts'
import { useFleetStore } from '../store.ts'
import { FleetActionDialog } from './FleetActionDialog.tsx'
import { FleetBanTable } from './FleetBanTable.tsx'
import { FleetJails } from './FleetJails.tsx'
import { FleetSearch } from './FleetSearch.tsx'
import './fleet.css'

/**
 * "All servers": fleet totals, fleet-wide search, ban and unban, the jails grouped by server
 * (with Reload… per server) and every current ban merged with a server column.
 */
export function FleetView() {
  const overview = useFleetStore((s) => s.overview)
  const refreshing = useFleetStore((s) => s.refreshing)
  const totals = overview?.totals
  return (
    <section className="fleet-view" aria-label="All servers" data-testid="fleet-view">
      <div className="fleet-toolbar">
        <h1>All servers</h1>
        {totals && (
          <dl className="fleet-totals" data-testid="fleet-totals">
            <div>
              <dt>Servers</dt>
              <dd data-testid="fleet-total-servers">{formatCount(totals.servers)}</dd>
            </div>
            <div>
              <dt>Connected</dt>
              <dd data-testid="fleet-total-connected">{formatCount(totals.connected)}</dd>
            </div>
            <div>
              <dt>Jails</dt>
              <dd data-testid="fleet-total-jails">{formatCount(totals.jails)}</dd>
            </div>
            <div>
              <dt>Bans</dt>
              <dd data-testid="fleet-total-bans">{formatCount(totals.banned)}</dd>
            </div>
          </dl>
        )}
        <span className="spacer" />
        <button type="button" onClick={() => openFleetAction('ban')} data-testid="fleet-ban-open">
          Ban on servers…
        </button>
        <button
          type="button"
          onClick={() => openFleetAction('unban')}
          data-testid="fleet-unban-open"
        >
          Unban on servers…
        </button>
        <button type="button" onClick={openServers}>
          Servers…
        </button>
        <button
          type="button"
          onClick={() => void useFleetStore.getState().refresh()}
          disabled={refreshing}
          aria-busy={refreshing || undefined}
          data-testid="fleet-refresh"
        >
          {refreshing ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <FleetSearch />
      <div className="fleet-body">
        <FleetJails />
        <FleetBanTable />
      </div>
      <FleetActionDialog />
    </section>
  )
}
