/**
 * Command-line options generated from zod fields. The field's schema gives an option its description, the default
 * `--help` shows and the check of its value, so a setting is described, defaulted and validated in one place (its
 * schema) and the CLI only names its flag. Commander still parses; a value the schema refuses is commander's usage
 * error (exit 2) naming the flag and what it accepts. No default is filled in here: an option left out stays unset,
 * for the configuration's own resolution (presets, large-data defaults) to fill.
 */
import { type Command, Help, InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';

/** One option of {@link addSchemaOptions}. */
export interface SchemaOption {
  /** Commander flags: `--n-estimators <n>`, or `--no-parallel` for a boolean field that the flag sets to false. */
  readonly flags: string;
  /** Where the value goes in the object {@link givenValues} builds, e.g. `['xgboost', 'nEstimators']`. */
  readonly path: readonly string[];
  /** The field: its description, the values it accepts and (unless `shownDefault` says otherwise) its default. */
  readonly schema: z.ZodType;
  /** The default as `--help` shows it, worked out only when help is shown; without it, the schema's own default. */
  readonly shownDefault?: () => string;
}

/** The schema inside default / optional wrappers: the type whose values an option parses. */
function unwrapped(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  return s;
}

/** The outermost description on the way from `schema` to its unwrapped type (a pipeline's field may word it anew). */
function descriptionOf(schema: z.ZodType): string {
  let s = schema;
  for (;;) {
    if (s.description !== undefined) return s.description;
    if (!(s instanceof z.ZodDefault || s instanceof z.ZodOptional)) throw new Error('a schema option needs a described field');
    s = s.unwrap() as z.ZodType;
  }
}

/** A value as help shows it: lists comma-separated (empty: none), booleans on/off, unset for undefined. */
export function shownValue(v: unknown): string {
  if (v === undefined) return 'unset';
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.join(',');
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  return String(v);
}

/** The schema's own default, as help shows it. */
function schemaDefault(schema: z.ZodType): string {
  const r = schema.safeParse(undefined);
  return r.success ? shownValue(r.data) : 'unset';
}

type Bounds = { minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number };

/** The range of a number schema in words: `from 1 to 50`, `>= 0`, `> 0 and < 1`. */
function rangeText(j: Bounds): string {
  const lo = j.exclusiveMinimum !== undefined ? `> ${j.exclusiveMinimum}` : j.minimum !== undefined && j.minimum > Number.MIN_SAFE_INTEGER ? `>= ${j.minimum}` : undefined;
  const hi = j.exclusiveMaximum !== undefined ? `< ${j.exclusiveMaximum}` : j.maximum !== undefined && j.maximum < Number.MAX_SAFE_INTEGER ? `<= ${j.maximum}` : undefined;
  if (j.minimum !== undefined && j.maximum !== undefined && lo?.startsWith('>=') && hi?.startsWith('<=')) return ` from ${j.minimum} to ${j.maximum}`;
  return [lo, hi].filter((x) => x !== undefined).map((x) => ` ${x}`).join(' and');
}

/** What a field accepts, in words, for usage errors: `a whole number from 0 to 2147483647`, `one of a, b`. */
function acceptedText(schema: z.ZodType): string {
  const base = unwrapped(schema);
  if (base instanceof z.ZodEnum) return `one of ${base.options.join(', ')}`;
  if (base instanceof z.ZodArray) {
    const element = base.element as z.ZodType;
    const items = unwrapped(element) instanceof z.ZodEnum ? ` of ${acceptedText(element).replace(/^one of /, '')}` : `, each ${acceptedText(element)}`;
    return `a comma-separated list${items}${schema.safeParse([]).success ? ', or none' : ''}`;
  }
  if (base instanceof z.ZodNumber) {
    const j = z.toJSONSchema(base, { unrepresentable: 'any' }) as Bounds & { type?: string };
    return `${j.type === 'integer' ? 'a whole number' : 'a number'}${rangeText(j)}`;
  }
  return 'a valid value';
}

const INTEGER = /^[+-]?\d+$/;

/** The text of a number field as a number (NaN when it is none; the schema refuses it then). */
function numberFrom(base: z.ZodNumber, value: string): number {
  // whole numbers as digits only (no 1e3, no 2.0), as the CLI has always read them
  if ((z.toJSONSchema(base, { unrepresentable: 'any' }) as { type?: string }).type === 'integer') return INTEGER.test(value) ? Number(value) : Number.NaN;
  return value.trim() === '' ? Number.NaN : Number(value);
}

/** The commander parser of a field: the text turned into the field's type, then checked by the field's schema. */
function parserOf(schema: z.ZodType): (value: string) => unknown {
  const base = unwrapped(schema);
  const refuse = (detail?: string): never => {
    throw new InvalidArgumentError(`expected ${acceptedText(schema)}${detail ? ` (${detail})` : ''}.`);
  };
  const check = (v: unknown): unknown => {
    const r = schema.safeParse(v);
    if (r.success) return r.data;
    // a rule the range does not say (e.g. "name each algorithm once") is added to it
    const custom = r.error.issues.find((i) => i.code === 'custom');
    return refuse(custom?.message);
  };
  if (base instanceof z.ZodNumber) return (value) => check(numberFrom(base, value));
  if (base instanceof z.ZodArray) {
    const element = unwrapped(base.element as z.ZodType);
    const item = (x: string): unknown => (element instanceof z.ZodNumber ? numberFrom(element, x) : x);
    return (value) => check(value.trim() === 'none' ? [] : value.split(',').map((x) => item(x.trim())));
  }
  return (value) => check(value);
}

/** The lazily worded descriptions of the options added here, read by the help of their command. */
const helpTexts = new WeakMap<Option, () => string>();
const helpedCommands = new WeakSet<Command>();

/** Makes `cmd`'s help word the options added here when it is shown, and every other option as commander does. */
function useSchemaHelp(cmd: Command): void {
  if (helpedCommands.has(cmd)) return;
  helpedCommands.add(cmd);
  const plain = new Help();
  cmd.configureHelp({
    ...cmd.configureHelp(),
    optionDescription: (option: Option) => helpTexts.get(option)?.() ?? plain.optionDescription(option),
  });
}

/** Adds `options` to `cmd`, each parsed, checked and described by its schema (see the module comment). */
export function addSchemaOptions(cmd: Command, options: readonly SchemaOption[]): Command {
  useSchemaHelp(cmd);
  for (const o of options) {
    const option = new Option(o.flags, descriptionOf(o.schema));
    // a negated flag (--no-x) takes no value: it sets the field to false
    if (!option.negate) option.argParser(parserOf(o.schema));
    const negated = option.negate ? 'turn off: ' : '';
    helpTexts.set(option, () => `${negated}${option.description} (default: ${o.shownDefault?.() ?? schemaDefault(o.schema)})`);
    cmd.addOption(option);
  }
  return cmd;
}

/** Whether `option` was given on `cmd`'s command line (not a default commander puts on a `--no-x` flag). */
export function isGiven(cmd: Command, option: SchemaOption): boolean {
  return cmd.getOptionValueSource(new Option(option.flags).attributeName()) === 'cli';
}

/** The values of `options` given on `cmd`'s command line, nested by their paths: an input for their schema. */
export function givenValues(cmd: Command, options: readonly SchemaOption[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of options) {
    if (!isGiven(cmd, o)) continue;
    const key = new Option(o.flags).attributeName();
    let at = out;
    for (const k of o.path.slice(0, -1)) {
      at[k] ??= {};
      at = at[k] as Record<string, unknown>;
    }
    at[o.path[o.path.length - 1]] = cmd.getOptionValue(key);
  }
  return out;
}
