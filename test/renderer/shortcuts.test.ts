import { beforeEach, describe, expect, it } from 'vitest'
import {
  handleShortcut,
  isTypingTarget,
  PAGE_ROWS,
  type KeyInput,
  type ShortcutActions
} from '../../src/renderer/src/app/shortcuts.ts'

const calls: string[] = []
let tableShown = true
const actions: ShortcutActions = {
  focusSearch: () => void calls.push('search'),
  openBanDialog: () => void calls.push('ban'),
  unbanSelected: () => void calls.push('unban'),
  refresh: () => void calls.push('refresh'),
  moveCursor: (d, extend) => (calls.push(`move ${d}${extend ? ' extend' : ''}`), tableShown),
  moveToEdge: (edge, extend) => (calls.push(`edge ${edge}${extend ? ' extend' : ''}`), tableShown),
  selectAll: () => (calls.push('all'), tableShown),
  clearSelection: () => (calls.push('clear'), tableShown)
}
const input = { tagName: 'INPUT', isContentEditable: false, getAttribute: () => null }
const button = { tagName: 'BUTTON', isContentEditable: false, getAttribute: () => null }
const key = (k: string, extra: Partial<KeyInput> = {}): boolean =>
  handleShortcut(
    {
      key: k,
      ctrlKey: false,
      metaKey: false,
      altKey: false,
      shiftKey: false,
      target: null,
      ...extra
    },
    actions
  )

beforeEach(() => {
  calls.length = 0
  tableShown = true
})

describe('global shortcuts', () => {
  it('map keys to actions', () => {
    expect(key('/')).toBe(true)
    expect(key('b', { ctrlKey: true })).toBe(true)
    expect(key('B', { metaKey: true })).toBe(true)
    expect(key('Delete')).toBe(true)
    expect(key('r')).toBe(true)
    expect(key('R', { shiftKey: true })).toBe(true)
    expect(key('x')).toBe(false)
    expect(calls).toEqual(['search', 'ban', 'ban', 'unban', 'refresh', 'refresh'])
  })

  it('arrows, pages and Home/End move in the table; shift extends', () => {
    key('ArrowDown')
    key('ArrowUp', { shiftKey: true })
    key('PageDown')
    key('PageUp', { shiftKey: true })
    key('Home')
    key('End', { shiftKey: true })
    expect(calls).toEqual([
      'move 1',
      'move -1 extend',
      `move ${PAGE_ROWS}`,
      `move ${-PAGE_ROWS} extend`,
      'edge first',
      'edge last extend'
    ])
  })

  it('Ctrl+A selects all rows only when a table is there (else the key keeps its default)', () => {
    expect(key('a', { ctrlKey: true })).toBe(true)
    tableShown = false
    expect(key('a', { ctrlKey: true })).toBe(false)
    expect(key('ArrowDown')).toBe(false)
  })

  it('plain keys never fire while typing in a field; Ctrl+B still opens the dialog', () => {
    for (const k of ['/', 'Delete', 'r', 'ArrowDown', 'Escape'])
      expect(key(k, { target: input as never })).toBe(false)
    expect(key('a', { ctrlKey: true, target: input as never })).toBe(false)
    expect(key('b', { ctrlKey: true, target: input as never })).toBe(true)
    expect(calls).toEqual(['ban'])
  })

  it('keys on a focused button still work; modified plain keys (Alt, Ctrl+R) are left alone', () => {
    expect(key('Delete', { target: button as never })).toBe(true)
    expect(key('r', { ctrlKey: true })).toBe(false)
    expect(key('/', { altKey: true })).toBe(false)
    expect(key('b', { ctrlKey: true, shiftKey: true })).toBe(false)
    expect(calls).toEqual(['unban'])
  })
})

it('isTypingTarget recognises fields, editable content and text roles', () => {
  expect(isTypingTarget(null)).toBe(false)
  expect(isTypingTarget(input as never)).toBe(true)
  expect(isTypingTarget({ tagName: 'textarea', getAttribute: () => null } as never)).toBe(true)
  expect(isTypingTarget({ tagName: 'SELECT', getAttribute: () => null } as never)).toBe(true)
  expect(isTypingTarget({ tagName: 'DIV', isContentEditable: true } as never)).toBe(true)
  expect(isTypingTarget({ tagName: 'DIV', getAttribute: () => 'textbox' } as never)).toBe(true)
  expect(isTypingTarget(button as never)).toBe(false)
})
