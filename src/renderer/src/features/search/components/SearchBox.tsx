import { useJails } from '../../jails/store.ts'
import { useSearch } from '../store.ts'

/** Find the jails that ban an IP (`/` focuses it). */
export function SearchBox() {
  const s = useSearch()
  const select = useJails((j) => j.select)
  return (
    <div className="search">
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault()
          void s.search()
        }}
      >
        <input
          id="search-input"
          type="search"
          placeholder="Find an IP in all jails  ( / )"
          value={s.query}
          onChange={(e) => s.setQuery(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && s.clear()}
          aria-label="Find an IP in all jails"
          data-testid="search-input"
          spellCheck={false}
        />
      </form>
      {s.status !== 'idle' && (
        <div className="search-result" role="status" data-testid="search-result">
          {s.status === 'searching' && 'Searching…'}
          {s.status === 'error' && <span className="error-text">{s.error}</span>}
          {s.status === 'done' &&
            s.result &&
            (s.result.jails.length === 0 ? (
              <span>
                <span className="mono">{s.result.ip}</span> is not banned anywhere.
              </span>
            ) : (
              <span>
                <span className="mono">{s.result.ip}</span> is banned in{' '}
                {s.result.jails.map((j) => (
                  <button
                    key={j}
                    type="button"
                    className="link"
                    onClick={() => select(j)}
                    data-testid={`search-hit-${j}`}
                  >
                    {j}
                  </button>
                ))}
              </span>
            ))}
          <button
            type="button"
            className="link muted"
            onClick={s.clear}
            aria-label="Close search result"
          >
            ✕
          </button>
        </div>
      )}
    </div>
  )
}
