// The cart lives in the browser (localStorage, per shop host); prices shown are the catalog's,
// but the engine prices the order again at checkout: nothing here is trusted by the server.

export interface CartLine {
  productId: string
  name: string
  unitPriceMinor: number
  currency: string
  quantity: number
}

const KEY = `oo.cart.${location.host}`

export function readCart(): CartLine[] {
  try {
    const lines = JSON.parse(localStorage.getItem(KEY) ?? '[]') as CartLine[]
    return Array.isArray(lines) ? lines.filter((l) => l.quantity > 0) : []
  } catch {
    return []
  }
}

export function writeCart(lines: CartLine[]): void {
  localStorage.setItem(KEY, JSON.stringify(lines.filter((l) => l.quantity > 0)))
}

export function addToCart(line: Omit<CartLine, 'quantity'>, quantity = 1): CartLine[] {
  const lines = readCart()
  const existing = lines.find((l) => l.productId === line.productId)
  if (existing) existing.quantity += quantity
  else lines.push({ ...line, quantity })
  writeCart(lines)
  return lines
}

export function setQuantity(productId: string, quantity: number): CartLine[] {
  const lines = readCart().map((l) => (l.productId === productId ? { ...l, quantity } : l))
  writeCart(lines)
  return readCart()
}

export function cartTotal(lines: CartLine[]): number {
  return lines.reduce((sum, l) => sum + l.unitPriceMinor * l.quantity, 0)
}
