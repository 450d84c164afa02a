import { useEffect, useLayoutEffect, useState } from 'react'
import { bansToCsv, bansToJson, download } from '../../../lib/export.ts'
import { formatCount } from '../../../lib/format.ts'
import { useBans, useBanDialog } from '../store.ts'
import { BanTable, useBanView } from './BanTable.tsx'
import { UnbanAllDialog, UnbanSelectedDialog } from './ConfirmDialogs.tsx'

/** Toolbar + virtualized table for the selected jail's bans. */
export function BansPanel({ jail, count }: { jail: string; count: number }) {
  const load = useBans((s) => s.load)
  const bans = useBans((s) => s.bans)
  const status = useBans((s) => s.status)
  const loadedAt = useBans((s) => s.loadedAt)
  const filter = useBans((s) => s.filter)
  const setFilter = useBans((s) => s.setFilter)
  const selected = useBans((s) => s.selected)
  const notice = useBans((s) => s.notice)
  const showBan = useBanDialog((s) => s.show)
  const view = useBanView()
  const [dialog, setDialog] = useState<'unban' | 'unban-all' | null>(null)

  useEffect(() => {
    void load(jail)
  }, [jail, load])

  // Time from the data arriving to the rows being in the DOM (read by the e2e and the bench).
  useLayoutEffect(() => {
    if (status !== 'ready' || !loadedAt) return
    requestAnimationFrame(() => {
      ;(window as unknown as { __banguiFirstPaintMs?: number }).__banguiFirstPaintMs =
        performance.now() - loadedAt
    })
  }, [status, loadedAt])

  useEffect(() => {
    const onUnban = () => setDialog('unban')
    window.addEventListener('bangui:unban-selected', onUnban)
    return () => window.removeEventListener('bangui:unban-selected', onUnban)
  }, [])

  const copy = () => void navigator.clipboard?.writeText([...selected].join('\n'))
  return (
    <section className="bans" aria-label={`Bans of ${jail}`}>
      <div className="toolbar">
        <input
          type="search"
          className="filter"
          placeholder={`Filter ${formatCount(bans.length)} bans…`}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          aria-label="Filter bans"
          data-testid="ban-filter"
        />
        <span className="muted" data-testid="ban-counts">
          {filter ? `${formatCount(view.length)} of ` : ''}
          {formatCount(bans.length)} · {formatCount(selected.size)} selected
        </span>
        <div className="spacer" />
        <button
          type="button"
          className="primary"
          onClick={() => showBan(jail)}
          data-testid="open-ban-dialog"
          title="Ctrl+B"
        >
          Ban…
        </button>
        <button
          type="button"
          disabled={selected.size === 0}
          onClick={() => setDialog('unban')}
          data-testid="unban-selected"
          title="Delete"
        >
          Unban selected
        </button>
        <button
          type="button"
          disabled={selected.size === 0}
          onClick={copy}
          data-testid="copy-selected"
        >
          Copy
        </button>
        <button
          type="button"
          disabled={bans.length === 0}
          onClick={() => download(`${jail}-bans.csv`, 'text/csv', bansToCsv(view))}
          data-testid="export-csv"
        >
          CSV
        </button>
        <button
          type="button"
          disabled={bans.length === 0}
          onClick={() => download(`${jail}-bans.json`, 'application/json', bansToJson(view))}
          data-testid="export-json"
        >
          JSON
        </button>
        <button
          type="button"
          className="danger"
          disabled={count === 0 && bans.length === 0}
          onClick={() => setDialog('unban-all')}
          data-testid="unban-all"
        >
          Unban all…
        </button>
      </div>
      {notice && (
        <p className="notice" role="status" data-testid="ban-notice">
          {notice}
        </p>
      )}
      <BanTable view={view} />
      {dialog === 'unban' && selected.size > 0 && (
        <UnbanSelectedDialog onClose={() => setDialog(null)} />
      )}
      {dialog === 'unban-all' && (
        <UnbanAllDialog jail={jail} count={bans.length} onClose={() => setDialog(null)} />
      )}
    </section>
  )
}
