/** Logs never carry what a person typed: not under text-like keys, not inside an error's message. */
import { createLogger } from '../../src/logging/logger';

test.each([
  ['an error whose message quotes the person', { error: new Error('cannot parse "je veux mourir"') }],
  ['a text field', { text: 'je veux mourir' }],
  ['a message field', { message: 'je veux mourir' }],
])('%s is not written', (_name, fields) => {
  const lines: string[] = [];
  createLogger('debug', {}, (l) => lines.push(l)).error('turn.failed', { conversationId: 'c1', ...fields });
  expect(lines).toHaveLength(1);
  expect(lines[0]).not.toMatch(/mourir/);
  expect(JSON.parse(lines[0])).toMatchObject({ event: 'turn.failed', conversationId: 'c1' });
});

test('an error keeps its name and code', () => {
  const lines: string[] = [];
  const err = Object.assign(new Error('secret'), { name: 'MongoNetworkError', code: 'ECONNRESET' });
  createLogger('debug', {}, (l) => lines.push(l)).warn('db.failed', { error: err });
  expect(JSON.parse(lines[0]).error).toEqual({ name: 'MongoNetworkError', code: 'ECONNRESET' });
});
