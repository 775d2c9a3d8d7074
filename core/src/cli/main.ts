#!/usr/bin/env node
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline/promises'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { boot, type Engine } from '../boot.js'
import type { OoConfig } from '../config/define-config.js'
import { APP_ROLE, Database } from '../db/database.js'
import { migrateLatest, migrationFolders, provisionAppPassword } from '../db/migrate.js'
import { isOoError } from '../errors.js'
import { createLogger } from '../logger.js'
import { installProcessGuard } from '../process-guard.js'
import { resolveConfig } from '../boot-config.js'
import { stopOnSignals } from '../server.js'
import { stepper } from './progress.js'
import { resetTenantData, runSeeds } from './tasks.js'

const USAGE = `oo — OmniOrder engine

  oo start [--demo]                      migrate (embedded DB), seed demo data with --demo, serve
  oo dev                                 start --demo, restarting on file changes
  oo migrate                             apply pending migrations (the deploy step)
  oo seed --demo                         create the demo tenants and their data (idempotent)
  oo tenant create <slug> --domain <host> [--name N] [--owner EMAIL] [--theme T]
  oo demo reset [--yes]                  wipe all tenant data (keeps platform users), re-seed the demo
  oo plugin create <name> [--dir D]      scaffold a working plugin in plugins/<name> (or D)

Environment: DATABASE_URL (else embedded PGlite in OO_DATA_DIR, default .oo), REDIS_URL, PORT,
  OO_SECRET_KEY (required in production), DATABASE_APP_URL or DATABASE_APP_PASSWORD (oo_app's login).`

async function loadConfig(): Promise<OoConfig> {
  const file = resolve(process.env.OO_CONFIG ?? 'oo.config.ts')
  return ((await import(pathToFileURL(file).href)) as { default: OoConfig }).default
}

async function bootWithProgress(config: OoConfig): Promise<Engine> {
  const progress = stepper('migrate')
  const engine = await boot(config, {
    logger: createLogger(process.env.LOG_LEVEL ?? 'info'),
    onMigrationStep: ({ index, total, name, ms }) =>
      progress.step(`${name} (${ms} ms)`, index, total),
  })
  return engine
}

async function seedDemo(engine: Engine): Promise<void> {
  const progress = stepper('seed')
  await runSeeds(engine, (message) => progress.step(message))
  progress.done('demo data ready')
}

