import { useFleetViewOpen } from '../../../app/wiring.ts'
import { selectActiveServer } from '../selectors.ts'
import { useServersStore } from '../store.ts'

/** The header's "which server am I acting on": the active server's name (or All servers). */
export function ActiveServerName() {
  const server = useServersStore(selectActiveServer)
  const fleetOpen = useFleetViewOpen()
  if (fleetOpen) {
    return (
      <span className="active-server" data-testid="active-server-name">
        All servers
      </span>
    )
  }
  if (!server) return null
  return (
    <span
      className="active-server"
      title={`${server.target} (${server.status})`}
      data-testid="active-server-name"
      data-server={server.id}
    >
      {server.name}
    </span>
  )
}
