/**
 * The scenario's `events`: changes applied at virtual times.
 */

import type { World } from '../build/build.ts';
import { toSecurityRule } from '../build/network-security.ts';
import type { Scenario } from '../schema/scenario.ts';

type ScenarioEvent = Scenario['events'][number];

/** Schedules every event of the world's scenario. */
export function scheduleEvents(world: World): void {
  for (const event of world.scenario.events) world.kernel.at(event.at, () => applyEvent(world, event));
}

function applyEvent(world: World, event: ScenarioEvent): void {
  const { membership } = world;
  switch (event.action) {
    case 'stop-listener':
      world.stopListener(event.vm, event.protocol, event.port, event.address);
      return;
    case 'start-listener':
      world.startListener(event.vm, event.protocol, event.port, event.address);
      return;
    case 'stop-vm':
      world.stopVm(event.vm);
      return;
    case 'start-vm':
      world.startVm(event.vm);
      return;
    case 'set-role-state':
      world.probing.setRoleState(event.vm, event.state);
      return;
    case 'set-security-rule':
      world.securityGroups.get(event.networkSecurityGroup)?.setRule(toSecurityRule(event.rule));
      return;
    case 'delete-security-rule':
      world.securityGroups.get(event.networkSecurityGroup)?.deleteRule(event.name);
      return;
    case 'add-backend':
      membership.add(event.loadBalancer, event.backendPool, event.member, event.weight);
      world.reconfigure();
      return;
    case 'remove-backend':
      membership.remove(event.loadBalancer, event.backendPool, event.member);
      world.reconfigure();
      return;
    case 'drain-backend':
      membership.setWeight(event.loadBalancer, event.backendPool, event.member, 0);
      world.reconfigure();
      return;
    case 'set-backend-weight':
      membership.setWeight(event.loadBalancer, event.backendPool, event.member, event.weight);
      world.reconfigure();
      return;
    case 'set-admin-state':
      membership.setAdminState(event.loadBalancer, event.backendPool, event.member, event.adminState);
      world.reconfigure();
      return;
    case 'fail-mux':
      muxNamed(world, event.mux).fail();
      return;
    case 'restore-mux': {
      const mux = muxNamed(world, event.mux);
      mux.restore();
      world.manager.resync(mux);
      return;
    }
    case 'add-mux':
      world.addMux();
      return;
  }
}

function muxNamed(world: World, name: string) {
  const mux = world.muxes.find((m) => m.name === name);
  if (mux === undefined) throw new Error(`no Mux ${name}: validation should have caught this`);
  return mux;
}
