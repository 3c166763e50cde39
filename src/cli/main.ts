/** The `rsattae` command line: the commander program with every sub-command registered, and the entry bin/rsattae calls. */
import { Command, CommanderError } from 'commander';
import { InputError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { registerDataCommands } from './data-commands.js';
import { registerEmbedCommand } from './embed-command.js';
import { registerExperimentCommand } from './experiment-command.js';
import { registerExportCommands } from './export-commands.js';
import { registerModelCommands } from './model-commands.js';
import { registerReportCommand } from './report-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerUpdateCommand } from './update-command.js';

/** Builds the commander program; each sub-command module registers itself here. */
export function buildProgram(): Command {
  const program = new Command('rsattae')
    .description('RSAttAE recommender: attention autoencoders + XGBoost for rating prediction')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();
  registerDataCommands(program);
  registerEmbedCommand(program);
  registerModelCommands(program);
  registerUpdateCommand(program);
  registerExportCommands(program);
  registerServeCommand(program);
  registerReportCommand(program);
  registerExperimentCommand(program);
  return program;
}

/** Entry point for bin/rsattae: runs the CLI and sets the exit code (2 bad input/usage, 1 other failure). */
export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0 through this path too
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`rsattae: ${message}\n`);
    process.exitCode = err instanceof InputError ? 2 : 1;
  }
}
