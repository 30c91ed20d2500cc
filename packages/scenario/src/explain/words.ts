/**
 * Small helpers for writing explanations in English: lists, counts and times.
 */
import { formatDurationNs } from '@lbsim/core';

/** `a`, `a and b`, `a, b and c`; '' for none. */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** `1 connection`, `3 connections` (or the given plural). */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

/** A virtual time for prose: `10 s`, `15.067 s` (to the millisecond). */
export function atTime(ns: number): string {
  return `${Math.round(ns / 1e6) / 1000} s`;
}

/** A duration for prose: `4min`, `30s`, `100ms`. */
export function lasting(ns: number): string {
  return formatDurationNs(ns);
}

/** Distinct values in first-seen order. */
export function distinct<T>(items: Iterable<T>): T[] {
  return [...new Set(items)];
}
