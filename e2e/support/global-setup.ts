/** Builds the renderer (if absent) and the e2e bridge before the specs run. */
import { existsSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import { build } from 'vite'

const root = resolve(import.meta.dirname, '../..')

export default async function globalSetup(): Promise<void> {
  if (!existsSync(resolve(root, 'out/renderer/index.html'))) {
    execFileSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' })
  }
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    build: {
      outDir: resolve(root, 'out/e2e'),
      emptyOutDir: true,
      minify: false,
      lib: {
        entry: resolve(root, 'e2e/support/bridge-entry.ts'),
        formats: ['iife'],
        name: 'banguiBridge',
        fileName: () => 'bridge.js'
      }
    }
  })
}
