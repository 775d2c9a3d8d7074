import { OoError } from '@oo/core'

/** A document's lifecycle as data: status → the statuses one step away. */
export type Transitions<S extends string> = { [K in S]: readonly NoInfer<S>[] }

export interface StateMachine<S extends string> {
  readonly entity: string
  readonly statuses: readonly S[]
  readonly initial: S
  isStatus(value: unknown): value is S
  /** `to` when `from → to` is one legal step, else 409 BROKERAGE_INVALID_TRANSITION. */
  next(from: S, to: S): S
  /** The statuses one step away from `from`. */
  allowed(from: S): readonly S[]
  /** Statuses with no way out (closed, cancelled, paid, void). */
  isFinal(status: S): boolean
}

export function defineMachine<S extends string>(
  entity: string,
  initial: NoInfer<S>,
  transitions: Transitions<S>,
): StateMachine<S> {
  const statuses = Object.keys(transitions) as S[]
  return {
    entity,
    statuses,
    initial,
    isStatus: (value): value is S =>
      typeof value === 'string' && (statuses as string[]).includes(value),
    next(from, to) {
      if (transitions[from]?.includes(to)) return to
      throw new OoError(
        'BROKERAGE_INVALID_TRANSITION',
        409,
        `A ${entity.replace(/_/g, ' ')} that is ${from} cannot go to ${to}`,
        { field: 'status', details: { entity, from, to, allowed: transitions[from] ?? [] } },
      )
    },
    allowed: (from) => transitions[from] ?? [],
    isFinal: (status) => (transitions[status]?.length ?? 0) === 0,
  }
}
