import type { Cradle } from '@oo/core'

export const DEMO_TENANTS = [
  {
    operationId: 'demo-tenant-pizza',
    slug: 'pizza',
    name: 'Pizza Napoli',
    domains: ['pizza.localhost'],
    theme: 'mono-luxe',
    owner: 'owner@pizza.localhost',
  },
  {
    operationId: 'demo-tenant-burger',
    slug: 'burger',
    name: 'Burger Barn',
    domains: ['burger.localhost'],
    theme: 'fresh-market',
    owner: 'owner@burger.localhost',
  },
  {
    operationId: 'demo-tenant-farm',
    slug: 'farm',
    name: 'Organic Oasis Farm Hub',
    domains: ['farm.localhost'],
    theme: 'fresh-market',
    owner: 'owner@farm.localhost',
  },
] as const

const DEMO_MEMBERS: Record<string, { email: string; role: 'staff' | 'kitchen' | 'manager' }[]> = {
  pizza: [
    { email: 'kitchen@pizza.localhost', role: 'kitchen' },
    { email: 'manager@pizza.localhost', role: 'manager' },
  ],
  burger: [{ email: 'kitchen@burger.localhost', role: 'kitchen' }],
  farm: [
    { email: 'anna@farm.localhost', role: 'staff' },
    { email: 'ben@farm.localhost', role: 'staff' },
    { email: 'carla@farm.localhost', role: 'staff' },
  ],
}

/** Demo tenants, their owners, farmers and kitchen staff. Idempotent: fixed operation ids. */
export async function seedDemoTenants(
  cradle: Cradle,
  step: (message: string) => void,
): Promise<void> {
  for (const demo of DEMO_TENANTS) {
    const result = await cradle.provisioningService.provision({
      operationId: demo.operationId,
      slug: demo.slug,
      name: demo.name,
      domains: [...demo.domains],
      theme: demo.theme,
      owner: { email: demo.owner },
    })
    step(`tenant ${demo.slug} (${demo.domains.join(', ')}, theme ${demo.theme}): ${result.status}`)
    await cradle.scopes.run(result.tenantId, async (scope) => {
      for (const member of DEMO_MEMBERS[demo.slug] ?? []) {
        const user = await cradle.userDirectory.byEmail(member.email)
        const already =
          user &&
          (await cradle.userDirectory.memberships(user.id)).some(
            (m) => m.tenantId === result.tenantId,
          )
        if (!already) await scope.cradle.memberService.add(member)
      }
    })
  }
}
