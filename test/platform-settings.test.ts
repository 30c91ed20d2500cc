/**
 * Knobs no Azure customer can turn are never offered as a customer's fix without saying so
 * (issue 15, item 12): every catalogue variant that changes a platform setting from its broken
 * variant says "platform" in its description; every explanation's fix that names a platform
 * setting carries the label in the same clause, in the general fixes and in `lbsim explain` of
 * every catalogue scenario; and docs/workshop.md labels every platform setting it offers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generalFixes, platformLabel, platformSettingsOf, runScenario } from '@lbsim/scenario';
import { describe, expect, it } from 'vitest';
import { catalogueScenarios, loadCatalogueScenario, repositoryRoot } from './support.ts';

/** A setting lbsim marks as platform (schema/platform.ts), or the Mux-failure advice, as text names it. */
const platformMention =
  /network\.(?:muxes|fabricMtu|fragmentPolicy|icmpFragmentationNeeded|icmpToVip|latency|configLatency|healthLatency|backendSelection|maglevTableSize|maglevPermutations|flowTable|bgpHoldTime|mssClamp|snat|hashSeed)\b|outOfOrderFragments: reassemble|pool while a Mux is down/;

/** The clauses (split at `;`) of a fix that name a platform setting without the label. */
function unlabelled(fix: string): string[] {
  return fix
    .split(';')
    .filter((clause) => platformMention.test(clause) && !clause.includes(platformLabel))
    .map((clause) => clause.trim());
}

/** The setting name of `network.x: y` or `vm.x: y`. */
function settingName(setting: string): string {
  return setting.slice(0, setting.indexOf(':'));
}

describe('platform settings in the catalogue', () => {
  // The sweeps' base scenarios have no broken variant to differ from.
  const variants = catalogueScenarios().filter(
    (name) => name.includes('/') && !name.endsWith('/broken') && !name.startsWith('sweeps/'),
  );
  for (const name of variants) {
    const folder = name.slice(0, name.indexOf('/'));
    it(`${name} labels any platform setting it changes from ${folder}/broken`, () => {
      const broken = platformSettingsOf(loadCatalogueScenario(`${folder}/broken`));
      const scenario = loadCatalogueScenario(name);
      const mine = platformSettingsOf(scenario);
      // A setting the variant adds, changes, or returns to lbsim's default.
      const changed = [
        ...new Set(
          [
            ...mine.filter((setting) => !broken.includes(setting)),
            ...broken.filter((setting) => !mine.includes(setting)),
          ]
            .map(settingName)
            .filter((setting) => setting !== 'network.muxes'),
        ),
      ];
      if (changed.length === 0) return;
      expect(scenario.description, `${name} changes ${changed.join(', ')}`).toMatch(/platform/);
    });
  }
});

describe('platform settings in explanations', () => {
  it('the general fix of every drop reason labels the platform settings it names', () => {
    const problems = Object.entries(generalFixes).flatMap(([reason, fix]) =>
      unlabelled(fix).map((clause) => `${reason}: ${clause}`),
    );
    expect(problems).toEqual([]);
  });

  it('every explanation of every catalogue scenario labels the platform settings its fix names', () => {
    const problems = catalogueScenarios()
      .filter((name) => name.includes('/'))
      .flatMap((name) =>
        runScenario(loadCatalogueScenario(name)).explanations.flatMap((explanation) =>
          unlabelled(explanation.fix).map((clause) => `${name} ${explanation.id}: ${clause}`),
        ),
      );
    expect(problems).toEqual([]);
  }, 300_000);
});

describe('platform settings in docs/workshop.md', () => {
  it('every paragraph that offers a platform setting labels it', () => {
    const guide = readFileSync(join(repositoryRoot, 'docs/workshop.md'), 'utf8');
    const paragraphs = guide.split(/\n\s*\n/).filter((paragraph) => !paragraph.startsWith('```'));
    const offering = paragraphs.filter((paragraph) =>
      /`(?:network\.)?(?:fragmentPolicy|icmpToVip|backendSelection|mssClamp|fabricMtu|icmpFragmentationNeeded|flowTable|bgpHoldTime|outOfOrderFragments)/.test(
        paragraph,
      ),
    );
    expect(offering.length).toBeGreaterThan(0);
    expect(offering.filter((paragraph) => !/platform/i.test(paragraph))).toEqual([]);
  });
});
