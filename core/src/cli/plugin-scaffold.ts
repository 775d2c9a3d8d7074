import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { OoError } from '../errors.js'

const REPO = resolve(import.meta.dirname, '../../..')

/** The names a plugin called `name` uses: `gift-cards` → giftCards, GiftCards, gift_cards. */
export function pluginNames(name: string) {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name) || name.length > 40)
    throw new OoError(
      'OO_PLUGIN_NAME_INVALID',
      400,
      `"${name}" is not a kebab-case plugin name (e.g. gift-cards)`,
    )
  const camel = name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())
  return { kebab: name, camel, snake: name.replace(/-/g, '_'), title: name.replace(/-/g, ' ') }
}

/** The scaffold's files (path → text): route, RLS table, model, admin resource, live event, setting. */
export function pluginFiles(name: string, dir: string): Record<string, string> {
  const { kebab, camel, snake, title } = pluginNames(name)
  const table = `${snake}_notes`
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14)
  const tenancy = relative(join(dir, 'test'), join(REPO, 'plugins/tenancy/index.js')).replace(
    /\\/g,
    '/',
  )
  return {
    'index.ts': `import { asValue, definePlugin } from '@oo/core'
import { z } from 'zod'
import { noteRoutes, type Live } from './routes.js'

/** Per-tenant settings, hot-reloaded by the config plugin. */
export const settings = z.object({ title: z.string().max(100).default('Notes') })

declare module '@oo/core' {
  interface Cradle {
    ${camel}Live: Live
  }
  interface SettingsMap {
    '${kebab}': z.output<typeof settings>
  }
}

export default definePlugin({
  name: '${kebab}',
  dependsOn: ['tenancy'],
  settings,
  migrations: new URL('./migrations/', import.meta.url),
  permissions: {
    '${kebab}.read': ['owner', 'admin', 'manager', 'staff', 'readonly'],
    '${kebab}.write': ['owner', 'admin', 'manager', 'staff'],
  },
  register: ({ container }) => void container.register({ ${camel}Live: asValue<Live>({}) }),
  routes: { admin: noteRoutes },
  sockets: {
    '/${kebab}': {
      permission: '${kebab}.read',
      setup: (nsp, { container }) => void (container.cradle.${camel}Live.nsp = nsp),
    },
  },
  admin: { entry: './admin/index.tsx' },
})
`,
    'routes.ts': `import { parse, requirePermission, TenantModel, tenantRoom, type AppRouter } from '@oo/core'
import { z } from 'zod'

export class Note extends TenantModel {
  static override tableName = '${table}'
  text!: string
  authorId!: string | null
}

export type Live = { nsp?: { to(room: string): { emit(event: string, note: unknown): boolean } } }

const NoteBody = z.object({ text: z.string().trim().min(1).max(500) })

export function noteRoutes(router: AppRouter): void {
  router.get('/${kebab}-notes', requirePermission('${kebab}.read'), async function listNotes(ctx) {
    const notes = await ctx.state.scope.cradle.db.tx(async (trx) =>
      Note.query(trx).orderBy('created_at', 'desc').limit(100),
    )
    ctx.set('Content-Range', \`${kebab}-notes 0-\${Math.max(notes.length - 1, 0)}/\${notes.length}\`)
    ctx.body = notes
  })
  router.post('/${kebab}-notes', requirePermission('${kebab}.write'), async function addNote(ctx) {
    const body = parse(NoteBody, ctx.request.body ?? {})
    const { db, tenant, ${camel}Live } = ctx.state.scope.cradle
    const note = await db.tx(async (trx) =>
      Note.query(trx).insert({ ...body, authorId: ctx.state.principal?.id ?? null }).returning('*'),
    )
    ${camel}Live.nsp?.to(tenantRoom(tenant.id)).emit('note:created', note)
    ctx.status = 201
    ctx.body = note
  })
}
`,
    [`migrations/${stamp}_${snake}_notes.ts`]: `import type { Knex } from 'knex'
import { createTenantTable } from '@oo/core'

export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, '${table}', (t) => {
    t.string('text', 500).notNullable()
    t.string('author_id', 100).nullable()
  })
}

export const down = (knex: Knex) => knex.schema.dropTableIfExists('${table}')
`,
    'admin/index.tsx': `import NotesIcon from '@mui/icons-material/StickyNote2'
import { Create, ListGuesser, SimpleForm, TextInput, required } from 'react-admin'
import type { AdminResource } from '@oo/admin/plugin-api'

export default [
  {
    name: '${kebab}-notes',
    icon: NotesIcon,
    options: { label: '${title} notes' },
    permission: '${kebab}.read',
    writePermission: '${kebab}.write',
    list: ListGuesser, // replace with your own <List> once the fields settle
    create: () => (
      <Create redirect="list">
        <SimpleForm>
          <TextInput source="text" validate={required()} />
        </SimpleForm>
      </Create>
    ),
  },
] satisfies AdminResource[]
`,
    [`test/${kebab}.int.test.ts`]: `import { createTestApp, type TestApp } from '@oo/core/testing'
import { io } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '${tenancy}'
import plugin from '../index.js'

describe('${kebab} plugin', () => {
  let t: TestApp
  let a: Awaited<ReturnType<TestApp['seedTenant']>>
  let b: Awaited<ReturnType<TestApp['seedTenant']>>
  const api = (shop: typeof a) => ({
    get: (p: string) => t.as(shop.owner).get(\`/api/v1/admin\${p}\`).set('Host', shop.host),
    post: (p: string) => t.as(shop.owner).post(\`/api/v1/admin\${p}\`).set('Host', shop.host),
  })

  beforeAll(async () => {
    t = await createTestApp({ plugins: [tenancy(), plugin()] })
    a = await t.seedTenant('${kebab}-a')
    b = await t.seedTenant('${kebab}-b')
  })
  afterAll(() => t?.close())

  it('adds a note, pushes it live to the tenant, and keeps it from other tenants', async () => {
    const socket = io(\`\${t.url}/${kebab}\`, {
      auth: { token: await t.tokenFor(a.owner) },
      extraHeaders: { host: a.host },
      transports: ['websocket'],
      forceNew: true,
    })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve())
      socket.once('connect_error', reject)
    })
    const live = new Promise((resolve) => socket.once('note:created', resolve))
    const res = await api(a).post('/${kebab}-notes').send({ text: 'First note' }).expect(201)
    expect(await live).toMatchObject({ id: res.body.id, text: 'First note' })
    socket.close()
    expect((await api(a).get('/${kebab}-notes').expect(200)).body).toHaveLength(1)
    expect((await api(b).get('/${kebab}-notes').expect(200)).body).toEqual([])
  })

  it('refuses an empty note with a 400 naming the field', async () => {
    const res = await api(a).post('/${kebab}-notes').send({ text: ' ' }).expect(400)
    expect(res.body.error).toMatchObject({ code: 'OO_VALIDATION_FAILED', field: 'text' })
  })
})
`,
    'README.md': `# ${kebab}

Scaffolded by \`oo plugin create ${kebab}\`: tenant notes, one RLS table, live on \`/${kebab}\`.

## Options

None. Setting \`title\` (default \`Notes\`), per tenant through the config plugin.

## Events emitted / consumed

None.

## Routes

\`GET/POST /api/v1/admin/${kebab}-notes\` (\`${kebab}.read\` / \`${kebab}.write\`).

## Sockets

\`/${kebab}\` (\`${kebab}.read\`): \`note:created\` to the tenant's room.
`,
  }
}

/** Writes the scaffold into `dir` (which must not exist yet); returns the written paths. */
export async function scaffoldPlugin(name: string, dir: string): Promise<string[]> {
  const files = pluginFiles(name, dir)
  if (existsSync(dir))
    throw new OoError('OO_PLUGIN_EXISTS', 409, `${dir} exists already: pick another name or folder`)
  const written: string[] = []
  for (const [path, text] of Object.entries(files)) {
    const file = join(dir, path)
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, text, { flag: 'wx' })
    written.push(file)
  }
  return written
}
