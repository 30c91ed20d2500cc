/**
 * docs/workshop.md stays usable: every `lbsim …` command in it (in shell blocks and inline)
 * parses as the CLI parses it, names scenario files and catalogue ids that exist, connection
 * ids the scenario starts and vantage points it has; every capture a `tshark -r` reads is one
 * a `--pcap` command in the guide writes; and every catalogue failure mode has its module.
 * (That `lbsim explain` of each broken variant names its failure mode is test/catalogue.test.ts.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeTopology, loadScenarioFile, type Scenario } from '@lbsim/scenario';
import { checkArguments } from '@lbsim/sim-cli';
import { afterAll, describe, expect, it } from 'vitest';
import { workshopKey } from '../packages/sim-cli/src/workshop/workshop-documents.ts';
import { failureModeFolders, repositoryRoot } from './support.ts';
import { checkParagraph, moduleParagraphs, type Paragraph, removeOutputFiles } from './workshop-claims.ts';

const guide = readFileSync(join(repositoryRoot, 'docs/workshop.md'), 'utf8');
const scenariosDirectory = join(repositoryRoot, 'scenarios');

/** Shell words of a command line: spaces split, single quotes group (as the guide writes them). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');
}

/**
 * Every lbsim command of the guide, without placeholders (`<file>`, `<id>`, `…`): each line of
 * a shell block, and each inline one with an argument (a bare `lbsim explain` in prose names the
 * command, it is not one to run).
 */
function lbsimCommands(): string[] {
  const blocks = [...guide.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((match) => (match[1] ?? '').split('\n'));
  const inline = [...guide.matchAll(/`(lbsim [^`]+)`/g)]
    .map((match) => match[1] ?? '')
    .filter((command) => shellWords(command).length > 2);
  const commands = [...blocks, ...inline].map((line) => line.trim()).filter((line) => line.startsWith('lbsim '));
  return [...new Set(commands)].filter((command) => !/[<…]/.test(command));
}

/** Every `tshark -r <file>` the guide runs. */
function tsharkCaptures(): string[] {
  return [...guide.matchAll(/tshark -r (\S+)/g)].map((match) => match[1] ?? '');
}

function loadScenario(path: string): Scenario {
  const loaded = loadScenarioFile(path);
  if (!loaded.ok) throw new Error(`${path}: ${loaded.errors.map((e) => e.message).join('; ')}`);
  return loaded.scenario;
}

/** The file an `lbsim run`/`explain` argument means: a path from the repository root, or a catalogue id. */
function scenarioFileOf(command: string, argument: string): string {
  if (command === 'run') return join(repositoryRoot, argument);
  const [id, variant = 'broken'] = argument.split('/');
  const inFolder = join(scenariosDirectory, id ?? '', `${variant}.yaml`);
  return existsSync(inFolder) ? inFolder : join(scenariosDirectory, `${argument}.yaml`);
}

/** Values of a repeatable option. */
function optionValues(words: readonly string[], option: string): string[] {
  return words.flatMap((word, i) => (word === option && words[i + 1] !== undefined ? [words[i + 1] as string] : []));
}

describe('docs/workshop.md', () => {
  const commands = lbsimCommands();

  it('has commands to check', () => {
    expect(commands.length).toBeGreaterThan(80);
  });

  for (const command of commands) {
    it(command, async () => {
      const words = shellWords(command).slice(1);
      expect(await checkArguments(words)).toBeUndefined();
      const [verb, argument] = words;
      if ((verb !== 'run' && verb !== 'explain') || argument === undefined) return;
      const file = scenarioFileOf(verb, argument);
      expect(existsSync(file), `${argument} names no scenario`).toBe(true);
      const scenario = loadScenario(file);
      const connections = scenario.traffic.reduce((sum, item) => sum + item.connections, 0);
      for (const id of optionValues(words, '--connection')) expect(Number(id)).toBeLessThanOrEqual(connections);
      const topology = describeTopology(scenario);
      const nodes = new Set([
        topology.router,
        ...topology.clients.map((client) => client.name),
        ...topology.muxes.map((mux) => mux.name),
        ...topology.hosts.flatMap((host) => [host.name, ...host.vms.map((vm) => vm.name)]),
      ]);
      for (const node of optionValues(words, '--at')) expect(nodes, `--at ${node}`).toContain(node);
    });
  }

  it('reads only captures that a --pcap command of the guide writes, of nodes that scenario has', () => {
    const writes = new Map(
      commands.flatMap((command) => {
        const words = shellWords(command);
        const directory = optionValues(words, '--pcap')[0];
        return directory === undefined ? [] : [[directory, words[2] as string] as const];
      }),
    );
    const captures = tsharkCaptures();
    expect(captures.length).toBeGreaterThan(15);
    for (const capture of captures) {
      const match = /^(out\/[^/]+)\/([^/]+)\.pcapng$/.exec(capture);
      expect(match, capture).not.toBeNull();
      const file = writes.get(match?.[1] ?? '');
      expect(file, `no --pcap ${match?.[1]} in the guide`).toBeDefined();
      const topology = describeTopology(loadScenario(join(repositoryRoot, file ?? '')));
      const nodes = [
        ...topology.clients.map((client) => client.name),
        ...topology.muxes.map((mux) => mux.name),
        ...topology.hosts.flatMap((host) => [host.name, ...host.vms.map((vm) => vm.name)]),
      ];
      expect(nodes, capture).toContain(match?.[2]);
    }
  });

  it('has a module, with its broken and fixed runs, for every failure mode of the catalogue', () => {
    for (const id of failureModeFolders()) {
      expect(guide, id).toMatch(new RegExp(`^### [A-E]\\d\\. \`${id}\`: .*\\(\\d+ min\\)$`, 'm'));
      expect(commands, id).toContain(`lbsim explain ${id}`);
      expect(
        commands.some((command) => command.startsWith(`lbsim run scenarios/${id}/fixed`)),
        id,
      ).toBe(true);
    }
  });
});

