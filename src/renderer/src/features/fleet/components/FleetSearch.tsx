import type { FindIpResult } from '../../../../../shared/model.ts'
import { ErrorBlock } from '../../../app/ui.tsx'
import { openFleetAction } from '../../../app/wiring.ts'
import { useFleetSearchStore } from '../search-store.ts'
import { serverNames, useFleetStore } from '../store.ts'

/** The search field's DOM id, for the `/` shortcut in the All servers view. */
export const FLEET_SEARCH_INPUT_ID = 'fleet-search-input'

/** Which servers and jails ban an IP: one line per server, its jails or why it could not say. */
export function FleetSearch() {
  const query = useFleetSearchStore((s) => s.query)
  const status = useFleetSearchStore((s) => s.status)
  const { setQuery, search, clear } = useFleetSearchStore.getState()
  return (
    <div className="fleet-search">
      <form
        className="inline-form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault()
          void search()
        }}
      >
        <label htmlFor={FLEET_SEARCH_INPUT_ID}>Find an IP on all servers</label>
        <input
          id={FLEET_SEARCH_INPUT_ID}
          className="mono"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="203.0.113.7"
          spellCheck={false}
          autoComplete="off"
          data-testid="fleet-search-input"
        />
        <button type="submit" disabled={status === 'searching'} data-testid="fleet-search-submit">
          {status === 'searching' ? 'Searching…' : 'Find'}
        </button>
        {status !== 'idle' && (
          <button type="button" className="link" onClick={clear}>
            Clear
          </button>
        )}
      </form>
      <SearchResults />
    </div>
  )
}

function SearchResults() {
  const status = useFleetSearchStore((s) => s.status)
  const results = useFleetSearchStore((s) => s.result)
  const error = useFleetSearchStore((s) => s.error)
  const ip = useFleetSearchStore((s) => s.ip)
  const overview = useFleetStore((s) => s.overview)
  if (status === 'error') return <ErrorBlock testId="fleet-search-error">{error}</ErrorBlock>
  if (status !== 'done' || results === null || ip === null) return null
  const names = serverNames(overview)
  const banning = results.filter((r) => r.ok && banCount(r.value) > 0).length
  return (
    <div className="fleet-search-results" role="status" data-testid="fleet-search-results">
      <p>
        <span className="mono">{ip}</span> is banned on {banning} of {results.length} server
        {results.length === 1 ? '' : 's'}.
        {banning > 0 && (
          <>
            {' '}
            <button
              type="button"
              className="link"
              onClick={() =>
                openFleetAction(
                  'unban',
                  ip,
                  results.filter((r) => r.ok && banCount(r.value) > 0).map((r) => r.server)
                )
              }
              data-testid="fleet-search-unban"
            >
              Unban it on servers…
            </button>
          </>
        )}
      </p>
      <ul>
        {results.map((r) => (
          <li key={r.server} data-testid={`fleet-search-result-${r.server}`} data-ok={r.ok}>
            <strong>{names.get(r.server) ?? r.server}</strong>:{' '}
            {r.ok ? <Found result={r.value} /> : <span className="error-text">{r.message}</span>}
          </li>
        ))}
      </ul>
    </div>
  )
}

const banCount = (r: FindIpResult): number => r.jails.length + r.networks.length

function Found({ result }: { result: FindIpResult }) {
  if (banCount(result) === 0) return <span className="muted">not banned</span>
  const parts = [...result.jails, ...result.networks.map((n) => `${n.jail} (network ${n.network})`)]
  return <span>banned in {parts.join(', ')}</span>
}
