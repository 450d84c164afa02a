/**
 * The helper's source that SSH sessions push to servers (profile helper 'push'). The deb
 * installs it at INSTALLED_HELPER_PATH; the AppImage carries it among its resources; an
 * unpackaged app reads it from the checkout. Missing, a push profile fails with the launcher's
 * own message; an installed-helper profile does not need it.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { INSTALLED_HELPER_PATH } from '../../shared/access.ts'
import type { Logger } from '../fail2ban/index.ts'

export const HELPER_RESOURCE = 'bangui-helper.py'

export function helperSourceCandidates(
  packaged: boolean,
  appPath: string,
  resourcesPath: string = process.resourcesPath
): string[] {
  return packaged
    ? [INSTALLED_HELPER_PATH, join(resourcesPath, HELPER_RESOURCE)]
    : [join(appPath, 'src/helper/bangui-helper.py')]
}

export function readHelperSource(
  packaged: boolean,
  appPath: string,
  logger: Logger
): Buffer | undefined {
  for (const file of helperSourceCandidates(packaged, appPath)) {
    if (!existsSync(file)) continue
    try {
      return readFileSync(file)
    } catch (err) {
      logger.warn('helper source unreadable', { file, err: String(err) })
    }
  }
  logger.warn('no helper source to push to SSH servers')
  return undefined
}
