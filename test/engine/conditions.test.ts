import { conditionSchema, evaluate, type Condition } from '../../src/engine/conditions';

const facts = { age: 52, sex: 'female', insured: false, screening: 'breast' };

describe('branch conditions over collected facts', () => {
  test.each<[string, Condition, boolean]>([
    ['eq on a choice', { fact: 'screening', op: 'eq', value: 'breast' }, true],
    ['eq mismatch', { fact: 'screening', op: 'eq', value: 'cervical' }, false],
    ['ne', { fact: 'sex', op: 'ne', value: 'male' }, true],
    ['gte at the edge', { fact: 'age', op: 'gte', value: 52 }, true],
    ['gt at the edge', { fact: 'age', op: 'gt', value: 52 }, false],
    ['lte', { fact: 'age', op: 'lte', value: 69 }, true],
    ['lt', { fact: 'age', op: 'lt', value: 18 }, false],
    ['in', { fact: 'screening', op: 'in', value: ['breast', 'cervical'] }, true],
    ['boolean eq false', { fact: 'insured', op: 'eq', value: false }, true],
    ['known', { fact: 'age', op: 'known' }, true],
    ['unknown fact is unknown', { fact: 'papers', op: 'unknown' }, true],
    ['comparison on an unknown fact is false', { fact: 'papers', op: 'eq', value: false }, false],
    ['ne on an unknown fact is false too', { fact: 'papers', op: 'ne', value: true }, false],
    ['all', { all: [{ fact: 'age', op: 'gte', value: 50 }, { fact: 'age', op: 'lte', value: 69 }] }, true],
    ['any', { any: [{ fact: 'age', op: 'lt', value: 18 }, { fact: 'sex', op: 'eq', value: 'female' }] }, true],
    ['not', { not: { fact: 'insured', op: 'eq', value: true } }, true],
  ])('%s', (_name, c, expected) => {
    expect(conditionSchema.safeParse(c).success).toBe(true);
    expect(evaluate(c, facts)).toBe(expected);
  });

  test.each<[string, unknown]>([
    ['unknown operator', { fact: 'age', op: 'between', value: 3 }],
    ['known with a value', { fact: 'age', op: 'known', value: 3 }],
    ['eq without a value', { fact: 'age', op: 'eq' }],
    ['in with a single value', { fact: 'age', op: 'in', value: 3 }],
    ['eq with a list', { fact: 'age', op: 'eq', value: [3] }],
    ['empty all', { all: [] }],
    ['extra key', { fact: 'age', op: 'eq', value: 3, also: 1 }],
  ])('rejects %s', (_name, c) => {
    expect(conditionSchema.safeParse(c).success).toBe(false);
  });
});
