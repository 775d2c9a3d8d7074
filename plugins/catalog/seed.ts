import type { AwilixContainer, Cradle, RequestCradle } from '@oo/core'
import sharp from 'sharp'
import type { Actor } from './services/product-service.js'

interface DemoProduct {
  name: string
  price: number
  unit?: string
  description: string
  tags?: string[]
  farmer?: string
  origin?: { farm: string; location: string }
  color?: string
}

type DemoMenu = Record<string, { name: string; products: DemoProduct[] }>

const PIZZA: DemoMenu = {
  pizzas: {
    name: 'Pizzas',
    products: [
      {
        name: 'Margherita',
        price: 950,
        description: 'San Marzano tomato, fior di latte, basil, olive oil',
        tags: ['vegetarian'],
      },
      {
        name: 'Marinara',
        price: 850,
        description: 'Tomato, garlic, oregano, olive oil',
        tags: ['vegan'],
      },
      {
        name: 'Diavola',
        price: 1150,
        description: 'Tomato, mozzarella, spicy salami, chilli',
        tags: ['spicy'],
      },
      {
        name: 'Quattro Formaggi',
        price: 1250,
        description: 'Mozzarella, gorgonzola, parmesan, fontina',
        tags: ['vegetarian'],
      },
      {
        name: 'Funghi',
        price: 1050,
        description: 'Tomato, mozzarella, wood-roasted mushrooms',
        tags: ['vegetarian'],
      },
    ],
  },
  desserts: {
    name: 'Desserts',
    products: [
      { name: 'Tiramisu', price: 650, description: 'Mascarpone, espresso, cocoa' },
      { name: 'Panna Cotta', price: 600, description: 'Vanilla cream with berry coulis' },
    ],
  },
  drinks: {
    name: 'Drinks',
    products: [
      { name: 'Limonata', price: 350, description: 'Sicilian lemonade' },
      { name: 'Still Water', price: 250, description: '0.5 l' },
    ],
  },
}

const BURGER: DemoMenu = {
  burgers: {
    name: 'Burgers',
    products: [
      {
        name: 'Classic Burger',
        price: 990,
        description: 'Beef patty, lettuce, tomato, pickles, house sauce',
      },
      {
        name: 'Cheeseburger',
        price: 1090,
        description: 'Beef patty, aged cheddar, onions, mustard',
      },
      {
        name: 'Bacon BBQ Burger',
        price: 1290,
        description: 'Beef patty, smoked bacon, BBQ sauce, crispy onions',
        tags: ['smoky'],
      },
      {
        name: 'Veggie Burger',
        price: 1050,
        description: 'Black bean patty, avocado, chipotle mayo',
        tags: ['vegetarian'],
      },
    ],
  },
  sides: {
    name: 'Sides',
    products: [
      { name: 'Fries', price: 390, description: 'Hand-cut, sea salt', tags: ['vegan'] },
      { name: 'Onion Rings', price: 450, description: 'Beer-battered' },
    ],
  },
  shakes: {
    name: 'Shakes',
    products: [
      { name: 'Vanilla Shake', price: 490, description: 'Madagascar vanilla' },
      { name: 'Chocolate Shake', price: 490, description: 'Dark chocolate' },
    ],
  },
}

const ANNA = { farm: 'Anna’s Acre', location: 'Hillside, north field' }
const BEN = { farm: 'Ben’s Bees & Berries', location: 'River meadow' }
const CARLA = { farm: 'Carla’s Orchard', location: 'South slope' }
const FARM: DemoMenu = {
  vegetables: {
    name: 'Vegetables',
    products: [
      {
        name: 'Heirloom Tomatoes',
        price: 450,
        unit: 'kg',
        description: 'Sweet, many colours, picked at dawn',
        tags: ['summer'],
        farmer: 'anna',
        origin: ANNA,
        color: '#d8412f',
      },
      {
        name: 'Zucchini',
        price: 320,
        unit: 'kg',
        description: 'Young and tender',
        farmer: 'anna',
        origin: ANNA,
        color: '#4f8a3c',
      },
      {
        name: 'Rainbow Carrots',
        price: 290,
        unit: 'bunch',
        description: 'Purple, yellow and orange',
        farmer: 'ben',
        origin: BEN,
        color: '#ef8a17',
      },
      {
        name: 'Curly Kale',
        price: 250,
        unit: 'bunch',
        description: 'Crisp leaves for salads and chips',
        tags: ['leafy'],
        farmer: 'carla',
        origin: CARLA,
        color: '#2f6b3a',
      },
    ],
  },
  fruit: {
    name: 'Fruit',
    products: [
      {
        name: 'Strawberries',
        price: 550,
        unit: 'box',
        description: 'Sun-ripened, 500 g',
        tags: ['summer'],
        farmer: 'ben',
        origin: BEN,
        color: '#c81d4e',
      },
      {
        name: 'Apples',
        price: 380,
        unit: 'kg',
        description: 'Crunchy heritage varieties',
        farmer: 'carla',
        origin: CARLA,
        color: '#9bbf3b',
      },
    ],
  },
  herbs: {
    name: 'Herbs',
    products: [
      {
        name: 'Genovese Basil',
        price: 180,
        unit: 'bunch',
        description: 'Fragrant, for pesto',
        farmer: 'anna',
        origin: ANNA,
        color: '#3f9b4b',
      },
    ],
  },
  pantry: {
    name: 'Honey & Eggs',
    products: [
      {
        name: 'Wildflower Honey',
        price: 890,
        unit: 'jar',
        description: 'Raw, 450 g',
        farmer: 'ben',
        origin: BEN,
        color: '#e0a526',
      },
      {
        name: 'Free-range Eggs',
        price: 420,
        unit: 'dozen',
        description: 'From hens on pasture',
        farmer: 'carla',
        origin: CARLA,
        color: '#efe3c8',
      },
    ],
  },
}

