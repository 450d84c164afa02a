import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useEffect, useRef } from 'react'
import { Countdown, ErrorBlock } from '../../../app/ui.tsx'
import { formatCount, formatDateTime, formatDuration } from '../../../lib/format.ts'
import { ROW_HEIGHT } from '../../bans/components/BanTable.tsx'
import type { FleetBanColumns } from '../../../../../shared/servers.ts'
import { rowAt, type FleetSortKey } from '../lib/merged-bans.ts'
import { serverNames, useFleetStore } from '../store.ts'

const estimateSize = (): number => ROW_HEIGHT

const COLUMNS: readonly { key: FleetSortKey; label: string }[] = [
  { key: 'server', label: 'Server' },
  { key: 'jail', label: 'Jail' },
  { key: 'ip', label: 'IP address' },
  { key: 'bannedAt', label: 'Banned at' },
  { key: 'expiresAt', label: 'Expires in' }
]

/**
 * Every current ban of every connected server, one grid with a server column. Virtualized the
 * way the jail's ban table is (fixed row height, only the visible rows in the DOM); rows are
 * built from the columns only when they scroll into view.
 */
export function FleetBanTable() {
  const bans = useFleetStore((s) => s.bans)
  const status = useFleetStore((s) => s.bansStatus)
  const error = useFleetStore((s) => s.bansError)
  const order = useFleetStore((s) => s.order)
  const filter = useFleetStore((s) => s.filter)
  const overview = useFleetStore((s) => s.overview)
  const setFilter = useFleetStore.getState().setFilter
  const names = serverNames(overview)
  return (
    <div className="fleet-bans">
      <div className="toolbar">
        <h2 className="fleet-bans-title">Bans on all servers</h2>
        <input
          type="search"
          className="filter"
          placeholder="Filter by IP, jail or server"
          aria-label="Filter the bans of all servers"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          data-testid="fleet-bans-filter"
        />
        <span className="counts muted" data-testid="fleet-bans-count">
          {bans === null
            ? ''
            : filter.trim() === ''
              ? `${formatCount(order.length)} bans`
              : `${formatCount(order.length)} of ${formatCount(bans.ip.length)} bans`}
        </span>
      </div>
      {bans && bans.errors.length > 0 && (
        <ul className="fleet-bans-errors inline-alert warn" data-testid="fleet-bans-errors">
          {bans.errors.map((e) => (
            <li key={e.server}>
              {names.get(e.server) ?? e.server}: {e.message}
            </li>
          ))}
        </ul>
      )}
      {bans === null ? (
        status === 'error' ? (
          <ErrorBlock testId="fleet-bans-error">Could not read the bans: {error}</ErrorBlock>
        ) : (
          <p className="muted" aria-busy="true">
            Loading the bans…
          </p>
        )
      ) : (
        <Grid names={names} />
      )}
    </div>
  )
}

function Grid({ names }: { names: ReadonlyMap<string, string> }) {
  const bans = useFleetStore((s) => s.bans)!
  const order = useFleetStore((s) => s.order)
  const sort = useFleetStore((s) => s.sort)
  const setSort = useFleetStore.getState().setSort
  const scrollRef = useRef<HTMLDivElement>(null)
  // The app does not use the React Compiler; the virtualizer re-renders this component itself.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: order.length,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    overscan: 10
  })
  // A new sort shows the top (row positions mean nothing across sorts).
  useEffect(() => {
    virtualizer.scrollToOffset(0)
  }, [sort, virtualizer])

  return (
    <div
      className="ban-table fleet-table"
      role="grid"
      aria-label="Bans on all servers"
      aria-rowcount={order.length + 1}
      aria-colcount={COLUMNS.length + 1}
      data-testid="fleet-bans-table"
    >
      <div className="ban-head" role="rowgroup">
        <div className="ban-row header fleet-row" role="row" aria-rowindex={1}>
          {COLUMNS.map((c) => {
            const active = sort.key === c.key
            return (
              <div
                key={c.key}
                role="columnheader"
                aria-sort={active ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}
              >
                <button
                  type="button"
                  className={`sort${active ? ' active' : ''}`}
                  onClick={() => setSort(c.key)}
                  data-testid={`fleet-sort-${c.key}`}
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
          <div role="columnheader" className="plain-head">
            Duration
          </div>
        </div>
      </div>
      <div className="ban-scroll" ref={scrollRef} role="rowgroup" data-testid="fleet-bans-scroll">
        {order.length === 0 ? (
          <div className="table-state inner" data-testid="fleet-bans-empty">
            <p className="muted">No ban to show.</p>
          </div>
        ) : (
          <div className="ban-canvas" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const index = order[item.index]!
              const server = bans.server[index]!
              return (
                <Row
                  key={index}
                  bans={bans}
                  index={index}
                  serverName={names.get(server) ?? server}
                  position={item.index}
                  top={item.start}
                />
              )
            })}
          </div>
        )}
      </div>
    </div>
  )
}

// Props are the (stable) columns and an index, so a scroll frame re-renders only moved rows.
const Row = memo(function Row(props: {
  bans: FleetBanColumns
  index: number
  serverName: string
  position: number
  top: number
}) {
  const row = rowAt(props.bans, props.index)
  return (
    <div
      className={`ban-row fleet-row${props.position % 2 ? ' odd' : ''}`}
      role="row"
      aria-rowindex={props.position + 2}
      style={{ transform: `translateY(${props.top}px)` }}
      data-testid="fleet-ban-row"
      data-server={row.server}
    >
      <div role="gridcell">{props.serverName}</div>
      <div role="gridcell">{row.jail}</div>
      <div role="gridcell" className="mono ip-cell">
        {row.ip}
      </div>
      <div role="gridcell" className="time-cell">
        {formatDateTime(row.bannedAt)}
      </div>
      <div role="gridcell" className="time-cell">
        {row.expiresAt === null ? (
          <span className="pill permanent">permanent</span>
        ) : (
          <Countdown at={row.expiresAt} />
        )}
      </div>
      <div role="gridcell" className="time-cell">
        {row.expiresAt === null || row.bantime < 0 ? 'permanent' : formatDuration(row.bantime)}
      </div>
    </div>
  )
})
