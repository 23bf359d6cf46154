import { deploymentContext, evalArmString } from '../../scripts/deploy/armExpressions';
import { desiredItems } from '../../scripts/deploy/desired';
import { azRoleCommand, connectionsOf, SENTINEL_APP_ID } from '../../scripts/deploy/postDeploy';
import { CLOUDS } from '../../scripts/deploy/target';
import { IDS, playbook, VALUES, P } from './fixtures';

describe('evalArmString', () => {
  const ctx = {
    parameters: { PlaybookName: 'btg-x', n: 3 },
    variables: { conn: "[concat('office365-', parameters('PlaybookName'))]" },
  };
  test('literals, parameters, variables, concat, format, escapes', () => {
    expect(evalArmString('plain', ctx)).toBe('plain');
    expect(evalArmString("[parameters('PlaybookName')]", ctx)).toBe('btg-x');
    expect(evalArmString("[variables('conn')]", ctx)).toBe('office365-btg-x');
    expect(evalArmString("[format('{0}-{1}', parameters('PlaybookName'), 'teams')]", ctx)).toBe('btg-x-teams');
    expect(evalArmString("[concat('it''s-', parameters('n'))]", ctx)).toBe("it's-3");
    expect(evalArmString('[[not an expression]', ctx)).toBe('[not an expression]');
  });
  test('anything that needs Azure to evaluate is unknown, not guessed', () => {
    expect(evalArmString('[resourceGroup().location]', ctx)).toBeUndefined();
    expect(evalArmString("[parameters('missing')]", ctx)).toBeUndefined();
    expect(evalArmString("[concat('a', resourceGroup().id)]", ctx)).toBeUndefined();
  });
  test('deployment parameter values override template defaults', () => {
    const c = deploymentContext({
      template: { parameters: { a: { defaultValue: 'x' }, b: { defaultValue: 'y' } } },
      parameters: { b: { value: 'z' } },
    });
    expect(c.parameters).toEqual({ a: 'x', b: 'z' });
  });
});

test('connectionsOf names the connections of a playbook deployment and which need consent', () => {
  const items = desiredItems([playbook()], IDS, VALUES, P);
  expect(connectionsOf(items)).toEqual([
    { name: 'azuresentinel-btg-pb-1', api: 'azuresentinel', needsConsent: false, playbook: 'Playbook' },
    { name: 'office365-btg-pb-1', api: 'office365', needsConsent: true, playbook: 'Playbook' },
  ]);
});

test('azRoleCommand: exact command, by object id when known, by appId otherwise, with the cloud set', () => {
  const scope = '/subscriptions/s/resourceGroups/rg';
  expect(azRoleCommand(scope, 'oid', CLOUDS.AzureCloud)).toBe(
    `az role assignment create --role f4c81013-99ee-4d62-a7ee-b3f1f648599a --assignee-object-id oid --assignee-principal-type ServicePrincipal --scope ${scope}`,
  );
  expect(azRoleCommand(scope, undefined, CLOUDS.AzureUSGovernment)).toBe(
    `az cloud set --name AzureUSGovernment && az role assignment create --role f4c81013-99ee-4d62-a7ee-b3f1f648599a --assignee ${SENTINEL_APP_ID} --scope ${scope}`,
  );
});
