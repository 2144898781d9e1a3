// Config loading: the example works as written, errors name file, key path and expectation,
// and the built-in default needs no file and no key.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInConfig } from '../../src/config/defaults.ts';
import { ConfigError, loadConfig } from '../../src/config/load.ts';

const EXAMPLE = `providers:
  openai: { baseUrl: https://api.openai.com/v1, apiKeyEnv: OPENAI_API_KEY }
  local:  { baseUrl: http://127.0.0.1:11434/v1 }
models:
  strong: { provider: openai, id: gpt-4.1, pricePerMTok: { input: 2.0, output: 8.0, cachedInput: 0.5 } }
  weak:   { provider: local,  id: llama3.1:8b, pricePerMTok: { input: 0, output: 0 } }
routers:
  default: { strong: strong, weak: weak, scorer: random, threshold: 0.5 }
`;

function write(name: string, text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'triage-config-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return { dir, file };
}

describe('loadConfig', () => {
  it('loads the documented example as written, with defaults filled in', () => {
    const { file } = write('triage.config.yaml', EXAMPLE);
    const { config, source } = loadConfig({ file, env: {} });
    expect(source).toBe(file);
    expect(config.models['strong']).toEqual({
      provider: 'openai', id: 'gpt-4.1', pricePerMTok: { input: 2, output: 8, cachedInput: 0.5 },
      deployments: [{ provider: 'openai', id: 'gpt-4.1', weight: 1 }],
    });
    expect(config.routers['default']).toMatchObject({ scorer: 'random', threshold: 0.5, retryOnOtherModel: false, scoreTimeoutMs: 250 });
    expect(config.providers['local']?.kind).toBe('openai-compatible');
    expect(config.server.port).toBe(8787);
    expect(config.store).toMatchObject({ kind: 'sqlite', path: 'triage.db' });
  });

  it('reads JSON too, and picks up triage.config.yaml from the working folder', () => {
    const { file } = write('config.json', JSON.stringify({ providers: { p: { baseUrl: 'http://127.0.0.1:1/v1' } }, models: { m: { provider: 'p', id: 'x' } }, routers: { default: { strong: 'm', weak: 'm' } } }));
    expect(loadConfig({ file, env: {} }).config.routers['default']?.scorer).toBe('learned');
    const { dir } = write('triage.config.yaml', EXAMPLE);
    expect(loadConfig({ cwd: dir, env: {} }).config.models['weak']?.id).toBe('llama3.1:8b');
  });

  it('names the file, the key path and what was expected', () => {
    const broken = EXAMPLE.replace('threshold: 0.5', 'threshold: 1.5').replace('provider: local', 'provider: nowhere');
    const { file } = write('bad.yaml', broken);
    let message = '';
    try {
      loadConfig({ file, env: {} });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain(file);
    expect(message).toContain('routers.default.threshold');
    expect(message).toMatch(/<=1|less than or equal to 1/);
    expect(message).toContain('models.weak.provider: unknown provider "nowhere"');
  });

  it('rejects unknown keys, bad URLs, and unparseable files with the file named', () => {
    const { file: typo } = write('typo.yaml', EXAMPLE.replace('routers:', 'routerz: {}\nrouters:'));
    expect(() => loadConfig({ file: typo, env: {} })).toThrow(/typo\.yaml[\s\S]*routerz/);
    const { file: url } = write('url.yaml', EXAMPLE.replace('http://127.0.0.1:11434/v1', 'not a url'));
    expect(() => loadConfig({ file: url, env: {} })).toThrow(/providers\.local\.baseUrl/);
    const { file: yaml } = write('broken.yaml', 'providers: [unclosed');
    expect(() => loadConfig({ file: yaml, env: {} })).toThrow(/cannot parse config file .*broken\.yaml/);
    expect(() => loadConfig({ file: '/nonexistent/triage.yaml', env: {} })).toThrow(/cannot read config file/);
  });

  it('parses a .json config as JSON, and reports a JSON syntax error in JSON terms', () => {
    const { file: good } = write('good.json', JSON.stringify({ providers: { local: { baseUrl: 'http://127.0.0.1:11434/v1' } }, models: { m: { provider: 'local', id: 'x', pricePerMTok: { input: 0, output: 0 } } }, routers: { default: { strong: 'm', weak: 'm', scorer: 'random' } } }));
    expect(loadConfig({ file: good, env: {} }).config.models['m']?.id).toBe('x');
    const { file: broken } = write('broken.json', '{"providers": {"local": {"baseUrl": "http://127.0.0.1:1/v1",}}}');
    let message = '';
    try {
      loadConfig({ file: broken, env: {} });
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    expect(message).toMatch(/cannot parse config file .*broken\.json as JSON/);
    expect(message).not.toMatch(/YAML|flow collection|flow map/i);
  });

  it('builds the default from the environment with no file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'triage-empty-'));
    const { config, source } = loadConfig({
      cwd: dir,
      env: { PORT: '9999', OPENAI_BASE_URL: 'http://127.0.0.1:1/v1', TRIAGE_STRONG_MODEL: 'big', TRIAGE_WEAK_PRICE: '0.1,0.4' },
    });
    expect(source).toBe('built-in default');
    expect(config.server.port).toBe(9999);
    expect(config.providers['openai']).toMatchObject({ baseUrl: 'http://127.0.0.1:1/v1', apiKeyEnv: 'OPENAI_API_KEY' });
    expect(config.models['strong']?.id).toBe('big');
    expect(config.models['weak']?.pricePerMTok).toEqual({ input: 0.1, output: 0.4, cachedInput: 0.1 });
    expect(config.routers['default']?.scorer).toBe('learned');
    expect(() => builtInConfig({ TRIAGE_STRONG_PRICE: 'cheap' })).toThrow(/input,output/);
  });
});
