import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useEffect, useId, useMemo, useRef, type MouseEvent, type ReactNode } from 'react'
import type { Ban } from '../../../../../shared/model.ts'
import { Countdown } from '../../../app/ui.tsx'
import type { SortKey } from '../lib/ban-view.ts'
import { formatDateTime, formatDuration } from '../../../lib/format.ts'
import { indexOfKey } from '../lib/selection.ts'
import {
  selectBansError,
  selectBansStatus,
  selectCursor,
  selectFilter,
  selectSelectedSet,
  selectSelection,
  selectSort,
  selectTotal,
  selectView
} from '../selectors.ts'
import { useBansStore } from '../store.ts'

/** Fixed row height (px): the virtualizer never measures rows. Keep in sync with .ban-row in CSS. */
export const ROW_HEIGHT = 32
const estimateSize = (): number => ROW_HEIGHT

/** The grid's DOM id, for focusing it from global shortcuts. */
export const BAN_GRID_ID = 'ban-grid'

const COLUMNS: readonly { key: SortKey | null; label: string; title?: string }[] = [
  { key: 'ip', label: 'IP address' },
  { key: 'bannedAt', label: 'Banned at' },
  {
    key: null,
    label: 'Duration',
    title:
      'How long this ban lasts. It can differ from the jail’s ban time: bantime.increment lengthens repeat offenders’ bans.'
  },
  { key: 'expiresAt', label: 'Expires in' }
]

/**
 * The ban table: an ARIA grid, virtualized so 100 000 rows cost what the ~30 visible ones cost.
 * Sorting and filtering happen in the store (memoized there); rows are memoized and read the
 * shared 1 s clock only for their countdown cell.
 */
export function BanTable() {
  const status = useBansStore(selectBansStatus)
  const error = useBansStore(selectBansError)
  const total = useBansStore(selectTotal)
  const view = useBansStore(selectView)
  const filter = useBansStore(selectFilter)
  const refresh = useBansStore.getState().refresh
  const setFilter = useBansStore.getState().setFilter

  if (status === 'loading' || status === 'idle') {
    return (
      <div className="table-state loading" aria-busy="true" data-testid="bans-loading">
        <div className="skeleton-table" aria-hidden="true">
          {Array.from({ length: 8 }, (_, i) => (
            <div key={i} className="skeleton-row" />
          ))}
        </div>
        <span className="visually-hidden">Loading bans…</span>
      </div>
    )
  }
  if (status === 'error') {
    return (
      <div className="table-state" role="alert" data-testid="bans-error">
        <div className="empty-card">
          <h2>Could not load the bans</h2>
          <p className="error-text">{error}</p>
          <button type="button" onClick={() => void refresh()}>
            Try again
          </button>
        </div>
      </div>
    )
  }
  if (total === 0) {
    return (
      <div className="table-state" data-testid="bans-empty">
        <div className="empty-card">
          <svg viewBox="0 0 24 24" width="36" height="36" aria-hidden="true" className="empty-icon">
            <path
              d="M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5l-8-3Z"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.5"
            />
            <path d="m8.5 12 2.5 2.5 4.5-5" fill="none" stroke="currentColor" strokeWidth="1.5" />
          </svg>
          <h2>No IP is banned in this jail</h2>
          <p className="muted">
            New bans appear here as fail2ban makes them. <kbd>Ctrl</kbd>+<kbd>B</kbd> bans by hand.
          </p>
        </div>
      </div>
    )
  }
  return (
    <Grid
      view={view}
      noMatch={
        view.length === 0 ? (
          <div className="table-state inner" data-testid="bans-no-match">
            <p>
              No banned IP contains “<span className="mono">{filter}</span>”.{' '}
              <button type="button" className="link" onClick={() => setFilter('')}>
                Clear the filter
              </button>
            </p>
          </div>
        ) : null
      }
    />
  )
}

