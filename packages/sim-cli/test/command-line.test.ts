/**
 * The command-line parser that replaced yargs (issue 18, start-up): how it reads values, what it
 * says about bad ones, and the completion protocol, through `checkArguments` and `main`.
 */
import { describe, expect, it } from 'vitest';
import { completeWords, type ProgramSpec, parseCommandLine } from '../src/command-line.ts';
import { checkArguments } from '../src/main.ts';
import { lbsim } from './in-process.ts';

/** A program of one command, `go <target>`, whose run is the values it was given. */
const program: ProgramSpec<unknown> = {
  name: 'prog',
  usage: '$0 <command>',
  globalOptions: { color: { type: 'boolean', describe: 'colour' } },
  commands: [
    {
      name: 'go',
      describe: 'go somewhere',
      positional: { name: 'target', required: true, describe: 'where' },
      options: {
        count: { type: 'number', describe: 'how many' },
        tag: { type: 'string', array: true, describe: 'tags (repeatable)' },
        mode: { type: 'string', choices: ['fast', 'slow'], default: 'fast', describe: 'how' },
        probes: { type: 'boolean', default: true, describe: 'probe' },
      },
      start: (values) => ({ run: values }),
    },
  ],
  version: 'prog 1.0',
  noCommand: 'name a command: go',
  completionDescribe: 'print a completion script',
};

const parse = (...argv: string[]) => parseCommandLine(program, argv, 100, false);

describe('reading values', () => {
  it('takes --name value, --name=value, --no-name, repeated options and a negative number', () => {
    expect(parse('go', 'x', '--count', '-3', '--tag', 'a', '--tag=b', '--no-probes', '--mode=slow')).toEqual({
      kind: 'run',
      run: {
        positional: 'x',
        positionals: ['x'],
        options: { color: undefined, count: -3, tag: ['a', 'b'], mode: 'slow', probes: false },
      },
    });
  });

  it('takes every word for a variadic positional, and a one-letter alias for its option', () => {
    const many: ProgramSpec<unknown> = {
      ...program,
      commands: [
        {
          name: 'take',
          describe: 'take files',
          positional: { name: 'files', required: true, variadic: true, describe: 'the files' },
          options: { out: { type: 'string', short: 'o', describe: 'where to write' } },
          start: (values) => ({ run: values }),
        },
      ],
    };
    expect(parseCommandLine(many, ['take', 'a.json', 'b.json', '-o', 'x.yaml'], 100, false)).toMatchObject({
      kind: 'run',
      run: { positionals: ['a.json', 'b.json'], options: { out: 'x.yaml' } },
    });
    expect(parseCommandLine(many, ['take', '--help'], 100, false)).toMatchObject({ kind: 'print' });
    const help = parseCommandLine(many, ['take', '--help'], 100, false) as { text: string };
    expect(help.text).toContain('prog take <files..>');
    expect(help.text).toContain('-o, --out');
  });

  it('gives the defaults, and an empty value to an option with none after it', () => {
    const parsed = parse('--color', 'go', 'x', '--count');
    expect(parsed).toMatchObject({
      kind: 'run',
      run: { options: { color: true, mode: 'fast', probes: true, tag: [] } },
    });
    expect(Number.isNaN((parsed as { run: { options: { count: number } } }).run.options.count)).toBe(true);
  });
});

describe('bad command lines', () => {
  it("says what is wrong in yargs' words", () => {
    expect(parse('go', 'x', '--bogus')).toEqual({ kind: 'failure', failure: 'Unknown argument: bogus' });
    expect(parse('go', 'x', 'y')).toEqual({ kind: 'failure', failure: 'Unknown argument: y' });
    expect(parse('go')).toEqual({ kind: 'failure', failure: 'Missing required argument: target' });
    expect(parse('go', 'x', '--mode', 'medium')).toEqual({
      kind: 'failure',
      failure: 'Invalid values: Argument: mode, Given: "medium", Choices: "fast", "slow"',
    });
    expect(parse()).toEqual({ kind: 'failure', failure: 'name a command: go' });
    expect(parse('og')).toEqual({ kind: 'failure', failure: 'Unknown command: og; the commands are go or completion' });
  });

  it('quotes what it was given without control characters', () => {
    expect(parse('go', 'x', 'a\u001b[2Jb')).toEqual({ kind: 'failure', failure: 'Unknown argument: a\\u001b[2Jb' });
  });

  it('lbsim: exit 2 and the problem in one line', async () => {
    expect(await checkArguments(['run', 'x.yaml', '--pcap-format', 'pcapx'])).toMatch(/^Invalid values: /);
    const { code, stdout, stderr } = await lbsim('rn', 'x');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toBe(
      'lbsim: Unknown command: rn; the commands are run, explain, flow, import, validate, list, test, schema, sweep, worker, challenge, workshop, exercise, check or completion',
    );
  });
});

describe('help and completion', () => {
  it('prints help for -h anywhere, and the version', () => {
    expect(parse('go', '-h')).toMatchObject({ kind: 'print', text: expect.stringMatching(/^prog go <target>\n/) });
    expect(parse('--version')).toEqual({ kind: 'print', text: 'prog 1.0\n' });
  });

  it('completes commands first, then the options of the command named', () => {
    expect(completeWords(program, ['prog', '']).split('\n')).toEqual(['go', 'completion']);
    expect(completeWords(program, ['prog', 'go', '--']).split('\n')).toEqual([
      '--color',
      '--help',
      '--version',
      '--count',
      '--tag',
      '--mode',
      '--probes',
    ]);
    expect(completeWords(program, ['prog', 'go', 'some-fi'])).toBe('');
  });
});
