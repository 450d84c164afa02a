/** The versions the About box shows. No electron import: process.versions has Electron's. */
import pkg from '../../../package.json' with { type: 'json' }
import type { AppInfo } from '../../shared/model.ts'

export function appInfo(): AppInfo {
  const v = process.versions as NodeJS.ProcessVersions & { electron?: string; chrome?: string }
  return {
    app: pkg.version,
    electron: v.electron ?? null,
    chrome: v.chrome ?? null,
    node: v.node
  }
}
