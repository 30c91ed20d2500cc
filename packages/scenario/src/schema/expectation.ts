/**
 * `expect`: what a run must show; the exit code says whether it did.
 */
import { dropReasons, type ExchangeOutcome, exchangeOutcomes } from '@lbsim/core';
import * as z from 'zod';
import { nameSchema, rangeSchema } from './primitives.ts';

const dropReasonNames = Object.keys(dropReasons) as [keyof typeof dropReasons, ...(keyof typeof dropReasons)[]];

/** Outcomes an expectation can count: every exchange outcome (core/stack exchange-outcome.ts). */
export const outcomeNames = exchangeOutcomes as readonly [ExchangeOutcome, ...ExchangeOutcome[]];

/** Packets dropped for one reason, optionally at one node. */
export const dropsMatcherSchema = z.strictObject({
  reason: z.enum(dropReasonNames).describe('a drop reason (lbsim run prints them with their meaning)'),
  node: nameSchema.optional().describe('only drops at this node (a client, router, mux-N, host or VM)'),
});

/**
 * Health-probe verdicts of the DIPs of one VM (or of every probed DIP), under one probe (or
 * every probe): how they end the run (`ends`), or how many times they changed to a state (`to`,
 * with `count`; at least once without it).
 */
export const healthMatcherSchema = z
  .strictObject({
    vm: nameSchema.optional().describe('the VM whose DIPs to look at; every probed DIP when absent'),
    probe: z.string().optional().describe('loadBalancer/probe; every probe when absent'),
    ends: z.enum(['up', 'down', 'unknown']).optional().describe('the verdict every matching DIP has at the end'),
    to: z.enum(['up', 'down']).optional().describe('count changes to this verdict (with count)'),
  })
  .refine((health) => (health.ends === undefined) !== (health.to === undefined), {
    error: 'a health expectation has exactly one of ends or to',
  });

/**
 * One expectation: the share or count of a traffic item's connections with an outcome; how
 * many distinct DIPs served it; or how many packets were dropped for a reason (of one traffic
 * item, or of the whole run without `traffic`); or what health probes said of DIPs. With
 * `outcome` and neither `fraction` nor `count`, every connection must have that outcome; with
 * `drops` and no `count`, at least one.
 */
export const expectationSchema = z
  .strictObject({
    traffic: z
      .union([nameSchema, z.number().int().min(0)])
      .optional()
      .describe('traffic name or index'),
    description: z.string().optional().describe('what the expectation checks, in prose; printed with its verdict'),
    outcome: z
      .enum(outcomeNames)
      .optional()
      .describe('count connections of the traffic item that ended so (with fraction or count; all of them without)'),
    fraction: rangeSchema('share of connections with the outcome, 0..1').optional(),
    count: rangeSchema('number of connections with the outcome').optional(),
    dipsServed: rangeSchema('number of distinct DIPs that served the traffic').optional(),
    drops: dropsMatcherSchema
      .optional()
      .describe('count packets dropped for a reason (with count; at least one without)'),
    health: healthMatcherSchema
      .optional()
      .describe('what health probes said of DIPs: their verdict at the end, or how often it changed'),
    remapped: z
      .strictObject({ rule: z.string().optional().describe('loadBalancer/rule; all rules when absent') })
      .optional()
      .describe('share of tracked flows a fresh hash would move when DIP lists change (with fraction)'),
    mappedToSource: z
      .boolean()
      .optional()
      .describe(
        'with outcome: count only connections whose DIP is (true) or is not (false) an address of the VM that opened them',
      ),
  })
  .superRefine((expectation, context) => {
    const kinds =
      (expectation.outcome === undefined ? 0 : 1) +
      (expectation.dipsServed === undefined ? 0 : 1) +
      (expectation.drops === undefined ? 0 : 1) +
      (expectation.health === undefined ? 0 : 1) +
      (expectation.remapped === undefined ? 0 : 1);
    if (kinds !== 1) {
      context.addIssue({
        code: 'custom',
        message: 'an expectation has exactly one of outcome, dipsServed, drops, health or remapped',
      });
    }
    if (expectation.health !== undefined && expectation.traffic !== undefined) {
      context.addIssue({ code: 'custom', path: ['traffic'], message: 'a health expectation names no traffic item' });
    }
    if (expectation.health?.ends !== undefined && expectation.count !== undefined) {
      context.addIssue({ code: 'custom', path: ['count'], message: 'count goes with health.to, not health.ends' });
    }
    if (expectation.remapped !== undefined && expectation.fraction === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['fraction'],
        message: 'a remapped expectation needs a fraction range',
      });
    }
    if (expectation.outcome !== undefined && expectation.traffic === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['traffic'],
        message: 'outcome and dipsServed expectations name a traffic item',
      });
    }
    if (expectation.outcome === undefined && expectation.mappedToSource !== undefined) {
      context.addIssue({ code: 'custom', path: ['mappedToSource'], message: 'mappedToSource goes with outcome' });
    }
    if (expectation.outcome === undefined && expectation.remapped === undefined && expectation.fraction !== undefined) {
      context.addIssue({ code: 'custom', path: ['fraction'], message: 'fraction goes with outcome or remapped' });
    }
    if (expectation.dipsServed !== undefined && expectation.traffic === undefined) {
      context.addIssue({ code: 'custom', path: ['traffic'], message: 'a dipsServed expectation names a traffic item' });
    }
    if (expectation.dipsServed !== undefined && expectation.count !== undefined) {
      context.addIssue({ code: 'custom', path: ['count'], message: 'count goes with outcome, drops or health' });
    }
    if (expectation.fraction !== undefined && expectation.count !== undefined) {
      context.addIssue({ code: 'custom', path: ['count'], message: 'give fraction or count, not both' });
    }
    const max = expectation.fraction?.max;
    if (max !== undefined && max > 1) {
      context.addIssue({ code: 'custom', path: ['fraction', 'max'], message: 'a fraction is at most 1' });
    }
  });
