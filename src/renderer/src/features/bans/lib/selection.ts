/**
 * The ban table's selection model, file-manager style: click, ctrl-click (toggle), shift-click
 * (range from the anchor), arrows (move, shift extends), select all. Pure functions over the
 * rows in view; rows are identified by key (the IP), so a re-sort or a live update never makes
 * the selection point at other rows.
 */

export interface Keyed {
  readonly ip: string
}

export interface Selection {
  /** Keys of the selected rows. */
  readonly selected: ReadonlySet<string>
  /** Where a shift-range starts. */
  readonly anchor: string | null
  /** The focused row (keyboard position). */
  readonly cursor: string | null
}

export const EMPTY_SELECTION: Selection = Object.freeze({
  selected: new Set<string>(),
  anchor: null,
  cursor: null
})

export interface ClickMods {
  /** Shift: select the range from the anchor. */
  shift: boolean
  /** Ctrl (or Cmd): toggle one row, or add a range to the selection. */
  toggle: boolean
}

/** Index of the row with `key` in `view`, or -1. */
export function indexOfKey(view: readonly Keyed[], key: string | null): number {
  if (key === null) return -1
  for (let i = 0; i < view.length; i++) if (view[i]!.ip === key) return i
  return -1
}

/** Keys of the rows between two indexes, inclusive, in either order. */
export function rangeKeys(view: readonly Keyed[], from: number, to: number): string[] {
  const a = Math.max(0, Math.min(from, to))
  const b = Math.min(view.length - 1, Math.max(from, to))
  const out: string[] = []
  for (let i = a; i <= b; i++) out.push(view[i]!.ip)
  return out
}

/** The selection after clicking row `index` with the given modifier keys. */
export function clickRow(
  sel: Selection,
  view: readonly Keyed[],
  index: number,
  mods: ClickMods
): Selection {
  const key = view[index]?.ip
  if (key === undefined) return sel
  if (mods.shift) {
    let from = indexOfKey(view, sel.anchor)
    if (from === -1) from = indexOfKey(view, sel.cursor)
    if (from === -1) from = index
    const selected = new Set(mods.toggle ? sel.selected : [])
    for (const k of rangeKeys(view, from, index)) selected.add(k)
    return { selected, anchor: view[from]!.ip, cursor: key }
  }
  if (mods.toggle) {
    const selected = new Set(sel.selected)
    if (selected.has(key)) selected.delete(key)
    else selected.add(key)
    return { selected, anchor: key, cursor: key }
  }
  return { selected: new Set([key]), anchor: key, cursor: key }
}

/**
 * Moves the cursor by `delta` rows (clamped); without `extend` the cursor row alone is selected,
 * with it the range from the anchor to the new cursor is.
 */
export function moveCursor(
  sel: Selection,
  view: readonly Keyed[],
  delta: number,
  extend: boolean
): Selection {
  if (view.length === 0) return sel
  const at = indexOfKey(view, sel.cursor)
  const target = at === -1 ? (delta < 0 ? view.length - 1 : 0) : at + delta
  const index = Math.max(0, Math.min(view.length - 1, target))
  const key = view[index]!.ip
  if (!extend) return { selected: new Set([key]), anchor: key, cursor: key }
  let from = indexOfKey(view, sel.anchor)
  if (from === -1) from = at === -1 ? index : at
  return { selected: new Set(rangeKeys(view, from, index)), anchor: view[from]!.ip, cursor: key }
}

/** Every row in view selected; the cursor stays where it is. */
export function selectAll(sel: Selection, view: readonly Keyed[]): Selection {
  const selected = new Set<string>()
  for (const row of view) selected.add(row.ip)
  return {
    selected,
    anchor: sel.anchor ?? view[0]?.ip ?? null,
    cursor: sel.cursor ?? view[0]?.ip ?? null
  }
}

/** Selects one row (as a plain click would), by key. */
export function selectKey(key: string): Selection {
  return { selected: new Set([key]), anchor: key, cursor: key }
}

/**
 * Forgets keys that are gone (unbanned, expired). Returns the input itself when none of them
 * was selected or focused, so subscribers do not re-render for nothing.
 */
export function dropKeys(sel: Selection, gone: Iterable<string>): Selection {
  let selected: Set<string> | null = null
  let { anchor, cursor } = sel
  for (const key of gone) {
    if (sel.selected.has(key)) {
      selected ??= new Set(sel.selected)
      selected.delete(key)
    }
    if (anchor === key) anchor = null
    if (cursor === key) cursor = null
  }
  if (!selected && anchor === sel.anchor && cursor === sel.cursor) return sel
  return { selected: selected ?? sel.selected, anchor, cursor }
}

/** Keeps only the keys present in `rows` (after a reload of the list). */
export function keepPresent(sel: Selection, rows: readonly Keyed[]): Selection {
  if (sel.selected.size === 0 && sel.anchor === null && sel.cursor === null) return sel
  const present = new Set<string>()
  for (const r of rows) present.add(r.ip)
  const gone = [...sel.selected].filter((k) => !present.has(k))
  if (sel.anchor !== null && !present.has(sel.anchor)) gone.push(sel.anchor)
  if (sel.cursor !== null && !present.has(sel.cursor)) gone.push(sel.cursor)
  return dropKeys(sel, gone)
}
