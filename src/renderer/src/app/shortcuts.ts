/**
 * Global keyboard shortcuts as a pure mapping from a key event to an action, so the rules are
 * unit-tested: `/` search, Ctrl+B ban, Delete unban selected, R refresh, arrows (shift extends),
 * Home/End, PageUp/PageDown, Ctrl+A, Escape. Plain keys never fire while the user types in a
 * field; the caller skips everything while a modal dialog is open.
 */

export interface ShortcutActions {
  focusSearch(): void
  openBanDialog(): void
  /** Asks to unban the selected rows (a confirmation follows). */
  unbanSelected(): void
  refresh(): void
  /** Moves in the ban table; false when no table is shown (the key is left alone). */
  moveCursor(delta: number, extend: boolean): boolean
  moveToEdge(edge: 'first' | 'last', extend: boolean): boolean
  selectAll(): boolean
  clearSelection(): boolean
}

export type KeyInput = Pick<
  KeyboardEvent,
  'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey' | 'target'
>

/** Rows a PageUp/PageDown moves. */
export const PAGE_ROWS = 20

interface ElementLike {
  tagName?: string
  isContentEditable?: boolean
  getAttribute?(name: string): string | null
}

/** True when the event target takes text or choice input (keys belong to it, not to us). */
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as ElementLike | null
  if (!el || typeof el.tagName !== 'string') return false
  if (el.isContentEditable) return true
  if (['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName.toUpperCase())) return true
  const role = el.getAttribute?.('role')
  return role === 'textbox' || role === 'combobox' || role === 'searchbox'
}

/** Maps a key event to an action; returns true when it handled it (the caller prevents the default). */
export function handleShortcut(e: KeyInput, a: ShortcutActions): boolean {
  const mod = e.ctrlKey || e.metaKey
  // Ctrl+B is no text-editing key: it opens the ban dialog even from the filter box.
  if (mod && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'b') {
    a.openBanDialog()
    return true
  }
  if (isTypingTarget(e.target) || e.altKey) return false
  if (mod) {
    return e.key.toLowerCase() === 'a' && !e.shiftKey ? a.selectAll() : false
  }
  switch (e.key) {
    case '/':
      a.focusSearch()
      return true
    case 'Delete':
      a.unbanSelected()
      return true
    case 'r':
    case 'R':
      a.refresh()
      return true
    case 'ArrowDown':
      return a.moveCursor(1, e.shiftKey)
    case 'ArrowUp':
      return a.moveCursor(-1, e.shiftKey)
    case 'PageDown':
      return a.moveCursor(PAGE_ROWS, e.shiftKey)
    case 'PageUp':
      return a.moveCursor(-PAGE_ROWS, e.shiftKey)
    case 'Home':
      return a.moveToEdge('first', e.shiftKey)
    case 'End':
      return a.moveToEdge('last', e.shiftKey)
    case 'Escape':
      return a.clearSelection()
    default:
      return false
  }
}
