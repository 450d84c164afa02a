import { selectActiveServer } from '../selectors.ts'
import { useServersStore } from '../store.ts'

/**
 * The header's "which server am I acting on": the active server's name. Shown in the All
 * servers view too, because the header's search, Reload… and Refresh still act on that server.
 */
export function ActiveServerName() {
  const server = useServersStore(selectActiveServer)
  if (!server) return null
  return (
    <span
      className="active-server"
      title={`Acting on ${server.name} (${server.target}, ${server.status})`}
      data-testid="active-server-name"
      data-server={server.id}
    >
      {server.name}
    </span>
  )
}
