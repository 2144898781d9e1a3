// The request rules the fake Anthropic upstream enforces, as the real API does (its 400s): roles
// alternate starting with user; each tool_result answers a tool_use of the turn before; thinking
// blocks carry a signature Anthropic issued (not one the gateway made up for another family); and
// with thinking enabled, a final assistant turn that uses tools starts with a thinking block.
// Returns the first violation, or null.

interface Block {
  type?: unknown;
  id?: unknown;
  tool_use_id?: unknown;
  signature?: unknown;
}

export function anthropicRuleViolation(body: { messages?: unknown; thinking?: unknown }): string | null {
  const messages = Array.isArray(body.messages) ? (body.messages as Array<{ role?: unknown; content?: unknown }>) : [];
  const thinkingOn = typeof body.thinking === 'object' && body.thinking !== null && (body.thinking as { type?: unknown }).type === 'enabled';
  let previousToolUses = new Set<unknown>();
  let lastAssistant: Block[] | null = null;
  for (const [index, message] of messages.entries()) {
    const expected = index % 2 === 0 ? 'user' : 'assistant';
    if (message.role !== expected) return `messages.${index}: roles must alternate starting with user (found ${String(message.role)})`;
    const blocks: Block[] = Array.isArray(message.content) ? (message.content as Block[]) : [];
    const toolUses = new Set<unknown>();
    for (const [at, block] of blocks.entries()) {
      if (block.type === 'thinking' && (typeof block.signature !== 'string' || block.signature === '' || block.signature.startsWith('triage-unsigned:'))) {
        return `messages.${index}.content.${at}: Invalid \`signature\` in \`thinking\` block`;
      }
      if (block.type === 'tool_result' && !previousToolUses.has(block.tool_use_id)) return `messages.${index}.content.${at}: unexpected \`tool_use_id\` ${String(block.tool_use_id)}`;
      if (block.type === 'tool_use') toolUses.add(block.id);
    }
    previousToolUses = toolUses;
    if (message.role === 'assistant') lastAssistant = blocks;
  }
  if (thinkingOn && lastAssistant && lastAssistant.some((b) => b.type === 'tool_use')) {
    const first = lastAssistant[0]?.type;
    if (first !== 'thinking' && first !== 'redacted_thinking') {
      return 'Expected `thinking` or `redacted_thinking`, but found `' + String(first) + '`. When `thinking` is enabled, a final `assistant` message must start with a thinking block.';
    }
  }
  return null;
}
