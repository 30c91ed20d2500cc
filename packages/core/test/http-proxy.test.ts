/** The status a reverse proxy answers with, from its upstream exchange (core/stack/http-proxy.ts). */
import { describe, expect, it } from 'vitest';
import { type ExchangeResult, proxyStatusOf } from '../src/index.ts';

const result = (outcome: ExchangeResult['outcome'], httpStatus?: number): ExchangeResult => ({
  outcome,
  endedAtNs: 0,
  establishedAtNs: undefined,
  httpStatus,
  localPort: undefined,
});

describe('proxyStatusOf', () => {
  it("passes the upstream's status on", () => {
    expect(proxyStatusOf(result('completed', 200))).toBe(200);
    expect(proxyStatusOf(result('completed', 404))).toBe(404);
  });

  it('answers 502 for an upstream that refused, reset or closed early, and 504 for one that never answered', () => {
    expect(proxyStatusOf(result('refused'))).toBe(502);
    expect(proxyStatusOf(result('reset'))).toBe(502);
    expect(proxyStatusOf(result('incomplete'))).toBe(502);
    expect(proxyStatusOf(result('timed-out'))).toBe(504);
  });
});
