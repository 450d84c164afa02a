/** Pure selectors of the history store. */
import type { HistoryState } from './store.ts'

export const selectPreset = (s: HistoryState) => s.preset
export const selectSince = (s: HistoryState) => s.since
export const selectUntil = (s: HistoryState) => s.until
export const selectServer = (s: HistoryState) => s.server
export const selectStatus = (s: HistoryState) => s.status
export const selectError = (s: HistoryState) => s.error
export const selectSummary = (s: HistoryState) => s.summary
export const selectTimeline = (s: HistoryState) => s.timeline
export const selectTimelineStatus = (s: HistoryState) => s.timelineStatus
export const selectTimelineError = (s: HistoryState) => s.timelineError
export const selectZoom = (s: HistoryState) => s.zoom
export const selectIpPanel = (s: HistoryState) => s.ip
export const selectExportError = (s: HistoryState) => s.exportError
/** Whether the timeline shows another window than the view's (zoomed or panned). */
export const selectIsZoomed = (s: HistoryState): boolean =>
  s.zoom !== null && (s.zoom.since !== s.since || s.zoom.until !== s.until)
