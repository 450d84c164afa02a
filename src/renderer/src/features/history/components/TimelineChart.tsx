import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import type { Timeline } from '../../../../../shared/history.ts'

const COLORS = [
  '#2563eb',
  '#c8331f',
  '#117a54',
  '#9a5b00',
  '#7c3aed',
  '#0891b2',
  '#db2777',
  '#4d7c0f',
  '#64748b',
  '#ea580c'
]

interface Props {
  timeline: Timeline
  /** A new x window (epoch s) chosen by drag-select or the wheel: re-query buckets for it. */
  onZoom(since: number, until: number): void
}

/**
 * Bans per jail per bucket (uPlot: canvas, fast on long series). Drag to zoom into a range,
 * wheel to zoom around the cursor; the parent asks main for buckets of the new width, so the
 * chart never holds more than one screen of points.
 */
export function TimelineChart({ timeline, onZoom }: Props) {
  const host = useRef<HTMLDivElement>(null)
  const zoomRef = useRef(onZoom)
  useEffect(() => {
    zoomRef.current = onZoom
  }, [onZoom])

  useEffect(() => {
    const el = host.current
    if (!el) return
    const data: uPlot.AlignedData = [timeline.starts, ...timeline.series.map((s) => s.counts)]
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: 220,
      scales: { x: { time: true, range: () => [timeline.since, timeline.until] } },
      series: [
        {},
        ...timeline.series.map((s, i) => ({
          label: s.jail,
          stroke: COLORS[i % COLORS.length]!,
          width: 1.5,
          fill: `${COLORS[i % COLORS.length]!}18`,
          points: { show: false },
          paths: uPlot.paths.stepped!({ align: 1 })
        }))
      ],
      axes: [{ stroke: 'currentColor' }, { stroke: 'currentColor', label: 'bans' }],
      cursor: { drag: { x: true, y: false, setScale: false } },
      legend: { show: true },
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 4) return
            const a = u.posToVal(u.select.left, 'x')
            const b = u.posToVal(u.select.left + u.select.width, 'x')
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false)
            zoomRef.current(a, b)
          }
        ]
      }
    }
    const u = new uPlot(opts, data, el)
    const onWheel = (e: WheelEvent): void => {
      e.preventDefault()
      const rect = u.over.getBoundingClientRect()
      const at = u.posToVal(e.clientX - rect.left, 'x')
      const f = e.deltaY < 0 ? 0.5 : 2
      zoomRef.current(at - (at - timeline.since) * f, at + (timeline.until - at) * f)
    }
    u.over.addEventListener('wheel', onWheel, { passive: false })
    const ro = new ResizeObserver(() =>
      u.setSize({ width: Math.max(200, el.clientWidth), height: 220 })
    )
    ro.observe(el)
    return () => {
      ro.disconnect()
      u.over.removeEventListener('wheel', onWheel)
      u.destroy()
    }
  }, [timeline])

  return <div ref={host} className="history-chart" data-testid="history-timeline-chart" />
}
