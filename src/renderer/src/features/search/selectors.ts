/** Pure selectors of the search store. */
import type { SearchState } from './store.ts'

export const selectQuery = (s: SearchState): string => s.query
export const selectSearchStatus = (s: SearchState) => s.status
export const selectSearchResult = (s: SearchState) => s.result
export const selectSearchError = (s: SearchState): string | null => s.error
/** Whether the result popover is shown. */
export const selectHasOutcome = (s: SearchState): boolean => s.status !== 'idle'
