/**
 * Entry of the `lectern` command line: dispatches `lectern <command> [args]` to
 * one module per command under src/cli/. Each command module exports
 * `run(args: string[]): Promise<number>` returning the process exit code.
 */

export interface Command {
  summary: string;
  load: () => Promise<{ run: (args: string[]) => Promise<number> }>;
}

export const commands: Record<string, Command> = {
  run: { summary: 'execute every cell of a lesson in Node and print outputs', load: () => import('./run.ts') },
  cells: { summary: 'print the cells of a lesson or .ts file with their declarations and references', load: () => import('./cells.ts') },
  summary: { summary: 'print the Keras-style summary of MobileNetV2', load: () => import('./summary.ts') },
  bench: { summary: 'measure training and inference throughput per backend', load: () => import('./bench.ts') },
  evaluate: { summary: 'evaluate the shipped pretrained model', load: () => import('./evaluate.ts') },
  pretrain: { summary: 'pretrain MobileNetV2 on the source task', load: () => import('./pretrain.ts') },
  finetune: { summary: 'fine-tune headlessly and print logs and a diagnosis', load: () => import('./finetune.ts') },
  slides: { summary: 'write a starter Marp deck from a lesson', load: () => import('./slides.ts') },
};

export function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return ['Usage: lectern <command> [options]', '', 'Commands:', ...lines, '', 'Run `lectern <command> --help` for a command\'s options.'].join('\n');
}

/**
 * Joins `--name -1` into `--name=-1` for every command: Node's parseArgs takes a value that starts
 * with a dash for an option ("argument is ambiguous"), while a negative number after an option is
 * always that option's value (`--trainable-last -1`, `--set lr=-1` needs no help). Each command
 * then checks the value's range with its own message.
 */
export function joinNegativeValues(args: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const next = args[i + 1];
    if (/^--[^=]+$/.test(arg) && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

const NEGATIVE_NUMBER = /^-(\d|\.\d|Infinity$)/;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const args = joinNegativeValues(rest);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`lectern: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return command.load().then((m) => m.run(args));
}
