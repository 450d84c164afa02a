/**
 * Packaging, checked as far as it can be without building: electron-builder.yml loaded by
 * electron-builder's own loader and validated against its JSON schema (app-builder-lib's
 * scheme.json, with the validator it uses itself), the fuses, the .desktop entry
 * (desktop-file-validate, and consistent with the builder config), and the icons' sizes.
 * The build itself needs the Electron zip, fpm and appimagetool, which cannot be downloaded here.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APP_ICON_SIZES, TRAY_SIZES, renderAppIcon } from '../src/main/tray/tray-icon.ts'
import { TRAY_PREVIEWS, trayPreviewName } from '../scripts/gen-icons.ts'
import { decodePng, pngSize } from './support/png-reader.ts'

const root = resolve(import.meta.dirname, '..')
const require = createRequire(import.meta.url)

interface BuilderConfigModule {
  getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Config>
  validateConfiguration(
    config: Config,
    debug: { isEnabled: boolean; add(k: string, v: unknown): void }
  ): Promise<void>
}
type Config = Record<string, unknown> & {
  linux?: Record<string, unknown> & { desktop?: { entry?: Record<string, string> } }
  electronFuses?: Record<string, boolean>
}

// electron-builder's own config loader and schema validator (app-builder-lib is the package
// electron-builder pins; its validator is ajv over scheme.json).
const builder = require('app-builder-lib/out/util/config/config') as BuilderConfigModule
const noDebug = { isEnabled: false, add() {} }
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>

async function loadConfig(): Promise<Config> {
  return builder.getConfig(root, join(root, 'electron-builder.yml'), null)
}

function desktopFile(): Record<string, string> {
  const out: Record<string, string> = {}
  const text = readFileSync(join(root, 'build', 'bangui.desktop'), 'utf8')
  expect(text.split('\n')[0]).toBe('[Desktop Entry]')
  for (const line of text.split('\n').slice(1)) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line)
    if (m) out[m[1]!] = m[2]!
  }
  return out
}

describe('electron-builder config', () => {
  it('loads with electron-builder’s loader and passes its schema', async () => {
    const config = await loadConfig()
    await expect(builder.validateConfiguration(config, noDebug)).resolves.toBeUndefined()
    expect(config).toMatchObject({
      appId: 'org.bangui.desktop',
      productName: 'BanGUI',
      directories: { output: 'dist', buildResources: 'build' }
    })
  })

  it('the validator is live: it refuses an unknown key and a wrong type', async () => {
    const config = await loadConfig()
    await expect(builder.validateConfiguration({ ...config, linxu: {} }, noDebug)).rejects.toThrow(
      /linxu/
    )
    await expect(
      builder.validateConfiguration(
        { ...config, electronFuses: { runAsNode: 'no' as unknown as boolean } },
        noDebug
      )
    ).rejects.toThrow(/runAsNode/)
  })

  it('sets the fuses: no Node entry points, asar only and verified, cookies encrypted', async () => {
    expect((await loadConfig()).electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false
    })
  })

  it('Linux: AppImage and deb, category System, icons from build/icons', async () => {
    const { linux } = await loadConfig()
    expect(linux).toMatchObject({
      target: ['AppImage', 'deb'],
      category: 'System',
      icon: 'build/icons',
      executableName: 'bangui',
      syncDesktopName: true
    })
  })

  it('the .desktop entry matches build/bangui.desktop and Electron’s window class', async () => {
    const entry = (await loadConfig()).linux!.desktop!.entry!
    const template = desktopFile()
    for (const key of [
      'Name',
      'GenericName',
      'Comment',
      'Categories',
      'Keywords',
      'StartupWMClass'
    ])
      expect(entry[key], key).toBe(template[key])
    expect(entry.Categories).toBe('System;Security;Network;')
    // Electron takes the window's app_id / WM_CLASS from package.json's desktopName
    expect(pkg.desktopName).toBe('bangui.desktop')
    expect(entry.StartupWMClass).toBe(String(pkg.desktopName).replace(/\.desktop$/, ''))
    expect(template.Exec).toBe('bangui %U')
    expect(template.Icon).toBe('bangui')
  })

  it('`npm run dist` builds icons, the app, then the Linux packages', () => {
    const scripts = pkg.scripts as Record<string, string>
    expect(scripts.dist).toBe(
      'npm run icons && electron-vite build && electron-builder --linux AppImage deb'
    )
  })
})

describe('desktop entry', () => {
  const validator = '/usr/bin/desktop-file-validate'
  it.skipIf(!existsSync(validator))(
    'build/bangui.desktop passes desktop-file-validate (skipped without desktop-file-utils)',
    () => {
      const r = spawnSync(validator, [join(root, 'build', 'bangui.desktop')], { encoding: 'utf8' })
      expect(r.status, r.stdout + r.stderr).toBe(0)
      const lines = (r.stdout + r.stderr).split('\n').filter(Boolean)
      // The only remark allowed: two main categories (System and Network), asked for on purpose.
      expect(lines.filter((l) => !/contains more than one main category/.test(l))).toEqual([])
    }
  )
})

describe('icons', () => {
  it('build/icons has NxN.png for 16..512 px, each the size its name says', () => {
    const files = readdirSync(join(root, 'build', 'icons')).sort()
    expect(files).toEqual(APP_ICON_SIZES.map((s) => `${s}x${s}.png`).sort())
    for (const size of APP_ICON_SIZES) {
      const buf = readFileSync(join(root, 'build', 'icons', `${size}x${size}.png`))
      expect(pngSize(buf)).toEqual({ width: size, height: size })
    }
  })

  it('the committed icons are up to date with the drawing code (npm run icons)', () => {
    for (const size of APP_ICON_SIZES) {
      const png = decodePng(readFileSync(join(root, 'build', 'icons', `${size}x${size}.png`)))
      expect(
        Buffer.from(png.pixels).equals(Buffer.from(renderAppIcon(size).pixels)),
        `${size}`
      ).toBe(true)
    }
  })

  it('build/tray has a preview per state and size', () => {
    const files = readdirSync(join(root, 'build', 'tray')).sort()
    const expected = TRAY_PREVIEWS.flatMap((spec) =>
      TRAY_SIZES.map((s) => trayPreviewName(spec, s))
    )
    expect(files).toEqual(expected.sort())
    for (const spec of TRAY_PREVIEWS)
      for (const size of TRAY_SIZES)
        expect(
          pngSize(readFileSync(join(root, 'build', 'tray', trayPreviewName(spec, size))))
        ).toEqual({
          width: size,
          height: size
        })
  })

  it('the generator script writes the same pixels as the committed files', () => {
    const out = mkdtempSync(join(tmpdir(), 'bangui-icons-'))
    try {
      const log = execFileSync(process.execPath, [join(root, 'scripts', 'gen-icons.ts'), out], {
        cwd: root,
        encoding: 'utf8'
      })
      expect(log).toMatch(/^wrote 38 PNG files:/)
      for (const sub of ['icons', 'tray']) {
        const files = readdirSync(join(root, 'build', sub)).sort()
        expect(readdirSync(join(out, sub)).sort()).toEqual(files)
        for (const f of files) {
          const a = decodePng(readFileSync(join(out, sub, f)))
          const b = decodePng(readFileSync(join(root, 'build', sub, f)))
          expect(Buffer.from(a.pixels).equals(Buffer.from(b.pixels)), `${sub}/${f}`).toBe(true)
        }
      }
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  })
})
