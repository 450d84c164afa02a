/** The one-line outcome notice under the toolbar. */
import type { BansSlice } from './state.ts'

export const noticeSlice: BansSlice<'notify' | 'clearErrorNotice'> = (set, get) => ({
  notify(text, tone = 'ok') {
    set({ notice: text === null ? null : { text, tone } })
  },
  clearErrorNotice() {
    if (get().notice?.tone === 'error') set({ notice: null })
  }
})
