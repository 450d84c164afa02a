/** The one loading state every store uses for data it fetches. */
export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error'
