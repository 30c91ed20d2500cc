/**
 * The sweep file: one YAML document naming a scenario, the seeds to run it with, the
 * parameters to vary in it, the measures to take from every run, and what the measures must
 * converge to. This schema is the single source of truth for the format (docs/sweeps.md
 * describes it for people).
 */
import * as z from 'zod';

/** A name used as a column heading and a JSON key: letters, digits, `-`, `_` and `.`. */
const measureNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, { error: 'a name starts with a letter; then letters, digits, -, _ or .' })
  .max(60);

/**
 * Seeds: `first..last` (both included, e.g. `1..2000`) or a list of integers. Each seed is a
 * scenario seed (0..4294967295); a sweep runs every grid point once per seed.
 */
export const seedsSchema = z
  .union([
    z
      .string()
      .regex(/^\s*\d+\s*\.\.\s*\d+\s*$/, { error: 'seeds as text are a range: first..last, e.g. 1..2000' })
      .describe('a range first..last, both included'),
    z.array(z.number().int().min(0).max(0xffffffff)).min(1).describe('a list of seeds'),
  ])
  .describe('the seeds every grid point runs with: first..last (e.g. 1..2000) or a list');

/**
 * One parameter to vary. `path` names a place in the scenario document, as in the scenario
 * file: keys separated by dots, list items by `[index]` (`network.muxes`,
 * `loadBalancers[0].backendPools[0].members`). Either `values` replaces what is there with
 * each value in turn, or `first` keeps only the first k items of the list there, for each k.
 */
export const parameterSchema = z
  .strictObject({
    name: measureNameSchema.describe('the parameter as results, tables and charts show it, e.g. N'),
    path: z
      .string()
      .min(1)
      .max(200)
      .describe(
        'where in the scenario: keys joined by dots, list items as [index], e.g. loadBalancers[0].backendPools[0].members',
      ),
    values: z
      .array(z.unknown())
      .min(1)
      .max(1000)
      .optional()
      .describe('values to put at the path, one grid step each (numbers, text, lists or mappings)'),
    first: z
      .array(z.number().int().min(0))
      .min(1)
      .max(1000)
      .optional()
      .describe('keep only the first k items of the list at the path, for each k (a pool of size k)'),
  })
  .refine((parameter) => (parameter.values === undefined) !== (parameter.first === undefined), {
    error: 'a parameter has either values or first, not both and not neither',
  });

/** The outcomes a connection can end in (as @lbsim/core's exchangeOutcomes). */
const outcomeSchema = z
  .string()
  .min(1)
  .describe('an outcome of a connection: completed, timed-out, reset, refused, established, …');

/** A measure of a traffic item's connections: the fraction (default) or count with an outcome. */
const outcomeMeasureSchema = z.strictObject({
  name: measureNameSchema.describe('the measure as results show it'),
  traffic: z.string().min(1).describe('the traffic item, by name'),
  outcome: outcomeSchema,
  mappedToSource: z
    .boolean()
    .optional()
    .describe('only connections a Mux sent back to the VM that opened them (true) or only the others (false)'),
  count: z
    .boolean()
    .default(false)
    .describe('the number of such connections instead of their fraction of the connections started'),
});

/**
 * A measure of the runs' DIP-list changes (a DIP leaving or joining a rule's pool), summed over
 * the changes of the run: flows the Muxes tracked, how many a fresh hash would send elsewhere,
 * and how many were on the DIPs that left.
 */
const remapMeasureSchema = z.strictObject({
  name: measureNameSchema.describe('the measure as results show it'),
  dipListChange: z
    .enum(['remapped-fraction', 'remapped', 'flows', 'on-removed-fraction'])
    .describe(
      'remapped-fraction: flows a fresh hash sends to another DIP, of the flows tracked; remapped and flows: the counts; on-removed-fraction: flows that were on the DIPs that left, of the flows tracked',
    ),
  rule: z.string().optional().describe('only changes of this rule (loadBalancer/rule); default all'),
});

