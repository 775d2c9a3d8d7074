import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { OoError } from '../errors.js'

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * PGlite would happily open one directory from two processes and corrupt it, so the data folder
 * is locked with an exclusive-create pid file. A lock left by a dead process is taken over.
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'engine.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' })
      return () => rmSync(file, { force: true })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const owner = Number(readFileSync(file, 'utf8'))
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new OoError(
          'OO_DATA_DIR_LOCKED',
          500,
          `${dir} is in use by process ${owner}; stop it or set OO_DATA_DIR`,
        )
      }
      rmSync(file, { force: true })
    }
  }
  throw new OoError('OO_DATA_DIR_LOCKED', 500, `Could not lock ${dir}`)
}
