import { readdirSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Knex } from 'knex'
import type { ResolvedConfig } from '../boot-config.js'
import { provisionAppLogin } from './app-login.js'
import type { Database } from './database.js'

interface MigrationFile {
  name: string
  url: string
}

const CORE_MIGRATIONS = new URL('../../../migrations/', import.meta.url)

/** Core's folder first, then each plugin's, in plugin (dependency) order. */
export function migrationFolders(pluginFolders: readonly (URL | undefined)[]): URL[] {
  return [CORE_MIGRATIONS, ...pluginFolders.filter((u): u is URL => Boolean(u))]
}

function listMigrations(folders: readonly URL[]): MigrationFile[] {
  const seen = new Set<string>()
  const files: MigrationFile[] = []
  for (const folder of folders) {
    const dir = fileURLToPath(folder)
    const names = readdirSync(dir)
      .filter((f) => /^\d{14}_.+\.ts$/.test(f) && !f.endsWith('.d.ts'))
      .sort()
    for (const name of names) {
      // knex records only the file name, so it must be unique across all folders.
      if (seen.has(name)) throw new Error(`Migration name ${name} appears in two folders`)
      seen.add(name)
      files.push({ name, url: pathToFileURL(`${dir}/${name}`).href })
    }
  }
  return files
}

/** Our own source, so ordering is by plugin order and loading goes through our module loader. */
function migrationSource(files: MigrationFile[]): Knex.MigrationSource<MigrationFile> {
  return {
    getMigrations: async () => files,
    getMigrationName: (m) => m.name,
    getMigration: async (m) => (await import(m.url)) as Knex.Migration,
  }
}

export interface MigrationStatus {
  done: string[]
  pending: string[]
}

export async function migrationStatus(
  db: Database,
  folders: readonly URL[],
): Promise<MigrationStatus> {
  const files = listMigrations(folders)
  return db.asOwner(async (knex) => {
    const [done, pending] = (await knex.migrate.list({
      migrationSource: migrationSource(files),
      disableMigrationsListValidation: true,
    })) as [{ name: string }[], MigrationFile[]]
    return { done: done.map((d) => d.name), pending: pending.map((p) => p.name) }
  })
}

/** Applies pending migrations one by one as the owner, reporting each step. */
export async function migrateLatest(
  db: Database,
  folders: readonly URL[],
  onStep: (step: { index: number; total: number; name: string; ms: number }) => void = () =>
    undefined,
): Promise<string[]> {
  const files = listMigrations(folders)
  return db.asOwner(async (knex) => {
    // A plugin taken out of oo.config.ts leaves its applied migrations behind: not an error.
    const config = {
      migrationSource: migrationSource(files),
      disableMigrationsListValidation: true,
    }
    const [, pending] = (await knex.migrate.list(config)) as [unknown[], MigrationFile[]]
    const applied: string[] = []
    for (const [i, file] of pending.entries()) {
      const started = performance.now()
      await knex.migrate.up({ ...config, name: file.name })
      applied.push(file.name)
      onStep({
        index: i + 1,
        total: pending.length,
        name: file.name,
        ms: Math.round(performance.now() - started),
      })
    }
    return applied
  })
}

/**
 * When the engine logs in as `oo_app` with a password of its own (DATABASE_APP_PASSWORD or the
 * derived one, i.e. no DATABASE_APP_URL), gives the role that password. Part of `oo migrate` and
 * of auto-migrate; true when it was (re)set.
 */
export async function provisionAppPassword(
  db: Database,
  config: Pick<ResolvedConfig, 'database'>,
): Promise<boolean> {
  const password = config.database.appPassword
  if (db.kind !== 'pg' || !password) return false
  return db.asOwner((owner) => provisionAppLogin(owner, password))
}
