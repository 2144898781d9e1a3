// One spelling per model across the public sources. Chatbot Arena writes model names its own way
// ("mixtral-8x7b-instruct-v0.1"); RouteLLM and arena-bench write the hub ids the project uses as
// canonical ("mistralai/Mixtral-8x7B-Instruct-v0.1"). Converters store canonical names, and a
// model named on the command line is resolved through the same map, so either spelling finds it.

/** Arena (or other) spelling, lower-cased -> the canonical name used in the labelled files. */
export const MODEL_NAME_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  'mixtral-8x7b-instruct-v0.1': 'mistralai/Mixtral-8x7B-Instruct-v0.1',
  'mistral-7b-instruct': 'mistralai/Mistral-7B-Instruct-v0.1',
  'mistral-7b-instruct-v0.1': 'mistralai/Mistral-7B-Instruct-v0.1',
  'llama-2-70b-chat': 'Llama-2-70b-chat',
  'meta-llama/llama-2-70b-chat-hf': 'Llama-2-70b-chat',
  'gpt-4-turbo-2023-11-06': 'gpt-4-1106-preview',
});

/** The canonical spelling of a model name (unknown names are returned as given). */
export function canonicalModelName(name: string): string {
  return MODEL_NAME_ALIASES[name.trim().toLowerCase()] ?? name;
}

/**
 * The name under which `wanted` appears among `available` (exact, else by canonical spelling),
 * or `wanted` itself when no spelling of it is there.
 */
export function findModelName(wanted: string, available: Iterable<string>): string {
  const names = [...available];
  if (names.includes(wanted)) return wanted;
  const canonical = canonicalModelName(wanted);
  return names.find((n) => canonicalModelName(n) === canonical) ?? wanted;
}
