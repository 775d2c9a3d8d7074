// The shop's menu page: products by category, search, a cart, guest checkout, and live stock.
import { io } from 'socket.io-client'
import { addToCart, cartTotal, readCart, setQuantity, writeCart } from './cart.js'
import { formatPrice, storeApi, StoreApiError, type StoreProduct } from './store-api.js'

interface ProductUpdated {
  productId: string
  stockQty: number
  priceMinor: number
  currency: string
  active: boolean
  changes: string[]
}

const $ = <T extends Element>(selector: string) => document.querySelector<T>(selector)!

let products: StoreProduct[] = []
let category = ''
let query = ''

function productCard(p: StoreProduct): HTMLElement {
  const card = $<HTMLTemplateElement>('#oo-product-card').content.firstElementChild!.cloneNode(
    true,
  ) as HTMLElement
  card.dataset.productId = p.id
  const image = p.images[0]
  const img = card.querySelector<HTMLImageElement>('[data-image]')!
  if (image) {
    img.src = image.url
    img.alt = p.name
    img.width = image.width
    img.height = image.height
    const captured = card.querySelector<HTMLElement>('[data-captured]')!
    if (image.capturedAt)
      captured.textContent = `Photographed ${new Date(image.capturedAt).toLocaleString()}`
  } else {
    img.remove()
  }
  card.querySelector('[data-name]')!.textContent = p.name
  card.querySelector('[data-description]')!.textContent = p.description
  card.querySelector('[data-price]')!.textContent =
    `${formatPrice(p.price.amountMinor, p.price.currency)} / ${p.unit}`
  const origin = [
    p.origin.farm ?? p.farmer?.name,
    p.origin.location,
    p.origin.harvestDate && `harvested ${p.origin.harvestDate}`,
  ].filter(Boolean)
  card.querySelector('[data-origin]')!.textContent = origin.join(' · ')
  renderStock(card, p.stockQty)
  card.querySelector('[data-add]')!.addEventListener('click', () => {
    addToCart({
      productId: p.id,
      name: p.name,
      unitPriceMinor: p.price.amountMinor,
      currency: p.price.currency,
    })
    renderCart()
  })
  return card
}

function renderStock(card: HTMLElement, stockQty: number): void {
  const badge = card.querySelector<HTMLElement>('[data-stock]')!
  badge.textContent = stockQty > 0 ? `${stockQty} left` : 'Sold out'
  badge.dataset.state = stockQty === 0 ? 'out' : stockQty <= 5 ? 'low' : 'ok'
  card.querySelector<HTMLButtonElement>('[data-add]')!.disabled = stockQty === 0
}

function renderProducts(): void {
  const grid = $('#oo-products')
  grid.replaceChildren(...products.map(productCard))
  $('#oo-empty').toggleAttribute('hidden', products.length > 0)
}

async function loadProducts(): Promise<void> {
  products = await storeApi.products({ category: category || undefined, q: query || undefined })
  renderProducts()
}

function renderCart(): void {
  const lines = readCart()
  const list = $('#oo-cart-lines')
  list.replaceChildren(
    ...lines.map((line) => {
      const row = document.createElement('li')
      const qty = document.createElement('input')
      qty.type = 'number'
      qty.min = '0'
      qty.max = '99'
      qty.value = String(line.quantity)
      qty.setAttribute('aria-label', `Quantity of ${line.name}`)
      qty.addEventListener('change', () => {
        setQuantity(line.productId, Math.max(0, Math.min(99, Number(qty.value) || 0)))
        renderCart()
      })
      const name = document.createElement('span')
      name.textContent = line.name
      const price = document.createElement('span')
      price.textContent = formatPrice(line.unitPriceMinor * line.quantity, line.currency)
      row.append(qty, name, price)
      return row
    }),
  )
  const currency = lines[0]?.currency ?? 'EUR'
  $('#oo-cart-total').textContent = formatPrice(cartTotal(lines), currency)
  $('#oo-cart-count').textContent = String(lines.reduce((n, l) => n + l.quantity, 0))
  $<HTMLButtonElement>('#oo-checkout-submit').disabled = lines.length === 0
}

// crypto.randomUUID exists only in secure contexts; shops on plain http (local demos) have not.
function randomKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('')
}

const ATTEMPT = 'oo.checkout.attempt'
const RETRY_DELAYS_MS = [500, 1500]

