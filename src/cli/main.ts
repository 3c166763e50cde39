import { Command, CommanderError } from 'commander';
import { InputError } from '../errors.js';
import { VERSION } from '../version.js';
import { registerDataCommands } from './data.js';
import { registerEmbedCommand } from './embed.js';
import { registerExperimentCommand } from './experiment.js';
import { registerExportCommands } from './export.js';
import { registerModelCommands } from './model.js';
import { registerReportCommand } from './report.js';
import { registerServeCommand } from './serve.js';
import { registerUpdateCommand } from './update.js';

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
