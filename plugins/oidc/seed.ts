import { randomBytes } from 'node:crypto'
import type { Cradle } from '@oo/core'

const DEMO_SLUGS = ['pizza', 'burger', 'farm']

/**
 * Local accounts for the platform super-admins and every member of the demo tenants (owners,
 * kitchen staff, farmers), with generated passwords printed once. Idempotent: existing
 * accounts keep their password.
 */
export async function seedDemoAccounts(
  cradle: Cradle,
  step: (message: string) => void,
): Promise<void> {
  const members = await cradle.database.asOwner((knex) =>
    knex('members as m')
      .join('users as u', 'u.id', 'm.user_id')
      .join('tenants as t', 't.id', 'm.tenant_id')
      .whereIn('t.slug', DEMO_SLUGS)
      .whereNotNull('u.email')
      .orderBy(['t.slug', 'm.role', 'u.email'])
      .select('u.email', 'u.name', 'm.role', 't.slug'),
  )
  const people = [
    ...cradle.tenancyOptions.superAdmins.map((email) => ({
      email,
      name: 'Platform admin',
      label: 'platform super-admin',
    })),
    ...(members as { email: string; name: string | null; role: string; slug: string }[]).map(
      (m) => ({ email: m.email, name: m.name ?? undefined, label: `${m.slug} ${m.role}` }),
    ),
  ]
  const seen = new Set<string>()
  for (const person of people) {
    if (seen.has(person.email)) continue
    seen.add(person.email)
    if (await cradle.oidcAccounts.byEmail(person.email)) {
      step(`${person.label}: ${person.email} (account exists, password unchanged)`)
      continue
    }
    const password = randomBytes(12).toString('base64url')
    await cradle.oidcAccounts.register({
      email: person.email,
      password,
      name: person.name,
      emailVerified: true,
    })
    step(`${person.label}: ${person.email}  password: ${password}`)
  }
}
