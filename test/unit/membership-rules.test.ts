import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, UnavailableError } from '../../src/errors.js';
import { changeInEffect, checkChange, PROMOTE_MAX_LAG_ENTRIES, type ChangeContext } from '../../src/storage/membership-rules.js';

const context = (overrides: Partial<ChangeContext> = {}): ChangeContext => ({
  conf: { voters: ['s1', 's2', 's3'], learners: ['s4'] },
  addressOf: (id) => ({ s4: '127.0.0.1:7104' })[id],
  matchOf: () => 1_000,
  commit: 1_000,
  ...overrides,
});
const change = (type: string, id: string, address = '') => ({ type, id, address });

describe('membership rules', () => {
  it('proposes valid changes and answers done for a change already in effect', () => {
    expect(checkChange(change('add-learner', 's5', '127.0.0.1:7105'), context())).toBe('add-learner');
    expect(checkChange(change('add-learner', 's4', '127.0.0.1:7104'), context())).toBe('done');
    expect(checkChange(change('promote-learner', 's4'), context())).toBe('promote-learner');
    expect(checkChange(change('promote-learner', 's1'), context())).toBe('done');
    expect(checkChange(change('remove-node', 's1'), context())).toBe('remove-node');
  });

  it('refuses bad changes with a message', () => {
    expect(() => checkChange(change('add-voter', 's5'), context())).toThrow(InvalidArgumentError);
    expect(() => checkChange(change('add-learner', 'S 5', '127.0.0.1:1'), context())).toThrow(/member id/);
    expect(() => checkChange(change('add-learner', 's5', 'nowhere'), context())).toThrow(/member address/);
    expect(() => checkChange(change('add-learner', 's1', '127.0.0.1:1'), context())).toThrow(/already a member/);
    expect(() => checkChange(change('promote-learner', 's9'), context())).toThrow(/not a learner/);
    expect(() => checkChange(change('remove-node', 's9'), context())).toThrow(/not a member/);
    expect(() => checkChange(change('remove-node', 's1'), context({ conf: { voters: ['s1'], learners: [] } }))).toThrow(/last voter/);
  });

  it('promotes a learner only once it has caught up', () => {
    const behind = context({ matchOf: () => 1_000 - PROMOTE_MAX_LAG_ENTRIES - 1 });
    expect(() => checkChange(change('promote-learner', 's4'), behind)).toThrow(UnavailableError);
  });

  it('knows when each change is in effect', () => {
    const conf = { voters: ['s1'], learners: ['s2'] };
    expect(changeInEffect(conf, 'add-learner', 's2')).toBe(true);
    expect(changeInEffect(conf, 'promote-learner', 's2')).toBe(false);
    expect(changeInEffect(conf, 'remove-node', 's3')).toBe(true);
    expect(changeInEffect(conf, 'remove-node', 's1')).toBe(false);
  });
});
