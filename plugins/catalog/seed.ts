import type { Cradle } from '@oo/core'

export async function seedDemoCatalogs(_cradle: Cradle, step: (message: string) => void): Promise<void> {
  step('todo')
}
