/** Pure selectors and view models of the connection store. */
import type { ConnectionState, ConnectionStatus } from '../../../../shared/model.ts'
import type { ConnectionStoreState } from './store.ts'

export const selectConnection = (s: ConnectionStoreState): ConnectionState | null => s.connection
export const selectServer = (s: ConnectionStoreState) => s.server
export const selectRetrying = (s: ConnectionStoreState): boolean => s.retrying
export const selectRetryError = (s: ConnectionStoreState): string | null => s.error

/** True once main reports a working connection. */
export const selectIsConnected = (s: ConnectionStoreState): boolean =>
  s.connection?.status === 'connected'

export interface StatusText {
  /** The status in words. */
  title: string
  /** What the admin can do about it (empty where there is nothing to do). */
  hint: string
  tone: 'info' | 'warn' | 'error'
}

/** What the banner says for each state. */
export const STATUS_TEXT: Record<ConnectionStatus, StatusText> = {
  connecting: { title: 'Connecting to fail2ban…', hint: '', tone: 'info' },
  connected: { title: 'Connected', hint: '', tone: 'info' },
  'socket-missing': {
    title: 'fail2ban is not running',
    hint: 'Start it (sudo systemctl start fail2ban) or check the socket path. BanGUI reconnects on its own.',
    tone: 'error'
  },
  'permission-denied': {
    title: 'No permission to use the fail2ban socket',
    hint: 'The socket is root-only: run BanGUI as root, or see "Reaching the socket" in the README.',
    tone: 'error'
  },
  'not-answering': {
    title: 'fail2ban is not answering',
    hint: 'A slow ban action may be blocking the server, or it hangs. Check “systemctl status fail2ban”; BanGUI keeps retrying.',
    tone: 'warn'
  },
  reconnecting: {
    title: 'Reconnecting to fail2ban…',
    hint: '',
    tone: 'warn'
  },
  'bad-reply': {
    title: 'fail2ban’s reply could not be read',
    hint: 'Check that the socket path in Settings is fail2ban’s own socket. BanGUI keeps retrying.',
    tone: 'error'
  }
}

export interface BannerModel extends StatusText {
  status: ConnectionStatus
  /** Main's sentence (what is wrong and what to do); the hint is dropped when there is one. */
  message: string
  socketPath: string
  /** Whole seconds until the next automatic attempt; null when none is scheduled. */
  retryIn: number | null
}

/**
 * The banner's content for a state at time `now`; null when connected (no banner).
 * Pure, so the wording is unit-tested.
 */
export function bannerModel(state: ConnectionState | null, now: number): BannerModel | null {
  if (!state || state.status === 'connected') return null
  const text = STATUS_TEXT[state.status]
  return {
    ...text,
    // One advice line: main's message already says what to do, the generic hint would repeat it.
    hint: state.message ? '' : text.hint,
    status: state.status,
    message: state.message,
    socketPath: state.socketPath,
    retryIn:
      state.nextRetryAt === null ? null : Math.max(0, Math.ceil((state.nextRetryAt - now) / 1000))
  }
}
