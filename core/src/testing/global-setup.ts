import { writeFileSync, rmSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { resolveConfig } from '../boot-config.js'
import { Database } from '../db/database.js'
import { migrateLatest, migrationFolders } from '../db/migrate.js'
import { sortPlugins } from '../plugins/plugin-graph.js'
import {
  PG_TEMPLATE_DB,
  PGLITE_TEMPLATE_FILE,
  adminQuery,
  dropClones,
  dropStaleTemplates,
  withDatabase,
} from './test-databases.js'

/**
 * Migrates a template database once per run (all plugins in oo.config.ts): PostgreSQL when
 * DATABASE_URL is set, else an embedded PGlite dumped to a file. Each test file then clones it.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplateFile: string
    pgTemplateDb: string
  }
}

export default async function setup(project: {
  provide: (key: 'pgliteTemplateFile' | 'pgTemplateDb', value: string) => void
}): Promise<() => Promise<void>> {
  project.provide('pgliteTemplateFile', PGLITE_TEMPLATE_FILE)
  project.provide('pgTemplateDb', PG_TEMPLATE_DB)
  const { default: config } = await import('../../../oo.config.js')
  const folders = migrationFolders(sortPlugins(config.plugins).map((p) => p.definition.migrations))
  const url = process.env.DATABASE_URL
  if (url) {
    await dropStaleTemplates(url)
    await adminQuery(url, `create database ${PG_TEMPLATE_DB}`)
    const db = await Database.connect(
      resolveConfig({ plugins: [], database: { url: withDatabase(url, PG_TEMPLATE_DB) } }).database,
    )
    try {
      await migrateLatest(db, folders)
    } finally {
      await db.close()
    }
    return async () => {
      await dropClones(url, PG_TEMPLATE_DB)
      await adminQuery(url, `drop database if exists ${PG_TEMPLATE_DB} with (force)`)
    }
  }
  const pglite = await PGlite.create()
  const db = await Database.connect(resolveConfig({ plugins: [] }).database, { pglite })
  await migrateLatest(db, folders)
  const dump = await pglite.dumpDataDir('gzip')
  writeFileSync(PGLITE_TEMPLATE_FILE, Buffer.from(await dump.arrayBuffer()))
  await db.close()
  return async () => rmSync(PGLITE_TEMPLATE_FILE, { force: true })
}
