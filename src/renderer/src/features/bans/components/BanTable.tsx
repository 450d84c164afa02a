import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useEffect, useMemo, useRef } from 'react'
import type { Ban } from '../../../../../shared/model.ts'
import { filterBans, sortBans, type SortKey } from '../../../lib/ban-view.ts'
import { formatCountdown, formatDateTime } from '../../../lib/format.ts'
import { useNow } from '../../../lib/ticker.ts'
import { useBans } from '../store.ts'

const ROW = 30

/** The visible rows of the ban table, sorted and filtered (memoized; 100k rows sort once). */
export function useBanView(): readonly Ban[] {
  const bans = useBans((s) => s.bans)
  const sort = useBans((s) => s.sort)
  const filter = useBans((s) => s.filter)
  const sorted = useMemo(() => sortBans(bans, sort), [bans, sort])
  return useMemo(() => filterBans(sorted, filter), [sorted, filter])
}

/** Virtualized ban table: only the rows on screen exist in the DOM. */
export function BanTable({ view }: { view: readonly Ban[] }) {
  const status = useBans((s) => s.status)
  const error = useBans((s) => s.error)
  const total = useBans((s) => s.bans.length)
  const sort = useBans((s) => s.sort)
  const setSort = useBans((s) => s.setSort)
  const selected = useBans((s) => s.selected)
  const cursor = useBans((s) => s.cursor)
  const click = useBans((s) => s.click)
  const moveCursor = useBans((s) => s.moveCursor)
  const selectAll = useBans((s) => s.selectAll)
  const parent = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: view.length,
    getScrollElement: () => parent.current,
    estimateSize: () => ROW,
    overscan: 12
  })
  useEffect(() => {
    if (view.length) virtualizer.scrollToIndex(cursor, { align: 'auto' })
  }, [cursor, view.length, virtualizer])

  if (status === 'loading')
    return (
      <div className="table-state" data-testid="bans-loading">
        Loading bans…
      </div>
    )
  if (status === 'error')
    return (
      <div className="table-state error-text" data-testid="bans-error">
        {error}
      </div>
    )
  if (total === 0) {
    return (
      <div className="table-state" data-testid="bans-empty">
        No IP is banned in this jail. <span className="muted">Ctrl+B bans one by hand.</span>
      </div>
    )
  }
  const header = (key: SortKey, label: string) => (
    <div
      role="columnheader"
      aria-sort={sort.key === key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}
    >
      <button
        type="button"
        className="sort"
        onClick={() => setSort(key)}
        data-testid={`sort-${key}`}
      >
        {label} {sort.key === key ? (sort.dir === 1 ? '▲' : '▼') : ''}
      </button>
    </div>
  )
  return (
    <div
      className="ban-table"
      role="grid"
      aria-label="Banned IPs"
      aria-rowcount={view.length}
      aria-multiselectable="true"
      tabIndex={0}
      data-testid="ban-table"
      onKeyDown={(e) => {
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          e.preventDefault()
          moveCursor(view, e.key === 'ArrowDown' ? 1 : -1, e.shiftKey)
        } else if (e.key === 'PageDown' || e.key === 'PageUp') {
          e.preventDefault()
          moveCursor(view, (e.key === 'PageDown' ? 1 : -1) * 20, e.shiftKey)
        } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a') {
          e.preventDefault()
          selectAll(view)
        }
      }}
    >
      <div className="ban-row header" role="row">
        {header('ip', 'IP')}
        {header('bannedAt', 'Banned at')}
        {header('expiresAt', 'Expires in')}
      </div>
      <div className="ban-scroll" ref={parent} data-testid="ban-scroll">
        {view.length === 0 ? (
          <div className="table-state">No ban matches the filter.</div>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const ban = view[item.index]!
              return (
                <Row
                  key={ban.ip}
                  ban={ban}
                  index={item.index}
                  top={item.start}
                  selected={selected.has(ban.ip)}
                  focused={item.index === cursor}
                  onClick={(e) =>
                    click(view, item.index, { shift: e.shiftKey, ctrl: e.ctrlKey || e.metaKey })
                  }
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
  ban: Ban
  index: number
  top: number
  selected: boolean
  focused: boolean
  onClick: (e: React.MouseEvent) => void
}) {
  const { ban } = props
  return (
    <div
      className={`ban-row ${props.selected ? 'selected' : ''} ${props.focused ? 'focused' : ''}`}
      role="row"
      aria-rowindex={props.index + 1}
      aria-selected={props.selected}
      style={{ transform: `translateY(${props.top}px)` }}
      onClick={props.onClick}
      data-testid="ban-row"
    >
      <div role="gridcell" className="mono">
        {ban.ip}
      </div>
      <div role="gridcell">{formatDateTime(ban.bannedAt)}</div>
      <div role="gridcell">
        {ban.permanent ? <span className="pill">permanent</span> : <Countdown at={ban.expiresAt} />}
      </div>
    </div>
  )
})

function Countdown({ at }: { at: number | null }) {
  const now = useNow((s) => s.now)
  return <span className="countdown">{formatCountdown(at, now)}</span>
}
