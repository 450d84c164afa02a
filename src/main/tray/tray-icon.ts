/**
 * Tray and app icons drawn by code into RGBA pixel buffers, then PNG-encoded (png.ts). No image
 * files to keep in sync and no native dependency: the tray icon is redrawn whenever the count
 * changes, and scripts/gen-icons.ts writes the same drawings to build/ for packaging.
 *
 * Tray icon: a rounded square badge coloured by state (green ok, red banned, amber paused) with
 * the count in a tiny built-in bitmap font; disconnected is a hollow grey outline with a dash,
 * so it differs in shape as well as colour. App icon: a blue shield with a white "no entry" sign.
 * Edges are anti-aliased by 4×4 supersampling; digits are pixel-aligned and crisp.
 */
import { encodePng, type RgbaImage } from './png.ts'
import type { TrayIconSpec, TrayIconState } from './tray-model.ts'

export type Rgb = readonly [number, number, number]

/** Sizes written for the tray (Linux panels use 16–24 px; 2× for HiDPI). */
export const TRAY_SIZES = [16, 22, 32, 44, 64] as const
/** Sizes electron-builder takes from build/icons for the .desktop icon theme. */
export const APP_ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512] as const

export const STATE_COLORS: Record<TrayIconState, Rgb> = {
  ok: [46, 158, 91],
  banned: [214, 64, 58],
  paused: [222, 150, 30],
  disconnected: [140, 140, 140]
}
const WHITE: Rgb = [255, 255, 255]
const SHIELD: Rgb = [40, 104, 176]
const SHIELD_RIM: Rgb = [24, 66, 120]

/** 3×5 glyphs, rows top to bottom, `1` = ink. */
const FONT: Record<string, readonly string[]> = {
  '0': ['111', '101', '101', '101', '111'],
  '1': ['010', '110', '010', '010', '111'],
  '2': ['111', '001', '111', '100', '111'],
  '3': ['111', '001', '011', '001', '111'],
  '4': ['101', '101', '111', '001', '001'],
  '5': ['111', '100', '111', '001', '111'],
  '6': ['111', '100', '111', '101', '111'],
  '7': ['111', '001', '010', '010', '010'],
  '8': ['111', '101', '111', '101', '111'],
  '9': ['111', '101', '111', '001', '111'],
  '+': ['000', '010', '111', '010', '000'],
  '-': ['000', '000', '111', '000', '000']
}
const GLYPH_W = 3
const GLYPH_H = 5

class Canvas implements RgbaImage {
  readonly width: number
  readonly height: number
  readonly pixels: Uint8Array

  constructor(size: number) {
    this.width = size
    this.height = size
    this.pixels = new Uint8Array(size * size * 4)
  }

  /** Source-over blend of one colour at `alpha` (0–1) onto pixel (x, y). */
  blend(x: number, y: number, [r, g, b]: Rgb, alpha: number): void {
    if (alpha <= 0 || x < 0 || y < 0 || x >= this.width || y >= this.height) return
    const i = (y * this.width + x) * 4
    const p = this.pixels
    const da = p[i + 3]! / 255
    const a = Math.min(1, alpha)
    const oa = a + da * (1 - a)
    const mix = (src: number, dst: number): number =>
      Math.round((src * a + dst * da * (1 - a)) / oa)
    p[i] = mix(r, p[i]!)
    p[i + 1] = mix(g, p[i + 1]!)
    p[i + 2] = mix(b, p[i + 2]!)
    p[i + 3] = Math.round(oa * 255)
  }

  /** Fills where `inside(u, v)` holds (u, v in 0–1 over the canvas), anti-aliased. */
  fill(inside: (u: number, v: number) => boolean, color: Rgb): void {
    const n = 4
    const s = this.width
    for (let y = 0; y < s; y++) {
      for (let x = 0; x < s; x++) {
        let hits = 0
        for (let sy = 0; sy < n; sy++)
          for (let sx = 0; sx < n; sx++)
            if (inside((x + (sx + 0.5) / n) / s, (y + (sy + 0.5) / n) / s)) hits++
        this.blend(x, y, color, hits / (n * n))
      }
    }
  }

  /** Draws text in the bitmap font at integer scale `k`, top-left at (x0, y0). */
  text(str: string, x0: number, y0: number, k: number, color: Rgb): void {
    let x = x0
    for (const ch of str) {
      const glyph = FONT[ch]
      if (glyph) {
        for (let gy = 0; gy < GLYPH_H; gy++)
          for (let gx = 0; gx < GLYPH_W; gx++)
            if (glyph[gy]![gx] === '1')
              for (let dy = 0; dy < k; dy++)
                for (let dx = 0; dx < k; dx++)
                  this.blend(x + gx * k + dx, y0 + gy * k + dy, color, 1)
      }
      x += (GLYPH_W + 1) * k
    }
  }
}

