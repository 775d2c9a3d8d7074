// The only module that calls /api/v1/store: typed responses for the shopper scripts.
// Same origin: the page is served on the shop's own domain, so the engine knows the tenant.

export interface StoreTenant {
  id: string
  slug: string
  name: string
  theme: string
  domains: string[]
}

export interface StoreImage {
  id: string
  url: string
  width: number
  height: number
  capturedAt: string | null
  variants: { url: string; format: string; width: number; height: number }[]
}

export interface StoreProduct {
  id: string
  slug: string
  name: string
  description: string
  price: { amountMinor: number; currency: string }
  unit: string
  stockQty: number
  inStock: boolean
  category: { slug: string; name: string } | null
  tags: string[]
  farmer: { name: string } | null
  origin: {
    farm: string | null
    location: string | null
    harvestDate: string | null
    lotCode: string | null
  }
  images: StoreImage[]
}

export interface StoreCategory {
  slug: string
  name: string
}

export interface OrderLine {
  productId: string
  name: string
  quantity: number
  unitPriceMinor: number
  currency: string
}

export interface CustomerOrder {
  id: string
  number: number
  status: string
  totalMinor: number
  currency: string
  lines: OrderLine[]
}

export interface CheckoutResult {
  order: CustomerOrder
  orderToken: string
  orderTokenExpiresAt: string
}

export class StoreApiError extends Error {
  readonly code: string
  readonly field?: string
  readonly status: number

  constructor(
    status: number,
    body: { error?: { code?: string; message?: string; field?: string } },
  ) {
    super(body.error?.message ?? `Request failed (${status})`)
    this.status = status
    this.code = body.error?.code ?? 'UNKNOWN'
    this.field = body.error?.field
  }
}

const BASE = '/api/v1/store'

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${BASE}${path}`, {
    ...init,
    headers: { accept: 'application/json', ...init.headers },
  })
  const body = res.status === 204 ? undefined : await res.json().catch(() => ({}))
  if (!res.ok) throw new StoreApiError(res.status, body ?? {})
  return body as T
}

export const storeApi = {
  tenant: () => call<StoreTenant>('/tenant'),
  products: (query: { category?: string; q?: string } = {}) => {
    const params = new URLSearchParams({ perPage: '100' })
    if (query.category) params.set('category', query.category)
    if (query.q) params.set('q', query.q)
    return call<StoreProduct[] | { items: StoreProduct[] }>(`/products?${params}`).then((r) =>
      Array.isArray(r) ? r : r.items,
    )
  },
  categories: () =>
    call<StoreCategory[] | { items: StoreCategory[] }>('/categories').then((r) =>
      Array.isArray(r) ? r : r.items,
    ),
  checkout: (
    body: {
      items: { productId: string; quantity: number }[]
      customer: { pickupName: string; phone?: string }
    },
    idempotencyKey: string,
  ) =>
    call<CheckoutResult>('/checkout', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(body),
    }),
  order: (id: string, token: string) =>
    call<CustomerOrder>(`/orders/${encodeURIComponent(id)}`, {
      headers: { authorization: `Bearer ${token}` },
    }),
}

export function formatPrice(amountMinor: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(amountMinor / 100)
}