/**
 * One Idempotency-Key per cart attempt, kept in sessionStorage (a reload keeps it) until an answer
 * can be trusted: the same cart sent again after a lost answer returns the order already made
 * instead of a second one. A different cart is a new attempt, with a new key.
 */
function attemptKey(body: object): string {
  const sent = JSON.stringify(body)
  try {
    const saved = JSON.parse(sessionStorage.getItem(ATTEMPT) ?? 'null') as {
      key?: string
      body?: string
    } | null
    if (saved?.key && saved.body === sent) return saved.key
  } catch {
    // an unreadable entry is a new attempt
  }
  const key = randomKey()
  sessionStorage.setItem(ATTEMPT, JSON.stringify({ key, body: sent }))
  return key
}

/**
 * An answer the shopper can act on: an order (2xx) or the engine's "no" (4xx). A network error
 * or a 5xx says nothing about whether the order was made, and so does 409 "in progress".
 */
function isSettled(err: unknown): boolean {
  return (
    err instanceof StoreApiError && err.status < 500 && err.code !== 'ORDERS_IDEMPOTENCY_CONFLICT'
  )
}

async function checkout(form: HTMLFormElement): Promise<void> {
  const lines = readCart()
  const data = new FormData(form)
  const error = $('#oo-checkout-error')
  error.textContent = ''
  const phone = String(data.get('phone') ?? '').trim()
  const body = {
    items: lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
    customer: {
      pickupName: String(data.get('pickupName') ?? '').trim(),
      ...(phone ? { phone } : {}),
    },
  }
  const key = attemptKey(body)
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await storeApi.checkout(body, key)
      sessionStorage.removeItem(ATTEMPT)
      sessionStorage.setItem(`oo.order.${result.order.id}`, result.orderToken)
      writeCart([])
      location.assign(`/order#${result.order.id}`)
      return
    } catch (err) {
      if (isSettled(err)) {
        sessionStorage.removeItem(ATTEMPT)
        error.textContent = (err as StoreApiError).message
        return
      }
      const delay = RETRY_DELAYS_MS[attempt]
      if (delay === undefined) {
        // The key stays: pressing the button again (or reloading) retries the same attempt.
        error.textContent = 'Checkout failed: please try again'
        return
      }
      await new Promise((r) => setTimeout(r, delay))
    }
  }
}

function subscribe(): void {
  const socket = io('/storefront', { transports: ['websocket'] })
  const live = $<HTMLElement>('#oo-live')
  socket.on('connect', () => (live.dataset.state = 'live'))
  socket.on('disconnect', () => (live.dataset.state = 'offline'))
  socket.on('catalog.product.updated', (event: ProductUpdated) => {
    const known = products.find((p) => p.id === event.productId)
    if (!known || !event.active || event.changes.some((c) => c !== 'stock')) {
      void loadProducts() // new, hidden, re-priced or re-photographed: fetch the fresh list
      return
    }
    known.stockQty = event.stockQty
    const card = document.querySelector<HTMLElement>(`[data-product-id="${event.productId}"]`)
    if (card) renderStock(card, event.stockQty)
  })
}

export async function startMenu(): Promise<void> {
  const tenant = await storeApi.tenant()
  document.title = tenant.name
  $('#oo-shop-name').textContent = tenant.name
  const categories = await storeApi.categories()
  const nav = $('#oo-categories')
  for (const c of [{ slug: '', name: 'All' }, ...categories]) {
    const chip = document.createElement('button')
    chip.type = 'button'
    chip.textContent = c.name
    chip.setAttribute('aria-pressed', String(c.slug === category))
    chip.addEventListener('click', () => {
      category = c.slug
      nav
        .querySelectorAll('button')
        .forEach((b) => b.setAttribute('aria-pressed', String(b === chip)))
      void loadProducts()
    })
    nav.append(chip)
  }
  let debounce: ReturnType<typeof setTimeout> | undefined
  $<HTMLInputElement>('#oo-search').addEventListener('input', (e) => {
    clearTimeout(debounce)
    debounce = setTimeout(() => {
      query = (e.target as HTMLInputElement).value.trim()
      void loadProducts()
    }, 200)
  })
  $<HTMLFormElement>('#oo-checkout').addEventListener('submit', (e) => {
    e.preventDefault()
    void checkout(e.target as HTMLFormElement)
  })
  await loadProducts()
  renderCart()
  subscribe()
}