/**
 * Every figure, connection id, node name and quoted text in the guide's modules agrees with the
 * output of the commands beside it (test/workshop-claims.ts says what counts as a claim and
 * which commands are beside it). What is checked is the instructor key `lbsim workshop --key`
 * writes, cut from the guide: its paragraphs are the guide's, each **Answers.** included.
 * Expectations come from the runs at test time, not from a snapshot, so a change to what lbsim
 * prints shows up here as the workshop lines to rewrite.
 */
describe('docs/workshop.md says what its commands print', () => {
  const key = workshopKey(guide);
  const paragraphs = moduleParagraphs(key);
  // The key's note above the guide's text shifts every line by the same amount.
  const shift = key.split('\n').length - guide.split('\n').length;
  const modules = [...new Set(paragraphs.map((paragraph) => paragraph.module))];
  afterAll(removeOutputFiles);

  it('has modules to check, and the key has every paragraph of the guide', () => {
    expect(modules.length).toBeGreaterThan(20);
    expect(process.cwd()).toBe(repositoryRoot);
    expect(paragraphs.map((paragraph) => paragraph.text)).toEqual(
      moduleParagraphs(guide).map((paragraph) => paragraph.text),
    );
  });

  it('answers every Predict right after it, with figures', () => {
    const predicts = paragraphs.filter((paragraph) => paragraph.text.startsWith('**Predict.**'));
    expect(predicts.length).toBeGreaterThan(20);
    for (const predict of predicts) {
      const next = paragraphs[paragraphs.indexOf(predict) + 1];
      expect(next?.module, predict.module).toBe(predict.module);
      expect(next?.text, predict.module).toMatch(/^\*\*Answers\.\*\*/);
      expect(next?.text, predict.module).toMatch(/\d/);
    }
  });

  it('fails a key cut from a copy of the guide with a wrong figure in an answer', async () => {
    const answer = paragraphs.find(
      (paragraph) => paragraph.text.startsWith('**Answers.**') && paragraph.text.includes(' (26.7%)'),
    );
    expect(answer, 'an Answers paragraph with 26.7%').toBeDefined();
    const wrongGuide = guide.replace(answer?.text ?? '', (answer?.text ?? '').replace('26.7%', '36.7%'));
    const wrong = moduleParagraphs(workshopKey(wrongGuide)).find((paragraph) => paragraph.line === answer?.line);
    expect(wrong?.text).toContain('36.7%');
    const found = await checkParagraph(repositoryRoot, wrong as Paragraph);
    expect(found.map((disagreement) => disagreement.claim)).toEqual(['36.7%']);
    expect(await checkParagraph(repositoryRoot, answer as Paragraph)).toEqual([]);
  }, 300_000);

  for (const module of modules) {
    it(module, async () => {
      const disagreements: string[] = [];
      for (const paragraph of paragraphs.filter((candidate) => candidate.module === module))
        for (const found of await checkParagraph(repositoryRoot, paragraph))
          disagreements.push(`docs/workshop.md:${found.line - shift}: ${found.claim} — ${found.problem}`);
      expect(disagreements, disagreements.join('\n')).toEqual([]);
    }, 300_000);
  }
});

