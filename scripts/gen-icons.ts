#!/usr/bin/env node
/**
 * Writes the icons drawn by src/main/tray/tray-icon.ts as PNG files:
 *   build/icons/NxN.png   app icon, 16–512 px (electron-builder: linux.icon = build/icons)
 *   build/tray/*.png      tray icon previews per state and size (the app draws them at run time)
 * Usage: node scripts/gen-icons.ts [OUT_DIR] (npm run icons; OUT_DIR defaults to build/).
 * Deterministic: reruns give the same pixels.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { APP_ICON_SIZES, TRAY_SIZES, appIconPng, trayIconPng } from '../src/main/tray/tray-icon.ts'
import type { TrayIconSpec } from '../src/main/tray/tray-model.ts'

const root = resolve(import.meta.dirname, '..')

/** The tray states and counts previewed in build/tray. */
export const TRAY_PREVIEWS: readonly TrayIconSpec[] = [
  { state: 'ok', label: '0' },
  { state: 'banned', label: '7' },
  { state: 'banned', label: '42' },
  { state: 'banned', label: '999+' },
  { state: 'paused', label: '7' },
  { state: 'disconnected', label: '0' }
]

export const trayPreviewName = (spec: TrayIconSpec, size: number): string =>
  spec.state === 'disconnected'
    ? `disconnected-${size}.png`
    : `${spec.state}-${spec.label.replace('+', 'plus')}-${size}.png`

function main(outDir: string): void {
  const written: string[] = []
  const icons = join(outDir, 'icons')
  rmSync(icons, { recursive: true, force: true })
  mkdirSync(icons, { recursive: true })
  for (const size of APP_ICON_SIZES) {
    const file = join(icons, `${size}x${size}.png`)
    writeFileSync(file, appIconPng(size))
    written.push(file)
  }
  const tray = join(outDir, 'tray')
  rmSync(tray, { recursive: true, force: true })
  mkdirSync(tray, { recursive: true })
  for (const spec of TRAY_PREVIEWS) {
    for (const size of TRAY_SIZES) {
      const file = join(tray, trayPreviewName(spec, size))
      writeFileSync(file, trayIconPng(spec, size))
      written.push(file)
    }
  }
  console.log(`wrote ${written.length} PNG files:`)
  for (const f of written) console.log(`  ${relative(process.cwd(), f)}`)
}

if (import.meta.filename === process.argv[1]) {
  main(process.argv[2] ? resolve(process.argv[2]) : join(root, 'build'))
}