/** Inside a rounded square inset by `inset` (fractions of the size). */
function roundedSquare(inset: number, radius: number): (u: number, v: number) => boolean {
  const lo = inset
  const hi = 1 - inset
  return (u, v) => {
    if (u < lo || u > hi || v < lo || v > hi) return false
    const cx = Math.min(Math.max(u, lo + radius), hi - radius)
    const cy = Math.min(Math.max(v, lo + radius), hi - radius)
    return (u - cx) ** 2 + (v - cy) ** 2 <= radius * radius
  }
}

/** The pixel width of `text` at scale 1 (glyphs plus one column between them). */
function textWidth(text: string): number {
  return text.length * (GLYPH_W + 1) - 1
}

/**
 * Where the text goes on a tray icon of `size` px: the largest integer scale that fits the
 * badge, centred. Small icons with 4 characters may touch the edges; they still read.
 */
export function textLayout(text: string, size: number): { x: number; y: number; scale: number } {
  const w1 = textWidth(text)
  // Short counts get a generous margin; long ones ("999+") may use nearly the whole badge.
  const margin = Math.max(1, Math.round(size * (text.length >= 3 ? 0.04 : 0.14)))
  const byWidth = Math.floor((size - 2 * margin) / w1)
  const byHeight = Math.floor((size * 0.62) / GLYPH_H)
  const scale = Math.max(1, Math.min(byWidth, byHeight))
  return {
    scale,
    x: Math.floor((size - w1 * scale) / 2),
    y: Math.floor((size - GLYPH_H * scale) / 2)
  }
}

/** A point inside the badge that no glyph covers (top centre), for tests and previews. */
export function badgeProbe(size: number): { x: number; y: number } {
  return { x: Math.floor(size / 2), y: Math.max(1, Math.floor(size * 0.12)) }
}

/** Draws the tray icon for a state and count label. */
export function renderTrayIcon(spec: TrayIconSpec, size: number): RgbaImage {
  const c = new Canvas(size)
  const color = STATE_COLORS[spec.state]
  const radius = 0.24
  if (spec.state === 'disconnected') {
    // Hollow: an outline ring of the badge, and a dash where the count would be (unknown).
    const outer = roundedSquare(0.02, radius)
    const stroke = Math.max(1.5 / size, 0.1)
    const inner = roundedSquare(0.02 + stroke, Math.max(0.01, radius - stroke))
    c.fill((u, v) => outer(u, v) && !inner(u, v), color)
    const t = textLayout('-', size)
    c.text('-', t.x, t.y, t.scale, color)
  } else {
    c.fill(roundedSquare(0.02, radius), color)
    const t = textLayout(spec.label, size)
    c.text(spec.label, t.x, t.y, t.scale, WHITE)
  }
  return c
}

/** The tray icon as PNG bytes. */
export function trayIconPng(spec: TrayIconSpec, size: number): Buffer {
  return encodePng(renderTrayIcon(spec, size))
}

/** Inside the shield outline: flat top with rounded corners, straight sides, pointed bottom. */
function shield(inset: number): (u: number, v: number) => boolean {
  const cx = 0.5
  const hw = 0.4 - inset
  const top = 0.05 + inset
  const shoulder = 0.5
  const bottom = 0.96 - inset * 1.6
  const rc = 0.1
  return (u, v) => {
    const dx = Math.abs(u - cx)
    if (v < top || v > bottom || dx > hw) return false
    if (v < top + rc && dx > hw - rc)
      return (dx - (hw - rc)) ** 2 + (v - (top + rc)) ** 2 <= rc * rc
    if (v <= shoulder) return true
    const t = (v - shoulder) / (bottom - shoulder)
    return dx <= hw * Math.sqrt(Math.max(0, 1 - t * t)) * (1 - 0.3 * t)
  }
}

/** The app icon: a shield with a "no entry" sign. */
export function renderAppIcon(size: number): RgbaImage {
  const c = new Canvas(size)
  c.fill(shield(0), SHIELD_RIM)
  c.fill(shield(0.035), SHIELD)
  const cx = 0.5
  const cy = 0.45
  const outer = 0.21
  const inner = 0.145
  const half = 0.036
  c.fill((u, v) => {
    const d2 = (u - cx) ** 2 + (v - cy) ** 2
    if (d2 > outer * outer) return false
    if (d2 >= inner * inner) return true
    // the bar, top-left to bottom-right, across the inner disc
    return Math.abs(u - cx - (v - cy)) / Math.SQRT2 <= half
  }, WHITE)
  return c
}

export function appIconPng(size: number): Buffer {
  return encodePng(renderAppIcon(size))
}
