/**
 * Sequential specifications for the linearizability checker, one object per key.
 */
import type { Model, StepResult } from './linearizability.js';

/** Operations on a register per key. A missing key reads as null. */
export type RegisterInput =
  | { key: string; op: 'get' }
  | { key: string; op: 'put'; value: string }
  /** Compare-and-set: writes `value` if the current value is `expected` (null: the key is absent). */
  | { key: string; op: 'cas'; expected: string | null; value: string }
  | { key: string; op: 'delete' };

/**
 * What a register operation returned: `get` sets `value`, `cas` sets `ok`, `delete` may set
 * `deleted` (whether a key was there). Anything else is ignored.
 */
export interface RegisterOutput {
  value?: string | null;
  ok?: boolean;
  deleted?: boolean;
}

export type RegisterState = string | null;

const rejected: StepResult<never> = { ok: false };

export const registerModel: Model<RegisterState, RegisterInput, RegisterOutput> = {
  init: () => null,
  step(state, input, output) {
    switch (input.op) {
      case 'get':
        if (output === undefined) return { ok: true, state };
        if (output.value === undefined) throw new TypeError(`registerModel: a get of ${JSON.stringify(input.key)} has no output value (use null for a missing key)`);
        return output.value === state ? { ok: true, state } : rejected;
      case 'put':
        return { ok: true, state: input.value };
      case 'delete':
        if (output?.deleted !== undefined && output.deleted !== (state !== null)) return rejected;
        return { ok: true, state: null };
      case 'cas': {
        const matches = state === input.expected;
        if (output === undefined) return { ok: true, state: matches ? input.value : state };
        if (output.ok === undefined) throw new TypeError(`registerModel: a cas of ${JSON.stringify(input.key)} has no output ok`);
        if (output.ok !== matches) return rejected;
        return { ok: true, state: matches ? input.value : state };
      }
    }
  },
  stateKey: (state) => (state === null ? 'n' : 's' + state),
  partition: (input) => input.key,
  isReadOnly: (input) => input.op === 'get',
  describeOperation(input, output) {
    switch (input.op) {
      case 'get':
        return `get(${input.key}) -> ${output === undefined ? '?' : show(output.value)}`;
      case 'put':
        return `put(${input.key}, ${show(input.value)})${output === undefined ? ' -> ?' : ''}`;
      case 'delete':
        return `delete(${input.key}) -> ${output === undefined ? '?' : output.deleted === undefined ? 'ok' : String(output.deleted)}`;
      case 'cas':
        return `cas(${input.key}, ${show(input.expected)} -> ${show(input.value)}) -> ${output === undefined ? '?' : String(output.ok)}`;
    }
  },
  describeState: (state) => show(state),
};

/** Operations on an integer counter per key, as `add` does (a missing key counts as 0). */
export type CounterInput = { key: string; op: 'add'; delta: number } | { key: string; op: 'get' };

/** `add` may report the new value; `get` must. */
export interface CounterOutput {
  value?: number;
}

export const counterModel: Model<number, CounterInput, CounterOutput> = {
  init: () => 0,
  step(state, input, output) {
    if (input.op === 'add') {
      const next = state + input.delta;
      if (output?.value !== undefined && output.value !== next) return rejected;
      return { ok: true, state: next };
    }
    if (output === undefined) return { ok: true, state };
    if (output.value === undefined) throw new TypeError(`counterModel: a get of ${JSON.stringify(input.key)} has no output value`);
    return output.value === state ? { ok: true, state } : rejected;
  },
  stateKey: (state) => String(state),
  partition: (input) => input.key,
  isReadOnly: (input) => input.op === 'get',
  describeOperation(input, output) {
    const result = output === undefined ? '?' : output.value === undefined ? 'ok' : String(output.value);
    return input.op === 'add' ? `add(${input.key}, ${input.delta}) -> ${result}` : `get(${input.key}) -> ${result}`;
  },
  describeState: (state) => String(state),
};

function show(value: string | null | undefined): string {
  return value === null ? 'null' : value === undefined ? '?' : JSON.stringify(value);
}
