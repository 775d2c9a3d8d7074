import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

/** Where global-setup leaves the migrated embedded database for test files to load. */
export const PGLITE_TEMPLATE_FILE = join(
  tmpdir(),
  `oo-test-template-${process.pid}-${Date.now()}.tar.gz`,
)
// Unique per run: two test runs on one machine must not drop each other's template.
export const PG_TEMPLATE_DB = `oo_tpl_${process.pid}_${Date.now().toString(36)}`

export function withDatabase(url: string, database: string, user?: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  if (user) {
    u.username = user
    u.password = ''
  }
  return u.toString()
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

/** The name prefix of the clones of `template` (`oo_tpl_<pid>_<stamp>` → `oo_t_<pid>_<stamp>_`). */
export function clonePrefix(template: string): string {
  return `${template.replace(/^oo_tpl_/, 'oo_t_')}_`
}

/** Drops the clones of `template` still there when the run ends (tests that did not drop theirs). */
export function dropClones(url: string, template: string): Promise<void> {
  return dropDatabases(url, (name) => name.startsWith(clonePrefix(template)))
}

/** A fresh PostgreSQL database cloned from the migrated template (fast: a file copy). */
export async function createPgTestDatabase(
  url: string,
  template: string,
): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  // Named after the run's template, so the run's teardown finds every clone a test left behind.
  const name = `${clonePrefix(template)}${randomBytes(6).toString('hex')}`
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(url, `create database ${name} template ${template}`)
      break
    } catch (err) {
      // Two clones at once: the template is "being accessed by other users" for a moment.
      if (attempt > 40 || !/being accessed/.test((err as Error).message)) throw err
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100))
    }
  }
  return {
    name,
    url: withDatabase(url, name),
    drop: () => adminQuery(url, `drop database if exists ${name} with (force)`),
  }
}

export function pgliteTemplate(file: string): Blob {
  if (!existsSync(file))
    throw new Error(`Missing ${file}: run tests through vitest (global-setup makes it)`)
  return new Blob([readFileSync(file)])
}

export { adminQuery }

/** Templates and clones left by runs that were killed (started more than an hour ago). */
export function dropStaleTemplates(url: string): Promise<void> {
  return dropDatabases(url, (name) => {
    const stamp = /^oo_(?:tpl|t)_\d+_([0-9a-z]+)(?:_[0-9a-f]+)?$/.exec(name)?.[1]
    return !!stamp && Date.now() - parseInt(stamp, 36) > 3_600_000
  })
}

/** Drops every test database (`oo_tpl_*`, `oo_t_*`) that `pick` names. */
async function dropDatabases(url: string, pick: (name: string) => boolean): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') })
  await client.connect()
  try {
    const { rows } = await client.query<{ datname: string }>(
      `select datname from pg_database where datname ~ '^oo_(tpl|t)_'`,
    )
    for (const { datname } of rows)
      if (pick(datname)) await client.query(`drop database if exists ${datname} with (force)`)
  } finally {
    await client.end()
  }
}
