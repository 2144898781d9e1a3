// The `triage` command: dispatches to one module per command (each exports `help` and `run`).

interface Command {
  help: string;
  run(args: string[]): Promise<number>;
}

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  serve: { summary: 'run the OpenAI-compatible gateway', load: () => import('./serve.ts') },
  route: { summary: 'print the routing decision for a prompt (calls no upstream)', load: () => import('./route.ts') },
  data: { summary: 'fetch, verify and normalise labelled data', load: () => import('./data.ts') },
  train: { summary: 'train a learned scorer and export it to ONNX', load: () => import('./train.ts') },
  eval: { summary: 'evaluate scorers (APGR, CPT, AUC) on held-out benchmarks', load: () => import('./eval.ts') },
  keys: { summary: 'create, list or revoke gateway keys (tags, spend limits, allowed models)', load: () => import('./keys.ts') },
  report: { summary: 'add up requests, tokens and cost from the decision log per tag or model', load: () => import('./report.ts') },
  models: { summary: 'list local models, or pull an embedding model folder from the hub', load: () => import('./models.ts') },
};

export const usage = `triage — an LLM router: strong model when the prompt needs it, weak model otherwise.

Usage: triage <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(8)} ${command.summary}`)
  .join('\n')}

Run "triage <command> --help" for a command's options.
`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage);
    return name ? 0 : 1;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`triage: unknown command "${name}"\n\n${usage}`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    process.stderr.write(`triage ${name}: ${(error as Error).message}\n`);
    return 1;
  }
}
