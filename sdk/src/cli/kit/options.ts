// Flags that are not settings (--limit, --status, --integrity ...): every value is checked as it is parsed, so a
// bad one is a usage error naming the flag (exit 2), never a failure deep inside the command.
import { InvalidArgumentError, Option } from 'commander';
import { parseValue, type Value } from './values.ts';

/** An option whose value is parsed with `value`; the command receives the parsed value. */
export function valueOption<T>(flags: string, description: string, value: Value<T>): Option {
  return new Option(flags, description).argParser((raw: string) => {
    const parsed = parseValue(value, raw);
    if (!parsed.ok) throw new InvalidArgumentError(`${parsed.problem}; expected ${value.expects}`);
    return parsed.value;
  });
}
