import { describe, expect, it } from 'vitest'
import { definePlugin } from './define-plugin.js'
import { sortPlugins } from './plugin-graph.js'

const p = (name: string, dependsOn: string[] = []) => definePlugin({ name, dependsOn })()

describe('sortPlugins', () => {
  it('puts dependencies first and keeps list order as the tiebreak', () => {
    const order = sortPlugins([
      p('orders', ['catalog', 'tenancy']),
      p('chat'),
      p('catalog', ['tenancy']),
      p('tenancy'),
    ])
    expect(order.map((x) => x.definition.name)).toEqual(['chat', 'tenancy', 'catalog', 'orders'])
  })

  it('fails on a missing dependency, naming both', () => {
    expect(() => sortPlugins([p('orders', ['catalog'])])).toThrow(
      /orders depends on "catalog", which is not in oo.config.ts/,
    )
  })

  it('fails on a cycle and shows it', () => {
    expect(() => sortPlugins([p('a'), p('orders', ['kitchen']), p('kitchen', ['orders'])])).toThrow(
      /orders → kitchen → orders/,
    )
  })

  it('fails on a duplicate name', () => {
    expect(() => sortPlugins([p('media'), p('media')])).toThrow(
      expect.objectContaining({ code: 'OO_PLUGIN_DUPLICATE' }),
    )
  })
})
