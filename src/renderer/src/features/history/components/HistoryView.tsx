import { useEffect, useState } from 'react'
import { checkIp } from '../../../../../shared/validation.ts'
import { bucketLabel, countryLabel, localTime } from '../format.ts'
import {
  selectError,
  selectExportError,
  selectIsZoomed,
  selectServer,
  selectStatus,
  selectSummary,
  selectTimeline,
  selectTimelineError,
  selectTimelineStatus
} from '../selectors.ts'
import { REPEAT_MIN, useHistoryStore } from '../store.ts'
import { BansByJailTable } from './BansByJailTable.tsx'
import { IpPanel } from './IpPanel.tsx'
import { OffendersTable } from './OffendersTable.tsx'
import { RangePicker } from './RangePicker.tsx'
import { TimelineChart } from './TimelineChart.tsx'
import './history.css'

/**
 * The History view: BanGUI's own record of bans (observed, done here, imported from fail2ban's
 * database), for one server or all, over a chosen window.
 */
export function HistoryView() {
  const status = useHistoryStore(selectStatus)
  const error = useHistoryStore(selectError)
  const summary = useHistoryStore(selectSummary)
  const server = useHistoryStore(selectServer)
  const timeline = useHistoryStore(selectTimeline)
  const timelineStatus = useHistoryStore(selectTimelineStatus)
  const timelineError = useHistoryStore(selectTimelineError)
  const zoomed = useHistoryStore(selectIsZoomed)
  const exportError = useHistoryStore(selectExportError)
  const [ipQuery, setIpQuery] = useState('')
  const [ipError, setIpError] = useState<string | null>(null)
  const store = useHistoryStore.getState

  useEffect(() => {
    void store().load()
  }, [store])

  const openIp = (ip: string): void => void store().openIp(ip)

  return (
    <div className="history-view" data-testid="history-view">
      <div className="history-toolbar">
        <RangePicker />
        <label className="history-server">
          Server{' '}
          <select
            value={server ?? ''}
            onChange={(e) => void store().setServer(e.target.value === '' ? null : e.target.value)}
            data-testid="history-server"
          >
            <option value="">All servers</option>
            {summary?.servers.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <form
          className="history-ip-search"
          onSubmit={(e) => {
            e.preventDefault()
            const c = checkIp(ipQuery)
            if (!c.ok) return setIpError(c.reason === 'empty' ? 'Type an IP address.' : c.reason)
            setIpError(null)
            openIp(c.value)
          }}
        >
          <input
            type="search"
            placeholder="IP history…"
            value={ipQuery}
            onChange={(e) => setIpQuery(e.target.value)}
            aria-label="Show the history of an IP"
            data-testid="history-ip-input"
          />
        </form>
        <span className="spacer" />
        <button type="button" onClick={() => void store().load()} data-testid="history-refresh">
          Refresh
        </button>
        <button
          type="button"
          onClick={() => void store().exportWindow('csv')}
          data-testid="history-export-csv"
        >
          Export CSV
        </button>
        <button
          type="button"
          onClick={() => void store().exportWindow('json')}
          data-testid="history-export-json"
        >
          JSON
        </button>
      </div>
      {ipError && (
        <p className="inline-alert error-text" role="alert">
          {ipError}
        </p>
      )}
      {exportError && (
        <p className="inline-alert error-text" role="alert">
          Export failed: {exportError}
        </p>
      )}
      {summary?.warnings.map((w) => (
        <p key={w} className="inline-alert history-warning" role="alert">
          {w}
        </p>
      ))}
      <div className="history-body">
        <div className="history-main">
          {status === 'error' && (
            <p className="inline-alert error-text" role="alert" data-testid="history-error">
              {error}
            </p>
          )}
          {status === 'loading' && !summary && <p className="muted">Loading the history…</p>}
          <section
            className="history-card history-timeline"
            aria-label="Timeline"
            data-testid="history-timeline"
          >
            <h3>
              Bans over time
              {timeline && (
                <span className="muted">
                  {' '}
                  · {localTime(timeline.since)} – {localTime(timeline.until)} · per{' '}
                  {bucketLabel(timeline.bucketS)}
                </span>
              )}
              <span className="spacer" />
              <span className="history-pan">
                <button
                  type="button"
                  onClick={() => void store().pan(-0.5)}
                  title="Earlier"
                  data-testid="history-pan-back"
                >
                  ◀
                </button>
                <button
                  type="button"
                  onClick={() => void store().pan(0.5)}
                  title="Later"
                  data-testid="history-pan-forward"
                >
                  ▶
                </button>
                <button
                  type="button"
                  onClick={() => void store().resetZoom()}
                  disabled={!zoomed}
                  data-testid="history-zoom-reset"
                >
                  Reset zoom
                </button>
              </span>
            </h3>
            {timelineStatus === 'error' && <p className="error-text">{timelineError}</p>}
            {timeline && timeline.series.length === 0 && (
              <p className="muted">No ban in this range.</p>
            )}
            {timeline && timeline.series.length > 0 && (
              <TimelineChart timeline={timeline} onZoom={(a, b) => void store().zoomTo(a, b)} />
            )}
            <p className="muted small">
              Drag across the chart to zoom in, use the wheel to zoom out.
            </p>
          </section>
          {summary && (
            <div className="history-grid">
              <BansByJailTable data={summary.byJail} />
              <section
                className="history-card"
                aria-label="Top countries"
                data-testid="history-countries"
              >
                <h3>Top countries</h3>
                {summary.countries.length === 0 ? (
                  <p className="muted">No ban in this window.</p>
                ) : (
                  <table className="history-table">
                    <thead>
                      <tr>
                        <th>Country</th>
                        <th className="num">Bans</th>
                        <th className="num">IPs</th>
                      </tr>
                    </thead>
                    <tbody>
                      {summary.countries.map((c) => (
                        <tr key={c.country ?? '?'}>
                          <td>{countryLabel(c.country)}</td>
                          <td className="num">{c.bans}</td>
                          <td className="num">{c.ips}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </section>
              <OffendersTable
                title="Top offenders"
                testId="history-top"
                rows={summary.top}
                empty="No ban in this window."
                onOpen={openIp}
              />
              <OffendersTable
                title={`Repeat offenders (${REPEAT_MIN}+ bans)`}
                testId="history-repeat"
                rows={summary.repeat}
                empty={`No IP was banned ${REPEAT_MIN} times or more in this window.`}
                onOpen={openIp}
              />
            </div>
          )}
        </div>
        <IpPanel />
      </div>
      <footer className="history-footer muted" data-testid="history-credit">
        IP geolocation by DB-IP, CC BY 4.0 (db-ip.com)
      </footer>
    </div>
  )
}
