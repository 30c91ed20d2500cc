/**
 * ARM's template expression language as lbsim import evaluates it: the parser (tokens, nesting,
 * escapes, errors with a position), the functions network templates use, and the rule that an
 * unknown input makes the result unevaluable rather than a guess.
 */
import { propertyTimeoutMs } from '@lbsim/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EvaluationScope, evaluateTemplateString } from '../src/arm-evaluator.ts';
import { parseArmExpression } from '../src/arm-expression-syntax.ts';
import { expandArmTemplate } from '../src/arm-template.ts';
import { importAzure } from '../src/import-azure.ts';
import { isUnevaluable, Unevaluable } from '../src/unevaluable.ts';

const scope: EvaluationScope = {
  parameter: (name) => ({ prefix: 'web', count: 3, list: ['a', 'b'] })[name] ?? new Unevaluable(`no parameter ${name}`),
  variable: (name) => (name.toLowerCase() === 'vnet' ? 'lb-vnet' : new Unevaluable(`no variable ${name}`)),
  reference: () => new Unevaluable('no references here'),
  copyIndexes: new Map([
    ['', 2],
    ['nics', 2],
  ]),
};
const evaluate = (text: string) => evaluateTemplateString(text, scope);

describe('ARM expressions', () => {
  it.each([
    ["[concat(parameters('prefix'), '-', copyIndex(1))]", 'web-3'],
    ["[format('{0}-vm{1}', parameters('prefix'), add(range(0, 3)[copyIndex()], 1))]", 'web-vm3'],
    ["[toLower('ABC')]", 'abc'],
    ["[length(range(0, parameters('count')))]", 3],
    ["[if(equals(parameters('prefix'), 'WEB'), 'yes', 'no')]", 'yes'],
    ["[split('a,b;c', createArray(',', ';'))[2]]", 'c'],
    ['[union(createArray(1, 2), createArray(2, 3))]', [1, 2, 3]],
    ["[string(int('42'))]", '42'],
    ["['it''s']", "it's"],
    ['[[not an expression]', '[not an expression]'],
    ['plain text', 'plain text'],
    ['[resourceGroup().location]', 'placeholder-location'],
    [
      "[resourceId('Microsoft.Network/virtualNetworks/subnets', variables('vnet'), 'web')]",
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/lbsim-import/providers/Microsoft.Network/virtualNetworks/lb-vnet/subnets/web',
    ],
    ["[copyIndex('nics')]", 2],
    ["[parameters('list')[1]]", 'b'],
  ])('%s → %j', (text, value) => {
    expect(evaluate(text)).toEqual(value);
  });

  it('uniqueString is a stated placeholder: 13 characters, the same for the same input', () => {
    const value = evaluate('[uniqueString(resourceGroup().id)]');
    expect(value).toMatch(/^[a-z2-7]{13}$/);
    expect(evaluate('[uniqueString(resourceGroup().id)]')).toBe(value);
  });

  it.each([
    ["[listKeys('x', '2020-01-01')]", "function 'listKeys' is not supported by lbsim import"],
    ["[concat(parameters('missing'), 'x')]", 'no parameter missing'],
    ["[concat('a']", 'not a valid expression: expected ")" at the end (character 11)'],
    ["[concat('a)]", 'not a valid expression: unterminated string starting at character 8'],
    ['[concat(#)]', 'not a valid expression: unexpected "#" at character 8'],
    ['[createArray(1)[5]]', 'index 5 is outside the array'],
  ])('%s is unevaluable: %s', (text, reason) => {
    const value = evaluate(text);
    expect(isUnevaluable(value) ? value.reason : value).toBe(reason);
  });

  it('an if() branch not taken is not evaluated', () => {
    expect(evaluate("[if(true(), 'ok', listKeys('x'))]")).toBe('ok');
  });

  it('never throws on any text, and parses whatever it prints back', { timeout: propertyTimeoutMs() }, () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const value = evaluate(`[${text}]`);
        expect(value === undefined).toBe(false);
        parseArmExpression(text);
      }),
    );
  });
});

describe('ARM templates', () => {
  it('expands copy loops, nested child resources and property loops', () => {
    const template = {
      contentVersion: '1.0.0.0',
      parameters: { n: { type: 'int', defaultValue: 2 } },
      resources: [
        {
          type: 'Microsoft.Network/networkSecurityGroups',
          name: 'nsg',
          properties: {
            copy: [
              {
                name: 'securityRules',
                count: "[parameters('n')]",
                input: { name: "[concat('r', copyIndex('securityRules'))]" },
              },
            ],
          },
          resources: [{ type: 'securityRules', name: 'extra', properties: {} }],
        },
        {
          type: 'Microsoft.Network/networkInterfaces',
          name: "[concat('nic', copyIndex())]",
          copy: { name: 'c', count: "[parameters('n')]" },
        },
      ],
    };
    const expanded = expandArmTemplate(template, undefined, new Map([['n', '3']]));
    expect(expanded.resources.map((r) => `${r.type} ${r.names.join('/')} ${r.path}`)).toEqual([
      'Microsoft.Network/networkSecurityGroups nsg resources[0]',
      'Microsoft.Network/networkSecurityGroups/securityRules nsg/extra resources[0].resources[0]',
      'Microsoft.Network/networkInterfaces nic0 resources[1] (copy 0)',
      'Microsoft.Network/networkInterfaces nic1 resources[1] (copy 1)',
      'Microsoft.Network/networkInterfaces nic2 resources[1] (copy 2)',
    ]);
    expect(expanded.resources[0]?.body['properties']).toEqual({
      securityRules: [{ name: 'r0' }, { name: 'r1' }, { name: 'r2' }],
    });
  });

  it('a --parameter the template does not declare is reported', () => {
    const expanded = expandArmTemplate({ resources: [] }, undefined, new Map([['nope', '1']]));
    expect(expanded.notes).toEqual([
      { path: 'parameters.nope', message: '--parameter nope: the template declares no such parameter' },
    ]);
  });

  it('importAzure never throws on arbitrary JSON, and reports something for it', {
    timeout: propertyTimeoutMs(),
  }, () => {
    const resource = fc.record({
      type: fc.constantFrom(
        'Microsoft.Network/loadBalancers',
        'Microsoft.Network/networkInterfaces',
        'Microsoft.Network/virtualNetworks',
        'x/y',
      ),
      name: fc.oneof(fc.string({ maxLength: 12 }), fc.constant("[concat('a', copyIndex())]")),
      properties: fc.jsonValue({ maxDepth: 3 }),
      copy: fc.option(fc.record({ name: fc.string(), count: fc.jsonValue({ maxDepth: 1 }) }), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          fc.record({ contentVersion: fc.constant('1.0.0.0'), resources: fc.array(resource, { maxLength: 4 }) }),
        ),
        (document) => {
          const result = importAzure([{ file: 'x.json', text: JSON.stringify(document) ?? 'null' }]);
          expect(typeof result.yaml).toBe('string');
        },
      ),
    );
  });
});