const commands: Record<string, (args: string[]) => Promise<void>> = {
  async start(args) {
    const { values } = parseArgs({ args, options: { demo: { type: 'boolean', default: false } } })
    const engine = await bootWithProgress(await loadConfig())
    const { logger, metrics } = engine.container.cradle
    installProcessGuard({ logger, registry: metrics.registry })
    if (values.demo) await seedDemo(engine)
    const url = await engine.listen()
    process.stdout.write(
      `OmniOrder listening on ${url}\n  try: curl -H 'Host: pizza.localhost' ${url}/api/v1/store/tenant\n`,
    )
    await stopOnSignals(engine, engine.container.cradle.logger)
  },

  async dev() {
    const tsxCli = resolve(import.meta.dirname, '../../../node_modules/tsx/dist/cli.mjs')
    const child = spawn(
      process.execPath,
      [
        tsxCli,
        'watch',
        '--clear-screen=false',
        '--exclude',
        '.oo/**',
        import.meta.filename,
        'start',
        '--demo',
      ],
      { stdio: 'inherit' },
    )
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      process.once(signal, () => child.kill(signal))
    await new Promise<void>((done) => child.once('exit', () => done()))
  },

  async migrate() {
    const config = resolveConfig(await loadConfig())
    const progress = stepper('migrate')
    const database = await Database.connect(config.database)
    try {
      const raw = await loadConfig()
      const { sortPlugins } = await import('../plugins/plugin-graph.js')
      const folders = migrationFolders(sortPlugins(raw.plugins).map((p) => p.definition.migrations))
      const applied = await migrateLatest(database, folders, ({ index, total, name, ms }) =>
        progress.step(`${name} (${ms} ms)`, index, total),
      )
      // The engine logs in as oo_app itself (no DATABASE_APP_URL): give the role its password.
      if (await provisionAppPassword(database, config))
        progress.step(`password set for ${APP_ROLE}`)
      progress.done(applied.length ? `${applied.length} applied` : 'already up to date')
    } finally {
      await database.close()
    }
  },

  async seed(args) {
    const { values } = parseArgs({ args, options: { demo: { type: 'boolean', default: false } } })
    if (!values.demo) throw new Error('Only demo seeding exists: oo seed --demo')
    const engine = await bootWithProgress(await loadConfig())
    try {
      await seedDemo(engine)
    } finally {
      await engine.stop()
    }
  },

  async tenant(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        domain: { type: 'string', multiple: true },
        name: { type: 'string' },
        owner: { type: 'string' },
        theme: { type: 'string' },
      },
    })
    const [action, slug] = positionals
    if (action !== 'create' || !slug || !values.domain?.length)
      throw new Error('Usage: oo tenant create <slug> --domain <host> [--name N] [--owner EMAIL]')
    const engine = await bootWithProgress(await loadConfig())
    try {
      const cradle = engine.container.cradle as unknown as {
        provisioningService: {
          provision(r: object): Promise<{ status: string; tenantId: string | null }>
        }
      }
      const result = await cradle.provisioningService.provision({
        operationId: `cli-${slug}-${values.domain.join(',')}`,
        slug,
        name: values.name ?? slug,
        domains: values.domain,
        theme: values.theme,
        owner: values.owner ? { email: values.owner } : undefined,
      })
      process.stdout.write(`tenant ${slug}: ${result.status} (${result.tenantId})\n`)
    } finally {
      await engine.stop()
    }
  },

  async plugin(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { dir: { type: 'string' } },
    })
    const [verb, name] = positionals
    if (verb !== 'create' || !name) throw new Error('Usage: oo plugin create <name> [--dir D]')
    const { pluginNames, scaffoldPlugin } = await import('./plugin-scaffold.js')
    const dir = resolve(values.dir ?? `plugins/${name}`)
    for (const file of await scaffoldPlugin(name, dir)) process.stdout.write(`created ${file}\n`)
    const { camel } = pluginNames(name)
    process.stdout.write(
      `List it in oo.config.ts: import ${camel} from './plugins/${name}/index.js' and ${camel}() in plugins\n`,
    )
  },

  async demo(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { yes: { type: 'boolean', default: false } },
    })
    if (positionals[0] !== 'reset') throw new Error('Usage: oo demo reset [--yes]')
    if (!values.yes) {
      if (!process.stdin.isTTY) throw new Error('Refusing to wipe without confirmation: pass --yes')
      const rl = createInterface({ input: process.stdin, output: process.stdout })
      const answer = await rl.question(
        'This deletes ALL tenant data (platform users are kept). Type "reset" to continue: ',
      )
      rl.close()
      if (answer.trim() !== 'reset') throw new Error('Aborted')
    }
    const engine = await bootWithProgress(await loadConfig())
    try {
      const progress = stepper('reset')
      await resetTenantData(engine, (message) => progress.step(message))
      progress.done('tenant data wiped')
      await seedDemo(engine)
    } finally {
      await engine.stop()
    }
  },
}

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2)
  const command = name ? commands[name] : undefined
  if (!command) {
    process.stdout.write(`${USAGE}\n`)
    process.exitCode = name && name !== 'help' ? 2 : 0
    return
  }
  await command(args)
}

main().catch((err: unknown) => {
  const code = isOoError(err) ? err.code : 'OO_CLI_FAILED'
  process.stderr.write(`oo: ${code}: ${(err as Error).message}\n`)
  process.exit(1)
})
