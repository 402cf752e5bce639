import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/config';
import { configTable } from '../../src/config/config-table';

describe('configuration from environment variables', () => {
  test('defaults: port 3978, embedded database, Bot Framework channel disabled unless asked', () => {
    const cfg = loadConfig({});
    expect(cfg).toMatchObject({ PORT: 3978, HOST: '127.0.0.1', MONGODB_URI: undefined, MONGODB_DB: 'boussole', botAuth: 'disabled', CATALOGUE_AUTO_IMPORT: true });
  });

  test.each([
    [{ BOT_AUTH: 'local' }, 'local'],
    [{ MICROSOFT_APP_ID: 'abc' }, 'jwt'],
    [{ MICROSOFT_APP_ID: 'abc', BOT_AUTH: 'jwt' }, 'jwt'],
  ])('bot auth mode %j → %s', (env, mode) => {
    expect(loadConfig(env).botAuth).toBe(mode);
  });

  test.each([
    [{ PORT: 'eighty' }, /PORT="eighty" is invalid/],
    [{ PORT: '70000' }, /PORT="70000" is invalid/],
    [{ MONGODB_URI: 'http://db' }, /MONGODB_URI="http:\/\/db" is invalid: expected a mongodb:\/\/ or mongodb\+srv:\/\/ URI/],
    [{ MONGODB_DB: 'a b' }, /MONGODB_DB="a b" is invalid/],
    [{ BOT_AUTH: 'none' }, /BOT_AUTH="none" is invalid/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL="loud" is invalid/],
    [{ OPERATOR_CONTACT: 'javascript:alert(1)' }, /OPERATOR_CONTACT="javascript:alert\(1\)" is invalid/],
    [{ CATALOGUE_AUTO_IMPORT: 'maybe' }, /CATALOGUE_AUTO_IMPORT="maybe" is invalid/],
    [{ MICROSOFT_APP_ID: 'abc', BOT_AUTH: 'local' }, /BOT_AUTH=local cannot be combined with MICROSOFT_APP_ID/],
  ])('%j stops the start with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  test('the README configuration table is the generated one', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    const between = readme.split('<!-- config-table:start -->')[1]?.split('<!-- config-table:end -->')[0]?.trim();
    expect(between).toBe(configTable());
  });
});
