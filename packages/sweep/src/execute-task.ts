/**
 * Running one task: validate its scenario (once per grid point a worker sees), run it with the
 * task's seed, take the measures. The same task gives the same record in any thread, process
 * or machine: the run is deterministic and the record holds nothing of where it ran.
 */
import { parseScenarioText, runScenario, type Scenario } from '@lbsim/scenario';
import { measureRun } from './measure-run.ts';
import type { RunRecord, RunTask } from './run-task.ts';

/** Scenarios already validated by this worker, by their text: a worker sees few grid points. */
const validated = new Map<string, Scenario>();
/** Grid points remembered per worker; a sweep's points beyond these are validated again. */
const rememberedScenarios = 16;

/**
 * Runs `task` and returns its record.
 * @throws Error when the scenario does not validate (the sweep command validated every grid
 *   point before sending any task, so this means a task from elsewhere)
 */
export function executeTask(task: RunTask): RunRecord {
  const scenario = scenarioOf(task.scenarioText);
  const result = runScenario(scenario, { seed: task.seed });
  return {
    run: task.run,
    point: task.point,
    seed: task.seed,
    parameters: task.parameters,
    status: result.status.kind,
    expectationsMet: result.expectationsMet,
    measures: measureRun(result, task.measures),
  };
}

function scenarioOf(text: string): Scenario {
  const known = validated.get(text);
  if (known !== undefined) return known;
  const loaded = parseScenarioText(text, 'sweep task');
  if (!loaded.ok) {
    const first = loaded.errors[0];
    throw new Error(`the task's scenario is not valid: ${first?.path ?? ''}: ${first?.message ?? 'unknown problem'}`);
  }
  if (validated.size >= rememberedScenarios) validated.clear();
  validated.set(text, loaded.scenario);
  return loaded.scenario;
}