describe('the workshop claim checker', () => {
  it('ties each paragraph to its commands: In real Azure and Exercise to their own block, Fix to the fixed runs', () => {
    const guideText = [
      '### A1. `x`: y (10 min)',
      '',
      '**Setup.** S.',
      '',
      '```sh',
      'lbsim run scenarios/a/broken.yaml',
      '```',
      '',
      '**Trace.** T.',
      '',
      '**In real Azure.** M.',
      '',
      '```sh',
      'lbsim run scenarios/a/broken.yaml --metrics',
      '```',
      '',
      '**In real Azure.** Without commands of its own.',
      '',
      '**Fix.** F.',
      '',
      '```sh',
      'lbsim run scenarios/a/fixed.yaml',
      '```',
      '',
      '**Exercise.** E.',
      '',
      '```sh',
      'lbsim check a mine.yaml',
      '```',
      '',
      '## Closing',
    ].join('\n');
    const blocks = moduleParagraphs(`## 0. Z\n\n${guideText}`).map((paragraph) => [
      paragraph.text.slice(0, 20),
      paragraph.block?.commands[0],
    ]);
    expect(blocks).toEqual([
      ['**Setup.** S.', 'lbsim run scenarios/a/broken.yaml'],
      ['**Trace.** T.', 'lbsim run scenarios/a/broken.yaml'],
      ['**In real Azure.** M', 'lbsim run scenarios/a/broken.yaml --metrics'],
      ['**In real Azure.** W', 'lbsim run scenarios/a/broken.yaml --metrics'],
      ['**Fix.** F.', 'lbsim run scenarios/a/fixed.yaml'],
      ['**Exercise.** E.', 'lbsim check a mine.yaml'],
    ]);
  });

  it('flags a wrong connection, node, number, percentage, fraction and quote, and passes true ones', async () => {
    const guideText = [
      '## 0. Warm-up',
      '',
      '```sh',
      'lbsim run scenarios/basic-public-lb.yaml',
      'lbsim run scenarios/basic-public-lb.yaml --trace --connection 7',
      '```',
      '',
      'Connection 7 reaches web-1 through mux-2 (`encap`), MSS 1440; 100 of 100 complete (100%).',
      'Connection 7 reaches web-3; connection 8 is lost.',
      'About half fail at web-9; the MSS is 1450 and 37.5% go to `web-7`; "all is lost".',
      '',
      '## Closing',
    ].join('\n');
    const [truthful, wrongNode, wrongFigures] = moduleParagraphs(guideText)
      // one paragraph per line here, so each line's findings stand alone
      .flatMap((paragraph) =>
        paragraph.text.split('\n').map((text, i) => ({ ...paragraph, text, line: paragraph.line + i })),
      );
    expect(await checkParagraph(repositoryRoot, truthful as Paragraph)).toEqual([]);
    const claimsOf = async (paragraph: Paragraph | undefined) =>
      (await checkParagraph(repositoryRoot, paragraph as Paragraph)).map((found) => found.claim);
    expect(await claimsOf(wrongNode)).toEqual(['web-3', 'connection 8']);
    expect(await claimsOf(wrongFigures)).toEqual(['web-9', 'half', '`web-7`', '37.5%', '1450', '"all is lost"']);
  });
});
