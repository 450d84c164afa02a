/** Global keyboard shortcuts; none fire while the user types in a field. */
export interface ShortcutActions {
  focusSearch(): void
  openBan(): void
  unbanSelected(): void
  refresh(): void
}

export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  if (!el || !el.tagName) return false
  return (
    el.isContentEditable ||
    ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) ||
    !!el.closest?.('dialog')
  )
}

/** Maps a key event to an action; returns true when it handled it. */
export function handleShortcut(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>,
  a: ShortcutActions
): boolean {
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'b') {
    a.openBan()
    return true
  }
  if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return false
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
    default:
      return false
  }
}
