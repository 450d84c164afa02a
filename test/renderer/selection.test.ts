import { describe, expect, it } from 'vitest'
import {
  clickRow,
  dropKeys,
  EMPTY_SELECTION,
  indexOfKey,
  keepPresent,
  moveCursor,
  rangeKeys,
  selectAll,
  type Selection
} from '../../src/renderer/src/features/bans/lib/selection.ts'

const view = ['a', 'b', 'c', 'd', 'e', 'f'].map((ip) => ({ ip }))
const keys = (s: Selection) => [...s.selected].sort()
const plain = { shift: false, toggle: false }
const shift = { shift: true, toggle: false }
const ctrl = { shift: false, toggle: true }

describe('mouse', () => {
  it('a click selects one row and sets anchor and cursor', () => {
    const s = clickRow(EMPTY_SELECTION, view, 2, plain)
    expect(keys(s)).toEqual(['c'])
    expect(s).toMatchObject({ anchor: 'c', cursor: 'c' })
  })

  it('shift-click selects the range from the anchor, in either direction', () => {
    const s = clickRow(clickRow(EMPTY_SELECTION, view, 1, plain), view, 4, shift)
    expect(keys(s)).toEqual(['b', 'c', 'd', 'e'])
    expect(s).toMatchObject({ anchor: 'b', cursor: 'e' })
    // A second shift-click re-ranges from the same anchor (not additive).
    expect(keys(clickRow(s, view, 0, shift))).toEqual(['a', 'b'])
  })

  it('ctrl-click toggles one row and keeps the rest', () => {
    let s = clickRow(EMPTY_SELECTION, view, 0, plain)
    s = clickRow(s, view, 3, ctrl)
    expect(keys(s)).toEqual(['a', 'd'])
    s = clickRow(s, view, 0, ctrl)
    expect(keys(s)).toEqual(['d'])
  })

  it('ctrl+shift-click adds a range to the selection', () => {
    let s = clickRow(EMPTY_SELECTION, view, 0, plain)
    s = clickRow(s, view, 3, ctrl)
    s = clickRow(s, view, 5, { shift: true, toggle: true })
    expect(keys(s)).toEqual(['a', 'd', 'e', 'f'])
  })

  it('shift-click without an anchor selects just that row', () => {
    expect(keys(clickRow(EMPTY_SELECTION, view, 3, shift))).toEqual(['d'])
  })

  it('a click outside the view changes nothing', () => {
    expect(clickRow(EMPTY_SELECTION, view, 99, plain)).toBe(EMPTY_SELECTION)
  })
})

describe('keyboard', () => {
  it('arrows move the cursor and select that row, clamped at the ends', () => {
    let s = moveCursor(EMPTY_SELECTION, view, 1, false)
    expect(s).toMatchObject({ cursor: 'a' })
    s = moveCursor(s, view, 1, false)
    expect(keys(s)).toEqual(['b'])
    s = moveCursor(s, view, -10, false)
    expect(s.cursor).toBe('a')
    s = moveCursor(s, view, 100, false)
    expect(s.cursor).toBe('f')
  })

  it('arrow up with no cursor starts at the last row', () => {
    expect(moveCursor(EMPTY_SELECTION, view, -1, false).cursor).toBe('f')
  })

  it('shift+arrows extend from the anchor and can shrink back', () => {
    let s = clickRow(EMPTY_SELECTION, view, 2, plain)
    s = moveCursor(s, view, 1, true)
    s = moveCursor(s, view, 1, true)
    expect(keys(s)).toEqual(['c', 'd', 'e'])
    s = moveCursor(s, view, -3, true)
    expect(keys(s)).toEqual(['b', 'c'])
    expect(s).toMatchObject({ anchor: 'c', cursor: 'b' })
  })

  it('an empty view leaves the selection alone', () => {
    const s = clickRow(EMPTY_SELECTION, view, 1, plain)
    expect(moveCursor(s, [], 1, false)).toBe(s)
  })

  it('select all takes every row in view', () => {
    const s = selectAll(EMPTY_SELECTION, view)
    expect(s.selected.size).toBe(6)
    expect(s.cursor).toBe('a')
  })
})

describe('keys survive re-sorts and live updates', () => {
  it('the selection follows rows by key when the view is re-ordered', () => {
    const s = clickRow(clickRow(EMPTY_SELECTION, view, 1, plain), view, 2, shift)
    const reversed = view.slice().reverse()
    // Extending by keyboard in the new order starts from the same anchor row.
    const next = moveCursor(s, reversed, 1, true)
    expect(next.cursor).toBe('b')
    expect(keys(next)).toEqual(['b'])
  })

  it('dropKeys forgets removed rows and returns the same object when none was selected', () => {
    const s = clickRow(clickRow(EMPTY_SELECTION, view, 0, plain), view, 2, shift)
    expect(dropKeys(s, ['x', 'y'])).toBe(s)
    const d = dropKeys(s, ['b', 'c'])
    expect(keys(d)).toEqual(['a'])
    expect(d.cursor).toBeNull()
    expect(d.anchor).toBe('a')
  })

  it('keepPresent keeps only the rows still listed', () => {
    const s = selectAll(EMPTY_SELECTION, view)
    expect(keys(keepPresent(s, view.slice(2)))).toEqual(['c', 'd', 'e', 'f'])
    expect(keepPresent(EMPTY_SELECTION, view)).toBe(EMPTY_SELECTION)
  })
})

it('indexOfKey and rangeKeys', () => {
  expect(indexOfKey(view, 'd')).toBe(3)
  expect(indexOfKey(view, 'zz')).toBe(-1)
  expect(indexOfKey(view, null)).toBe(-1)
  expect(rangeKeys(view, 4, 2)).toEqual(['c', 'd', 'e'])
  expect(rangeKeys(view, -3, 1)).toEqual(['a', 'b'])
  expect(rangeKeys(view, 5, 50)).toEqual(['f'])
})
