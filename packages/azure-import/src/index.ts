/**
 * @lbsim/azure-import: Azure definitions (ARM templates with parameters, az CLI JSON, ARM
 * exports, `terraform show -json`) to lbsim scenarios. Pure: texts in, scenario and notes out.
 */
export * from './arm-evaluator.ts';
export * from './arm-expression-syntax.ts';
export * from './azure-resource.ts';
export * from './azure-resource-id.ts';
export * from './import-azure.ts';
export * from './unevaluable.ts';