/** A count of dropped packets with one reason (at one node, of one traffic item). */
const dropMeasureSchema = z.strictObject({
  name: measureNameSchema.describe('the measure as results show it'),
  drops: z.string().min(1).describe('the drop reason, e.g. snat-ports-exhausted'),
  node: z.string().optional().describe('only drops at this node'),
  traffic: z.string().optional().describe("only drops of this traffic item's packets"),
});

/** A SNAT figure summed over every VM NIC that used SNAT (or one VM's). */
const snatMeasureSchema = z.strictObject({
  name: measureNameSchema.describe('the measure as results show it'),
  snat: z
    .enum(['failedAllocations', 'flows', 'peakUsedPorts', 'peakAllocatedPorts', 'refusals'])
    .describe('the SNAT figure: new-flow packets that found no port, flows opened, peak ports, refused requests'),
  vm: z.string().optional().describe('only this VM'),
});

/** Whether one of the scenario's own expectations was met: 1 or 0. */
const expectationMeasureSchema = z.strictObject({
  name: measureNameSchema.describe('the measure as results show it'),
  expectation: z.number().int().min(1).describe("the scenario's expectation, counting from 1 in its expect list"),
});

/** One measure taken from every run: a number, or null when the run gives none (no connections). */
export const measureSchema = z
  .union([outcomeMeasureSchema, remapMeasureSchema, dropMeasureSchema, snatMeasureSchema, expectationMeasureSchema])
  .describe(
    'a number taken from each run: an outcome fraction or count of a traffic item, a DIP-list change remap figure, drops by reason, a SNAT figure, or whether an expectation was met',
  );

/** A bound on a measure's mean over the seeds, at the grid points `where` selects. */
export const sweepExpectationSchema = z
  .strictObject({
    measure: z.string().min(1).describe('the measure, by name'),
    where: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('only grid points with these parameter values, e.g. { N: 4 }; default every point'),
    mean: z
      .strictObject({
        near: z.number().optional().describe('the value the mean converges to'),
        within: z.number().min(0).optional().describe('how far from near the mean may be'),
        min: z.number().optional().describe('smallest mean allowed'),
        max: z.number().optional().describe('largest mean allowed'),
      })
      .refine((mean) => (mean.near === undefined) === (mean.within === undefined), {
        error: 'near and within go together',
      })
      .describe('bounds on the mean over the seeds: near ± within, and/or min and max'),
    description: z.string().optional().describe('what is expected, in words'),
  })
  .describe("a bound on a measure's mean at some grid points: what the sweep shows converged");

/** The whole sweep file. */
export const sweepFileSchema = z.strictObject({
  $schema: z.string().optional().describe('JSON Schema reference for editors; ignored'),
  name: measureNameSchema.describe('sweep name, shown in reports'),
  description: z.string().default('').describe('what the sweep shows, in prose'),
  scenario: z
    .string()
    .min(1)
    .describe('the scenario: a file (relative to the sweep file) or a catalogue id such as ilb-self-mapping'),
  seeds: seedsSchema,
  parameters: z
    .array(parameterSchema)
    .max(4)
    .default([])
    .describe('what to vary: the grid is every combination, the first parameter varying slowest'),
  measures: z.array(measureSchema).min(1).max(20).describe('what to take from every run'),
  expect: z
    .array(sweepExpectationSchema)
    .default([])
    .describe('what the means must converge to; lbsim sweep exits 1 when one is not met'),
});

/** A sweep file after validation. */
export type SweepFile = z.output<typeof sweepFileSchema>;
/** One parameter of a sweep file. */
export type Parameter = z.output<typeof parameterSchema>;
/** One measure of a sweep file. */
export type Measure = z.output<typeof measureSchema>;
/** One expectation of a sweep file. */
export type SweepExpectation = z.output<typeof sweepExpectationSchema>;
