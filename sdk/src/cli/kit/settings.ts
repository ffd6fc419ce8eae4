// Settings declared once — environment variable, flag, kind of value, default, description — in the style of
// fastify's build-validation.js. From one table come: the zod schema the values are parsed with, the loader
// (flag, else environment, else default), the commander options and "Environment:" help of a command, and
// the markdown table of a README. Adding a setting is adding one entry.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { z } from 'zod';
import { CommandLineErrors, type SettingProblem } from './errors.ts';
import { parseValue, type Value } from './values.ts';

export interface Setting<T = unknown> {
  /** The environment variable, e.g. ACTIONHOST_PORT. */
  env: string;
  /** The flag with its value's placeholder, e.g. "--port <port>", or "--no-seed" for a default-on switch. Secrets
   *  have none: a command line is visible to every user of the machine (ps). */
  flag?: string;
  value: Value<T>;
  /** The default as a user would type it; parsed like any other value. None: the setting is optional. */
  default?: string;
  description: string;
  /** Never echoed back in errors. */
  secret?: boolean;
}

export type Settings = Record<string, Setting>;

type ValueOf<S> = S extends Setting<infer T> ? T : never;
type Flatten<T> = { [K in keyof T]: T[K] } & {};
/** What a table of settings parses to: a value for each setting with a default, optional for the others. */
export type SettingValues<S extends Settings> = Flatten<
  { [K in keyof S as S[K] extends { default: string } ? K : never]: ValueOf<S[K]> } & {
    [K in keyof S as S[K] extends { default: string } ? never : K]?: ValueOf<S[K]>;
  }
>;
/** What the schema reads: the text of each setting that was given (flag or environment). */
export type SettingTexts<S extends Settings> = { [K in keyof S]?: string };

export interface SettingsTable<S extends Settings> {
  readonly settings: S;
  /** The one schema: text in, typed values out, defaults included (`schema.parse({})` is the default setup). */
  readonly schema: z.ZodType<SettingValues<S>, SettingTexts<S>>;
  /** Flags win over the environment, the environment over the default; an empty variable counts as unset. */
  load(sources: { flags?: SettingTexts<S>; env?: NodeJS.ProcessEnv }): SettingValues<S>;
  /** Commander options for those of `keys` that have a flag; each checks its value as it is parsed. */
  options(keys: readonly (keyof S & string)[]): Option[];
  /** The setting flags given on `command`'s command line (or its parents'), as text. */
  given(command: Command): SettingTexts<S>;
  /** Help lines for those of `keys` that are set only through the environment. */
  environmentHelp(keys: readonly (keyof S & string)[]): string;
  /** The README table: setting, flag, env, default, description. */
  markdown(): string;
}

function describe(setting: Setting): string {
  return `${setting.description} (${setting.value.expects})`;
}

/** The default as shown to people: an empty default (an empty list) reads "none". */
function shownDefault(setting: Setting): string | undefined {
  return setting.default === '' ? 'none' : setting.default;
}

/** `text` broken into lines of at most `width` characters, each after `indent`. */
function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

function fixFor(setting: Setting, source: string): string {
  if (source.startsWith('-')) return `give ${source} ${setting.value.expects}`;
  const unset =
    setting.default === undefined ? 'or unset it' : `or unset it to use the default ${shownDefault(setting)}`;
  return `set ${setting.env} to ${setting.value.expects}, ${unset}`;
}

function flagOption(setting: Setting): Option | null {
  if (!setting.flag) return null;
  // A default-on switch is turned off by its flag: "--no-seed  do not <description> (env ACTIONHOST_SEED=false)".
  const negated = setting.flag.startsWith('--no-');
  const fallback = setting.default === undefined ? '' : `; default ${shownDefault(setting)}`;
  const option = new Option(
    setting.flag,
    negated
      ? `do not ${setting.description} (env ${setting.env}=false)`
      : `${setting.description} (${setting.value.expects}; env ${setting.env}${fallback})`,
  );
  if (!negated) {
    option.argParser((raw: string) => {
      const parsed = parseValue(setting.value, raw);
      if (!parsed.ok) throw new InvalidArgumentError(`${parsed.problem}; expected ${setting.value.expects}`);
      return raw;
    });
  }
  return option;
}

/** Text for a markdown table cell: a pipe would end the cell, <name> would read as an HTML tag. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function defineSettings<const S extends Settings>(settings: S): SettingsTable<S> {
  const entries = Object.entries(settings);
  const shape = Object.fromEntries(
    entries.map(([key, setting]) => {
      const schema = setting.value.schema.describe(setting.description);
      return [key, setting.default === undefined ? schema.optional() : schema.prefault(setting.default)];
    }),
  );
  const schema = z.object(shape) as unknown as z.ZodType<SettingValues<S>, SettingTexts<S>>;
  const attribute = (setting: Setting) => (setting.flag ? new Option(setting.flag).attributeName() : null);

  return {
    settings,
    schema,
    load({ flags = {}, env = {} }) {
      const texts: Record<string, string> = {};
      const sources: Record<string, string> = {};
      for (const [key, setting] of entries) {
        const fromFlag = (flags as Record<string, string | undefined>)[key];
        const fromEnv = env[setting.env];
        if (fromFlag !== undefined) {
          texts[key] = fromFlag;
          sources[key] = setting.flag?.split(' ')[0] ?? key;
        } else if (fromEnv !== undefined && fromEnv.trim() !== '') {
          texts[key] = fromEnv;
          sources[key] = setting.env;
        }
      }
      const parsed = schema.safeParse(texts);
      if (parsed.success) return parsed.data;
      const problems: SettingProblem[] = parsed.error.issues.map((issue) => {
        const key = String(issue.path[0]);
        const setting = settings[key];
        const source = sources[key] ?? 'default';
        const shown = setting.secret || texts[key] === undefined ? '' : `"${texts[key]}" is `;
        return { setting: key, source, problem: `${shown}${issue.message}`, fix: fixFor(setting, source) };
      });
      throw CommandLineErrors.configInvalid(problems);
    },
    options(keys) {
      return keys.map((key) => flagOption(settings[key])).filter((option): option is Option => option !== null);
    },
    given(command) {
      const given: Record<string, string> = {};
      for (const [key, setting] of entries) {
        const name = attribute(setting);
        if (name === null || command.getOptionValueSourceWithGlobals(name) !== 'cli') continue;
        given[key] = String(command.optsWithGlobals()[name]);
      }
      return given;
    },
    environmentHelp(keys) {
      const only = keys.map((key) => settings[key]).filter((setting) => !setting.flag);
      if (only.length === 0) return '';
      return ['Environment only (secrets stay off the command line):']
        .concat(only.flatMap((setting) => [`  ${setting.env}`, ...wrap(describe(setting), 80, '      ')]))
        .join('\n');
    },
    markdown() {
      return [
        '| setting | flag | env | default | description |',
        '|---|---|---|---|---|',
        ...entries.map(([key, setting]) =>
          [
            `\`${key}\``,
            setting.flag ? `\`${setting.flag}\`` : '—',
            `\`${setting.env}\``,
            setting.default === undefined ? '—' : setting.default === '' ? 'none' : `\`${setting.default}\``,
            cell(describe(setting)),
          ]
            .join(' | ')
            .replace(/^/, '| ')
            .concat(' |'),
        ),
      ].join('\n');
    },
  };
}
