import { describe, expect, it } from 'vitest';
import type { ChatMessage, ChatRequest } from '../../src/protocol/chat.ts';
import { DEFAULT_SHAPING_LIMITS, headTail, shapeInput, shapedKey } from '../../src/scoring/shaping.ts';

const LIMITS = DEFAULT_SHAPING_LIMITS;
const request = (messages: ChatMessage[], extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'triage',
  messages,
  ...extra,
});

/** Roughly `tokens` tokens of varied English prose (about 4 characters per token). */
function prose(tokens: number, seed = 0): string {
  const words = ['alpha', 'river', 'budget', 'quantum', 'museum', 'lantern', 'theory', 'harbor', 'signal', 'garden'];
  const out: string[] = [];
  for (let i = 0; out.length < tokens * 0.8; i++) out.push(words[(i * 7 + seed) % words.length] ?? 'x');
  return out.join(' ');
}

/** An agent-style conversation of about `tokens` tokens: system prompt, tools, many turns, tool results. */
function longConversation(tokens: number): ChatRequest {
  const messages: ChatMessage[] = [{ role: 'system', content: 'SYSTEMPROMPT ' + prose(2000, 1) }];
  let used = 2000;
  let turn = 0;
  while (used < tokens) {
    messages.push({ role: 'user', content: `question ${turn} ` + prose(300, turn) });
    messages.push({ role: 'assistant', content: null, tool_calls: [{ id: `c${turn}`, type: 'function' }] });
    messages.push({ role: 'tool', tool_call_id: `c${turn}`, content: 'TOOLRESULT ' + prose(1500, turn) });
    messages.push({ role: 'assistant', content: `answer ${turn} ` + prose(400, turn) });
    used += 2200;
    turn++;
  }
  messages.push({ role: 'user', content: 'Now refactor the parser so it streams.' });
  return request(messages, { tools: [{ type: 'function', function: { name: 'read_file', parameters: { type: 'object' } } }] });
}

