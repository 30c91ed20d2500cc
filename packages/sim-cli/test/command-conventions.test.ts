/**
 * What a user expects of any command (issue 18): `--version`, shell completion, catalogue ids
 * wherever a scenario is named, and the bundled catalogue found from any directory.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCatalogueDirectory } from '../src/catalogue/default-catalogue.ts';
import { colourAllowed } from '../src/io.ts';
import { lbsim, lbsimWith } from './in-process.ts';

const root = join(import.meta.dirname, '../../..');

describe('lbsim --version', () => {
  it("prints the lbsim package's version", async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'packages/lbsim/package.json'), 'utf8')) as {
      version: string;
    };
    const { code, stdout } = await lbsim('--version');
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(
      new RegExp(`^lbsim ${version.replaceAll('.', '\\.')}( \\(commit [0-9a-f]+(\\+dirty)?\\))?$`),
    );
  });
});

describe('lbsim completion', () => {
  it('prints a bash completion script that asks lbsim for the words', async () => {
    const { code, stdout } = await lbsim('completion');
    expect(code).toBe(0);
    expect(stdout).toContain('complete -o bashdefault -o default -F _lbsim_yargs_completions lbsim');
    expect(stdout).toContain('--get-yargs-completions');
  });

  it('answers the script with the commands, and with the options of a command', async () => {
    const commands = await lbsim('--get-yargs-completions', 'lbsim', '');
    expect(commands.stdout.split('\n')).toEqual(expect.arrayContaining(['run', 'explain', 'validate', 'list']));
    const options = await lbsim('--get-yargs-completions', 'lbsim', 'run', '--');
    expect(options.stdout.split('\n')).toEqual(expect.arrayContaining(['--seed', '--trace', '--pcap', '--report']));
  });
});

describe('catalogue ids and the bundled catalogue', () => {
  it('finds the repository catalogue from the sources', () => {
    expect(defaultCatalogueDirectory()).toBe(join(root, 'scenarios'));
  });

  it('runs a catalogue entry by id', async () => {
    const { code, stdout } = await lbsim('run', 'nsg-blocks-probe/fixed');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^nsg-blocks-probe-fixed: seed \d+/);
  });

  it('names the nearest id when an id is unknown, with exit 2', async () => {
    const { code, stderr } = await lbsim('run', 'nsg-blocks-prob');
    expect(code).toBe(2);
    expect(stderr).toContain('no scenario file or catalogue id "nsg-blocks-prob"');
  });

  it('reports a missing YAML file as a missing file, not as an unknown id', async () => {
    const { code, stderr } = await lbsim('run', 'no-such-file.yaml');
    expect(code).toBe(2);
    expect(stderr).toContain('no-such-file.yaml');
    expect(stderr).not.toContain('catalogue id');
  });
});

describe('colour', () => {
  const colourLbsim = (colour: boolean | undefined, ...argv: string[]) =>
    lbsimWith(argv, colour === undefined ? {} : { colour });
  const csi = '\u001b[';

  it('colours the summary only where the environment allows it', async () => {
    const allowed = await colourLbsim(true, 'run', 'nsg-blocks-probe');
    expect(allowed.stdout).toContain(`${csi}31mtimed-out${csi}39m`);
    expect(allowed.stdout).toContain(`${csi}32mcompleted${csi}39m`);
    const piped = await colourLbsim(undefined, 'run', 'nsg-blocks-probe');
    expect(piped.stdout).not.toContain(csi);
    // The text is the same but for the escape sequences.
    expect(allowed.stdout.replaceAll(`${csi}31m`, '').replaceAll(`${csi}32m`, '').replaceAll(`${csi}39m`, '')).toBe(
      piped.stdout,
    );
  });

  it('--no-color turns it off and --color on, whatever the environment', async () => {
    expect((await colourLbsim(true, 'run', 'nsg-blocks-probe', '--no-color')).stdout).not.toContain(csi);
    expect((await colourLbsim(false, 'run', 'nsg-blocks-probe', '--color')).stdout).toContain(csi);
  });

  it('NO_COLOR, TERM=dumb and a pipe each forbid colour (no-color.org)', () => {
    expect(colourAllowed(true, {})).toBe(true);
    expect(colourAllowed(true, { NO_COLOR: '1' })).toBe(false);
    expect(colourAllowed(true, { NO_COLOR: '' })).toBe(true);
    expect(colourAllowed(true, { TERM: 'dumb' })).toBe(false);
    expect(colourAllowed(false, {})).toBe(false);
  });
});
