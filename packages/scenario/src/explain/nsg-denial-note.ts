/**
 * Reading the Host Agent's note on an NSG denial back into its parts, so a fix can name the
 * group and the rule to get ahead of. The note is written by `describeNsgDenial`
 * (host-agent/src/nic-security.ts):
 * `NSG web-nsg (NIC web-1-nic0): Inbound rule deny-all-inbound (priority 4000) denies TCP …`,
 * with `, default rule` after the priority for Azure's default rules.
 */

/** The parts of an NSG denial note. */
export interface NsgDenial {
  /** The network security group's name. */
  readonly group: string;
  /** Where it is associated: `NIC web-1-nic0` or `subnet web`. */
  readonly scope: string;
  readonly direction: 'Inbound' | 'Outbound';
  /** The rule that denied. */
  readonly rule: string;
  readonly priority: number;
  /** One of Azure's default rules (DenyAllInBound 65500, …). */
  readonly isDefault: boolean;
}

const pattern = /^NSG (\S+) \(([^)]*)\): (Inbound|Outbound) rule (\S+) \(priority (\d+)(, default rule)?\)/;

/** The parts of `note`, or `undefined` when it is not an NSG denial note. */
export function parseNsgDenial(note: string): NsgDenial | undefined {
  const match = pattern.exec(note);
  if (match === null) return undefined;
  return {
    group: match[1] as string,
    scope: match[2] as string,
    direction: match[3] as 'Inbound' | 'Outbound',
    rule: match[4] as string,
    priority: Number(match[5]),
    isDefault: match[6] !== undefined,
  };
}

/**
 * Where a new allow rule must go to win over `denial`: custom rules are processed by priority,
 * lower first, and every custom rule (100–4096) comes before the default rules (docs/mechanics.md
 * §2.3, [AZ-NSG]).
 */
export function allowPriorityAdvice(denial: NsgDenial): string {
  if (denial.isDefault) return `at any priority (100–4096): custom rules come before the default ${denial.rule}`;
  if (denial.priority <= 100) {
    return `and move ${denial.rule} to a higher number than it: nothing is processed before priority 100`;
  }
  const example = Math.max(100, denial.priority - 100);
  return `at a priority below ${denial.priority} (${denial.rule}), e.g. ${example}`;
}
