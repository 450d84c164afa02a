import { useLayoutEffect } from 'react'
import { Notice } from '../../../app/ui.tsx'
import { copyText } from '../lib/clipboard.ts'
import { downloadText } from '../../../lib/download.ts'
import { bansToCsv, bansToJson, exportFileName } from '../lib/export.ts'
import { formatCount, plural } from '../../../lib/format.ts'
import { selectOnline, useOnline } from '../../../lib/online.ts'
import { markFirstPaint, resetFirstPaint } from '../lib/perf.ts'
import {
  countsText,
  selectBansStatus,
  selectFilter,
  selectLoadedAt,
  selectNotice,
  selectRefreshing,
  selectSelectedCount,
  selectTotal,
  selectedIpsInOrder
} from '../selectors.ts'
import { useBansStore } from '../store.ts'
import { BanTable } from './BanTable.tsx'

/** Toolbar (filter, copy, unban, export) and the virtualized table of the shown jail's bans. */
export function BansPanel({ jail }: { jail: string }) {
  const status = useBansStore(selectBansStatus)
  const loadedAt = useBansStore(selectLoadedAt)
  const filter = useBansStore(selectFilter)
  const total = useBansStore(selectTotal)
  const selectedCount = useBansStore(selectSelectedCount)
  const counts = useBansStore(countsText)
  const notice = useBansStore(selectNotice)
  const refreshing = useBansStore(selectRefreshing)
  const online = useOnline(selectOnline)
  const { setFilter, askUnbanSelected, askUnbanAll, notify } = useBansStore.getState()

  // The first-paint figure (e2e, bench): from the list arriving to its rows on screen.
  useLayoutEffect(() => {
    if (status === 'loading') resetFirstPaint()
    else if (status === 'ready' && loadedAt > 0) markFirstPaint(loadedAt)
  }, [status, loadedAt])

  const ready = status === 'ready'
  const copy = () => {
    const ips = selectedIpsInOrder(useBansStore.getState())
    copyText(ips.join('\n')).then(
      () => notify(`Copied ${plural(ips.length, 'IP')} to the clipboard.`),
      (e: unknown) => notify(`Copy failed: ${e instanceof Error ? e.message : String(e)}`, 'error')
    )
  }
  const exportAs = (ext: 'csv' | 'json') => {
    const bans = useBansStore.getState().bans
    downloadText(
      exportFileName(jail, ext, Date.now()),
      ext === 'csv' ? 'text/csv;charset=utf-8' : 'application/json',
      ext === 'csv' ? bansToCsv(bans) : bansToJson(bans)
    )
    notify(`Exported ${plural(bans.length, 'ban')} of ${jail} as ${ext.toUpperCase()}.`)
  }

  return (
    <section className="bans" aria-label={`Bans of ${jail}`}>
      <div className="toolbar" role="toolbar" aria-label="Ban list actions">
        <div className="filter-box">
          <svg
            viewBox="0 0 16 16"
            width="14"
            height="14"
            aria-hidden="true"
            className="filter-icon"
          >
            <path
              d="M2 3h12L9.5 8.5V13l-3-1.5v-3z"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.3"
            />
          </svg>
          <input
            type="search"
            className="filter"
            placeholder={`Filter ${plural(total, 'ban')} by IP…`}
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape' && filter) {
                e.stopPropagation()
                setFilter('')
              }
            }}
            aria-label="Filter bans by IP"
            disabled={!ready || total === 0}
            spellCheck={false}
            data-testid="ban-filter"
          />
        </div>
        <span className={`counts${online ? '' : ' stale'}`} data-testid="ban-counts">
          {ready ? counts : ''}
          {refreshing && <span className="spinner" aria-label="refreshing" />}
        </span>
        <div className="spacer" />
        <button
          type="button"
          disabled={selectedCount === 0}
          onClick={copy}
          data-testid="copy-selected"
          title="Copy the selected IPs, one per line"
        >
          Copy
        </button>
        <button
          type="button"
          disabled={selectedCount === 0 || !online}
          onClick={() => askUnbanSelected()}
          data-testid="unban-selected"
          aria-keyshortcuts="Delete"
          title="Unban the selected IPs in this jail (Delete)"
        >
          Unban{selectedCount > 0 ? ` ${formatCount(selectedCount)}` : ''}
        </button>
        <div className="button-group" role="group" aria-label="Export">
          <button
            type="button"
            disabled={!ready || total === 0}
            onClick={() => exportAs('csv')}
            data-testid="export-csv"
            title={`Export all ${formatCount(total)} bans of ${jail} as CSV`}
          >
            CSV
          </button>
          <button
            type="button"
            disabled={!ready || total === 0}
            onClick={() => exportAs('json')}
            data-testid="export-json"
            title={`Export all ${formatCount(total)} bans of ${jail} as JSON`}
          >
            JSON
          </button>
        </div>
        <button
          type="button"
          className="danger"
          disabled={!ready || total === 0 || !online}
          onClick={() => askUnbanAll(jail)}
          data-testid="unban-all"
        >
          Unban all…
        </button>
      </div>
      {notice && (
        <Notice
          text={notice.text}
          tone={notice.tone}
          onDismiss={() => notify(null)}
          testId="ban-notice"
        />
      )}
      <BanTable />
    </section>
  )
}
