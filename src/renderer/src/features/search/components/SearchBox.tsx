import { useId } from 'react'
import { showIpInJail } from '../../../app/wiring.ts'
import {
  selectHasOutcome,
  selectQuery,
  selectSearchError,
  selectSearchResult,
  selectSearchStatus
} from '../selectors.ts'
import { useSearchStore } from '../store.ts'

/** The DOM id of the search field (the `/` shortcut focuses it). */
export const SEARCH_INPUT_ID = 'search-input'

/** Find the jails that ban an IP; a hit navigates to the jail and selects the IP there. */
export function SearchBox() {
  const query = useSearchStore(selectQuery)
  const status = useSearchStore(selectSearchStatus)
  const result = useSearchStore(selectSearchResult)
  const error = useSearchStore(selectSearchError)
  const hasOutcome = useSearchStore(selectHasOutcome)
  const { setQuery, search, clear } = useSearchStore.getState()
  const resultId = useId()

  const go = showIpInJail

  return (
    <div className="search">
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault()
          void search()
        }}
      >
        <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" className="search-icon">
          <circle cx="7" cy="7" r="4.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path
            d="m10.5 10.5 3.5 3.5"
            stroke="currentColor"
            strokeWidth="1.5"
            strokeLinecap="round"
          />
        </svg>
        <input
          id={SEARCH_INPUT_ID}
          type="search"
          placeholder="Find an IP in every jail"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation()
              clear()
              e.currentTarget.blur()
            }
          }}
          aria-label="Find an IP in every jail"
          aria-describedby={hasOutcome ? resultId : undefined}
          aria-keyshortcuts="/"
          autoComplete="off"
          spellCheck={false}
          data-testid="search-input"
        />
        <kbd className="search-kbd" aria-hidden="true">
          /
        </kbd>
      </form>
      {hasOutcome && (
        <div id={resultId} className="search-result" role="status" data-testid="search-result">
          {status === 'searching' && <span className="muted">Searching…</span>}
          {status === 'error' && <span className="error-text">{error}</span>}
          {status === 'done' && result && (
            <span>
              <span className="mono">{result.ip}</span>{' '}
              {result.jails.length === 0 && result.networks.length === 0 && (
                <>is not banned anywhere.</>
              )}
              {result.jails.length > 0 && (
                <>
                  is banned in{' '}
                  {result.jails.map((j, i) => (
                    <span key={j}>
                      {i > 0 && ', '}
                      <button
                        type="button"
                        className="link"
                        onClick={() => go(j, result.ip)}
                        data-testid={`search-hit-${j}`}
                        title={`Show ${result.ip} in ${j}`}
                      >
                        {j}
                      </button>
                    </span>
                  ))}
                  {result.networks.length > 0 && '; '}
                </>
              )}
              {result.networks.length > 0 && (
                <>
                  {result.jails.length > 0 ? 'also ' : 'is banned as part of a network: '}
                  {result.networks.map((n, i) => (
                    <span key={`${n.jail} ${n.network}`}>
                      {i > 0 && ', '}
                      inside <span className="mono">{n.network}</span> in{' '}
                      <button
                        type="button"
                        className="link"
                        onClick={() => go(n.jail, n.network)}
                        data-testid={`search-net-${n.jail}`}
                        title={`Show ${n.network} in ${n.jail}`}
                      >
                        {n.jail}
                      </button>
                    </span>
                  ))}
                </>
              )}
            </span>
          )}
          <button type="button" className="icon-button" onClick={clear} aria-label="Clear search">
            ×
          </button>
        </div>
      )}
    </div>
  )
}