const MENUS: [host: string, menu: DemoMenu][] = [
  ['pizza.localhost', PIZZA],
  ['burger.localhost', BURGER],
  ['farm.localhost', FARM],
]
const OWNER: Actor = { userId: null, role: 'owner', superAdmin: false }

/** A generated harvest photo: a colour field with the product's name, "taken" this morning. */
async function demoPhoto(name: string, color: string): Promise<Buffer> {
  const label = name.replace(/[<>&'"]/g, '')
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="800" height="600" fill="${color}"/>
    <circle cx="400" cy="260" r="150" fill="#ffffff" fill-opacity="0.25"/>
    <text x="400" y="520" font-family="sans-serif" font-size="56" font-weight="bold" fill="#ffffff" text-anchor="middle">${label}</text></svg>`
  const taken = new Date()
  taken.setUTCHours(6, 30, 0, 0)
  const stamp = `${taken.toISOString().slice(0, 10).replaceAll('-', ':')} 06:30:00`
  return sharp(Buffer.from(svg))
    .jpeg({ quality: 85 })
    .withExif({ IFD2: { DateTimeOriginal: stamp } })
    .toBuffer()
}

async function seedMenu(
  scope: AwilixContainer<RequestCradle>,
  cradle: Cradle,
  menu: DemoMenu,
): Promise<number> {
  const { categoryService, productService, db } = scope.cradle
  const existing = new Set<string>(await db.tx((trx) => trx('catalog_products').pluck('slug')))
  const categories = new Map<string, string>(
    await db
      .tx((trx) => trx('catalog_categories').select('slug', 'id'))
      .then((rows) => rows.map((r) => [r.slug, r.id] as [string, string])),
  )
  let created = 0
  for (const [position, [slug, section]] of Object.entries(menu).entries()) {
    const categoryId =
      categories.get(slug) ??
      (await categoryService.create({ slug, name: section.name, description: null, position })).id
    for (const p of section.products) {
      const productSlug = p.name
        .toLowerCase()
        .normalize('NFKD')
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
      if (existing.has(productSlug)) continue
      const farmer = p.farmer
        ? await cradle.userDirectory.byEmail(`${p.farmer}@farm.localhost`)
        : null
      const product = await productService.create(
        {
          name: p.name,
          slug: productSlug,
          description: p.description,
          priceMinor: p.price,
          stockQty: 40,
          unit: p.unit ?? 'piece',
          categoryId,
          tags: p.tags ?? [],
          active: true,
          farmerId: farmer?.id ?? null,
          originFarm: p.origin?.farm ?? null,
          originLocation: p.origin?.location ?? null,
          harvestDate: p.origin ? new Date().toISOString().slice(0, 10) : null,
          lotCode: p.origin ? `LOT-${productSlug.slice(0, 8).toUpperCase()}` : null,
        },
        OWNER,
      )
      if (p.color)
        await productService.addImage(
          product.id,
          await demoPhoto(p.name, p.color),
          `${p.name}, this morning’s harvest`,
          OWNER,
        )
      created++
    }
  }
  return created
}

/** Demo menus for the demo tenants (tenancy's seed made them). Idempotent: existing slugs are skipped. */
export async function seedDemoCatalogs(
  cradle: Cradle,
  step: (message: string) => void,
): Promise<void> {
  for (const [host, menu] of MENUS) {
    const tenant = await cradle.tenantDirectory.findByHost(host)
    if (!tenant) {
      step(`${host}: no tenant, skipped`)
      continue
    }
    const created = await cradle.scopes.run(tenant.id, (scope) => seedMenu(scope, cradle, menu))
    step(`${tenant.slug}: ${created} products added`)
  }
}