describe('shapeInput', () => {
  it('embeds the last user turn and leaves system prompts, developer prompts and tool schemas out', () => {
    const shaped = shapeInput(
      request(
        [
          { role: 'system', content: 'You are SYSTEMPROMPT, a helpful assistant.' },
          { role: 'developer', content: 'DEVPROMPT rules apply.' },
          { role: 'user', content: 'Write a haiku about autumn leaves falling in the quiet park at dusk, please.' },
        ],
        { tools: [{ type: 'function', function: { name: 'TOOLSCHEMA', parameters: {} } }] },
      ),
    );
    expect(shaped.text).toContain('haiku about autumn');
    expect(shaped.text).not.toMatch(/SYSTEMPROMPT|DEVPROMPT|TOOLSCHEMA/);
    expect(shaped.facts.hasSystemPrompt).toBe(true);
    expect(shaped.facts.toolsDefined).toBe(1);
    expect(shaped.facts.userTurns).toBe(1);
  });

  it('reads text parts of multi-part content and ignores image parts', () => {
    const image = 'data:image/png;base64,' + 'iVBORw0KGgo'.repeat(500);
    const shaped = shapeInput(
      request([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image_url', image_url: { url: image } },
            { type: 'text', text: 'Answer in French.' },
          ],
        },
      ]),
    );
    expect(shaped.text).toBe('What is in this picture?\nAnswer in French.');
    expect(shaped.facts.imageParts).toBe(1);
    expect(shaped.facts.lastUserRawChars).toBe('What is in this picture?'.length + 'Answer in French.'.length);
  });

  it('replaces inline base64 blobs and cuts long code blocks to head and tail', () => {
    const code = Array.from({ length: 200 }, (_, i) => `  const value${i} = compute(${i});`).join('\n');
    const blob = 'A'.repeat(3000);
    const shaped = shapeInput(request([{ role: 'user', content: `Why is this slow?\n\`\`\`ts\n${code}\n\`\`\`\nblob: ${blob} end` }]));
    expect(shaped.text).toContain('value0 =');
    expect(shaped.text).toContain('value199');
    expect(shaped.text).not.toContain('value100 ');
    expect(shaped.text).toContain('[blob]');
    expect(shaped.text).not.toContain('AAAAAAAAAA');
    expect(shaped.text.length).toBeLessThan(LIMITS.codeBlockChars + 200);
  });

  it('keeps head and tail of a long last user turn within the cap', () => {
    const long = 'START ' + prose(5000) + ' So what is the main argument? END';
    const shaped = shapeInput(request([{ role: 'user', content: long }]));
    expect(shaped.text.length).toBeLessThanOrEqual(LIMITS.lastUserChars + 3);
    expect(shaped.text.startsWith('START')).toBe(true);
    expect(shaped.text.endsWith('main argument? END')).toBe(true);
    expect(shaped.lastUserScan.length).toBeLessThanOrEqual(LIMITS.scanChars + 3);
    expect(shaped.facts.lastUserRawChars).toBe(long.length);
  });

  it('adds bounded earlier context to a short follow-up only', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'PREVIOUSUSER Write a Python function that merges two sorted lists. ' + prose(400) },
      { role: 'assistant', content: 'LASTASSISTANT Here is the function: ' + prose(400) },
      { role: 'user', content: 'Make it faster.' },
    ];
    const followUp = shapeInput(request(messages));
    expect(followUp.contextIncluded).toBe(true);
    expect(followUp.text.startsWith('Make it faster.')).toBe(true);
    expect(followUp.text).toContain('PREVIOUSUSER');
    expect(followUp.text).toContain('LASTASSISTANT');
    const cap = 'Make it faster.'.length + LIMITS.previousUserChars + LIMITS.assistantChars + 10;
    expect(followUp.text.length).toBeLessThanOrEqual(cap);

    const standalone = shapeInput(request([...messages.slice(0, 2), { role: 'user', content: prose(200) }]));
    expect(standalone.contextIncluded).toBe(false);
    expect(standalone.text).not.toContain('PREVIOUSUSER');
  });

  it('never embeds tool results, and counts tool activity', () => {
    const shaped = shapeInput(
      request([
        { role: 'user', content: 'Find the bug in main.ts' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function' }] },
        { role: 'tool', tool_call_id: 'c1', content: 'TOOLRESULT contents of main.ts' },
      ]),
    );
    expect(shaped.text).toBe('Find the bug in main.ts');
    expect(shaped.facts.toolMessages).toBe(1);
    expect(shaped.facts.toolCallsPresent).toBe(true);
  });

  it('holds its caps for a 100k-token conversation', () => {
    const conversation = longConversation(100_000);
    const shaped = shapeInput(conversation);
    expect(shaped.facts.totalChars).toBeGreaterThan(300_000);
    const cap = LIMITS.lastUserChars + LIMITS.previousUserChars + LIMITS.assistantChars + 10;
    expect(shaped.text.length).toBeLessThanOrEqual(cap);
    expect(shaped.text.startsWith('Now refactor the parser')).toBe(true);
    expect(shaped.text).not.toMatch(/SYSTEMPROMPT|TOOLRESULT/);
    expect(shaped.facts.userTurns).toBeGreaterThan(40);
    expect(shaped.facts.toolsDefined).toBe(1);
  });

  it('skips malformed content parts instead of throwing', () => {
    const parts = [null, 7, { type: 'text', text: 'Still read.' }, { type: 'text' }] as unknown as ChatMessage['content'];
    const shaped = shapeInput(request([{ role: 'user', content: parts }]));
    expect(shaped.text).toBe('Still read.');
  });

  it('reports response_format json and tolerates requests without a user turn', () => {
    const json = shapeInput(request([{ role: 'user', content: 'List three colours.' }], { response_format: { type: 'json_object' } }));
    expect(json.facts.responseFormatJson).toBe(true);
    const empty = shapeInput(request([{ role: 'system', content: 'Only a system prompt.' }]));
    expect(empty.text).toBe('');
    expect(empty.facts.userTurns).toBe(0);
  });
});

describe('shapedKey', () => {
  it('is equal for equal embedded text and differs otherwise', () => {
    const a = shapeInput(request([{ role: 'system', content: 'one' }, { role: 'user', content: 'Hello there' }]));
    const b = shapeInput(request([{ role: 'system', content: 'two' }, { role: 'user', content: 'Hello there' }]));
    const c = shapeInput(request([{ role: 'user', content: 'Hello there!' }]));
    expect(shapedKey(a)).toBe(shapedKey(b));
    expect(shapedKey(a)).not.toBe(shapedKey(c));
    expect(shapedKey(a)).toMatch(/^[\w-]{22}$/);
  });
});

describe('headTail', () => {
  it('keeps short text and cuts long text to head + ellipsis + tail', () => {
    expect(headTail('short', 3, 3)).toBe('short');
    expect(headTail('abcdefghijklmnop', 3, 2)).toBe('abc … op');
  });
});
