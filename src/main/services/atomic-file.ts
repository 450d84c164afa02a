/**
 * Whole-file writes that never leave a half-written file behind: write a temp file next to the
 * target, flush it to disk, then rename it over the target (rename is atomic on one file
 * system). A crash leaves either the old file or the new one, plus at worst a stray temp file.
 */
import { randomBytes } from 'node:crypto'
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'

const tempName = (file: string): string =>
  `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`

/** Writes `text` to `file` atomically (mode 0600; the directory is created 0700 if missing). */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 })
  const tmp = tempName(file)
  try {
    const fh = await open(tmp, 'w', 0o600)
    try {
      await fh.writeFile(text, 'utf8')
      await fh.sync()
    } finally {
      await fh.close()
    }
    await rename(tmp, file)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}

/** The synchronous twin, for startup (settings load before anything else runs). */
export function writeFileAtomicSync(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  const tmp = tempName(file)
  try {
    const fd = openSync(tmp, 'w', 0o600)
    try {
      writeFileSync(fd, text, 'utf8')
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, file)
  } catch (err) {
    rmSync(tmp, { force: true })
    throw err
  }
}