function Grid({ view, noMatch }: { view: readonly Ban[]; noMatch: ReactNode }) {
  const sort = useBansStore(selectSort)
  const selected = useBansStore(selectSelectedSet)
  const selection = useBansStore(selectSelection)
  const cursor = useBansStore(selectCursor)
  const setSort = useBansStore.getState().setSort
  const click = useBansStore.getState().click
  const scrollRef = useRef<HTMLDivElement>(null)
  const idPrefix = useId()
  // The app does not use the React Compiler; the virtualizer re-renders this component itself.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: view.length,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    // Rows have one fixed height, so the virtualizer's default index keys are enough (an IP key
    // per row would cost a call per row on every list change). React keys rows by IP below.
    overscan: 10
  })

  // Keep the keyboard cursor on screen when the selection moves (not when live updates shift rows).
  useEffect(() => {
    const i = indexOfKey(useBansStore.getState().view, selection.cursor)
    if (i !== -1) virtualizer.scrollToIndex(i, { align: 'auto' })
  }, [selection, virtualizer])

  // A new sort or filter shows the focused row if it is still there, else the top.
  const sorted = useRef(sort)
  const filter = useBansStore(selectFilter)
  const filtered = useRef(filter)
  useEffect(() => {
    if (sorted.current === sort && filtered.current === filter) return
    sorted.current = sort
    filtered.current = filter
    const i = indexOfKey(useBansStore.getState().view, useBansStore.getState().selection.cursor)
    if (i !== -1) virtualizer.scrollToIndex(i, { align: 'center' })
    else virtualizer.scrollToOffset(0)
  }, [sort, filter, virtualizer])

  const onRowMouse = (e: MouseEvent<HTMLDivElement>) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[data-index]')
    if (!row) return
    if (e.type === 'mousedown') {
      // Shift/Ctrl-click select rows, not text.
      if (e.shiftKey || e.ctrlKey || e.metaKey) e.preventDefault()
      return
    }
    click(Number(row.dataset.index), { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey })
  }

  const items = virtualizer.getVirtualItems()
  // Memoized: the virtualizer re-renders this on every scroll frame; a scan of 100k rows is not free.
  const cursorIndex = useMemo(() => indexOfKey(view, cursor), [view, cursor])
  const cursorShown = items.some((it) => it.index === cursorIndex)
  return (
    <div
      id={BAN_GRID_ID}
      className="ban-table"
      role="grid"
      aria-label="Banned IPs"
      aria-rowcount={view.length + 1}
      aria-colcount={COLUMNS.length}
      aria-multiselectable="true"
      aria-activedescendant={cursorShown ? `${idPrefix}-${cursorIndex}` : undefined}
      tabIndex={0}
      data-testid="ban-table"
    >
      <div className="ban-head" role="rowgroup">
        <div className="ban-row header" role="row" aria-rowindex={1}>
          {COLUMNS.map((c) => {
            if (c.key === null)
              return (
                <div key={c.label} role="columnheader" className="plain-head" title={c.title}>
                  {c.label}
                </div>
              )
            const key = c.key
            const active = sort.key === key
            return (
              <div
                key={key}
                role="columnheader"
                aria-sort={active ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}
              >
                <button
                  type="button"
                  className={`sort${active ? ' active' : ''}`}
                  onClick={() => setSort(key)}
                  data-testid={`sort-${key}`}
                  title={`Sort by ${c.label.toLowerCase()}`}
                >
                  {c.label}
                  <span className="sort-arrow" aria-hidden="true">
                    {active ? (sort.dir === 1 ? '▲' : '▼') : ''}
                  </span>
                </button>
              </div>
            )
          })}
        </div>
      </div>
      <div
        className="ban-scroll"
        ref={scrollRef}
        role="rowgroup"
        data-testid="ban-scroll"
        onMouseDown={onRowMouse}
        onClick={onRowMouse}
      >
        {noMatch ?? (
          <div className="ban-canvas" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((item) => {
              const ban = view[item.index]!
              return (
                <Row
                  key={ban.ip}
                  id={`${idPrefix}-${item.index}`}
                  ban={ban}
                  index={item.index}
                  top={item.start}
                  selected={selected.has(ban.ip)}
                  focused={ban.ip === cursor}
                />
              )
            })}
          </div>
        )}
      </div>
    </div>
  )
}

const Row = memo(function Row(props: {
  id: string
  ban: Ban
  index: number
  top: number
  selected: boolean
  focused: boolean
}) {
  const { ban } = props
  return (
    <div
      id={props.id}
      className={`ban-row${props.selected ? ' selected' : ''}${props.focused ? ' focused' : ''}${props.index % 2 ? ' odd' : ''}`}
      role="row"
      aria-rowindex={props.index + 2}
      aria-selected={props.selected}
      data-index={props.index}
      style={{ transform: `translateY(${props.top}px)` }}
      data-testid="ban-row"
    >
      <div role="gridcell" className="mono ip-cell">
        {ban.ip}
      </div>
      <div role="gridcell" className="time-cell">
        {formatDateTime(ban.bannedAt)}
      </div>
      <div role="gridcell" className="time-cell" data-testid="ban-duration">
        {ban.permanent || ban.bantime < 0 ? 'permanent' : formatDuration(ban.bantime)}
      </div>
      <div
        role="gridcell"
        className="time-cell"
        title={
          ban.expiresAt === null ? 'Never expires' : `Expires ${formatDateTime(ban.expiresAt)}`
        }
      >
        {ban.permanent || ban.expiresAt === null ? (
          <span className="pill permanent">permanent</span>
        ) : (
          <Countdown at={ban.expiresAt} />
        )}
      </div>
    </div>
  )
})
