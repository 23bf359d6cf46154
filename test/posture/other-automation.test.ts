/** btg check: other automation in the workspace that can act on users without excluding the break-glass accounts (issue 14 item 8). */
import { checkOtherAutomation, userActions } from '../../scripts/posture/otherAutomation';

const B1 = '00000000-0000-4000-8000-00000000b701';
const GROUP = '00000000-0000-4000-8000-00000000c0e1';
const facts = { identifiers: [B1, 'btg-emergency-01@contoso.example', GROUP], packTag: 'breakglass-sentinel' };
const WF = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Logic/workflows';

const disableUser = {
  type: 'Http',
  inputs: {
    method: 'PATCH',
    uri: "https://graph.microsoft.com/v1.0/users/@{items('For_each')?['AadUserId']}",
    body: { accountEnabled: false },
  },
};
const revoke = {
  type: 'Http',
  inputs: {
    method: 'POST',
    uri: "https://graph.microsoft.com/v1.0/users/@{triggerBody()?['id']}/revokeSignInSessions",
  },
};
const comment = {
  type: 'ApiConnection',
  inputs: {
    host: { connection: { name: "@parameters('$connections')['azuresentinel']['connectionId']" } },
    method: 'post',
    path: '/Incidents/Comment',
    body: { message: 'x' },
  },
};
const wf = (name: string, actions: Record<string, unknown>, tags?: Record<string, string>) => ({
  id: `${WF}/${name}`,
  name,
  tags,
  properties: { definition: { actions } },
});
const rule = (name: string, wfName: string, conditions: unknown[] = []) => ({
  name,
  properties: {
    displayName: name,
    triggeringLogic: { conditions },
    actions: [{ actionType: 'RunPlaybook', actionConfiguration: { logicAppResourceId: `${WF}/${wfName}` } }],
  },
});

describe('other-automation', () => {
  it('finds user-acting actions, nested ones included', () => {
    expect(userActions({ actions: { Scope: { type: 'Scope', actions: { Disable: disableUser } } } })).toHaveLength(1);
    expect(userActions({ actions: { Comment: comment } })).toEqual([]);
  });

  it('warns about a playbook that disables or revokes users when neither it nor its automation rule excludes the accounts', () => {
    const f = checkOtherAutomation(
      {
        workflows: [
          wf('soc-disable-user', { For_each: { type: 'Foreach', actions: { Disable: disableUser } } }),
          wf('soc-revoke', { Revoke: revoke }),
        ],
        automationRules: [rule('High severity response', 'soc-disable-user')],
      },
      facts,
    );
    expect(f.map((x) => [x.subject, x.status])).toEqual([
      ['soc-disable-user', 'warn'],
      ['soc-revoke', 'warn'],
    ]);
    expect(f[0].reason).toMatch(
      /^can act on users \(run by automation rule 'High severity response'\): Disable: .*do not exclude the break-glass accounts/,
    );
  });

  it('passes when the automation rule excludes the accounts (object id or exclusion group) or the playbook names them', () => {
    const excludeCond = [
      {
        conditionType: 'Property',
        conditionProperties: { propertyName: 'AccountAadUserId', operator: 'NotEquals', propertyValues: [B1] },
      },
    ];
    const f = checkOtherAutomation(
      {
        workflows: [wf('soc-disable-user', { Disable: disableUser })],
        automationRules: [rule('High severity response', 'soc-disable-user', excludeCond)],
      },
      facts,
    );
    expect(f.map((x) => x.status)).toEqual(['pass']);
    const g = checkOtherAutomation(
      {
        workflows: [
          wf('soc-revoke', {
            Check: {
              type: 'If',
              expression: { not: { contains: [GROUP.toUpperCase(), 'x'] } },
              actions: { Revoke: revoke },
            },
          }),
        ],
        automationRules: [],
      },
      facts,
    );
    expect(g.map((x) => x.status)).toEqual(['pass']);
  });

  it("leaves the pack's own playbooks to the build-time lock-out check, and reports a clean workspace", () => {
    const f = checkOtherAutomation(
      {
        workflows: [
          wf('btg-notify-enrich-x', { Revoke: revoke }, { 'breakglass-sentinel': 'btg-notify-enrich' }),
          wf('mailer', { Comment: comment }),
        ],
        automationRules: [],
      },
      facts,
    );
    expect(f).toEqual([
      {
        check: 'other-automation',
        subject: 'workspace',
        status: 'pass',
        reason: 'no other playbook in the resource group acts on users (2 Logic Apps, 0 automation rules read)',
      },
    ]);
  });

  describe('automation rules themselves: closing incidents, playbooks btg cannot read', () => {
    const PACK_RULE = '11111111-1111-5111-8111-111111111111';
    const OTHER_RULE = '22222222-2222-5222-8222-222222222222';
    const OWN = '33333333-3333-5333-8333-333333333333';
    const ALERT_RULES =
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws/providers/Microsoft.SecurityInsights/alertRules';
    const pack = { ruleIds: [PACK_RULE], automationRuleNames: [OWN] };
    const close = {
      actionType: 'ModifyProperties',
      actionConfiguration: { status: 'Closed', classification: 'BenignPositive' },
    };
    const label = { actionType: 'ModifyProperties', actionConfiguration: { labels: [{ labelName: 'x' }] } };
    const onlyRules = (...ids: string[]) => [
      {
        conditionType: 'Property',
        conditionProperties: {
          propertyName: 'IncidentRelatedAnalyticRuleIds',
          operator: 'Contains',
          propertyValues: ids.map((id) => `${ALERT_RULES}/${id}`),
        },
      },
    ];
    const ar = (name: string, actions: unknown[], conditions: unknown[] = [], isEnabled = true) => ({
      name,
      properties: { displayName: name, triggeringLogic: { isEnabled, conditions }, actions },
    });
    const run = (rules: ReturnType<typeof ar>[], workflows = [wf('mailer', { Comment: comment })]) =>
      checkOtherAutomation({ workflows, automationRules: rules, pack }, facts).map((x) => [x.subject, x.status]);

    it('warns about a rule that closes incidents and could match a break-glass incident', () => {
      expect(run([ar('Auto-close low severity', [close])])).toEqual([
        ["automation rule 'Auto-close low severity'", 'warn'],
      ]);
      const f = checkOtherAutomation({ workflows: [], automationRules: [ar('Auto-close', [close])], pack }, facts);
      expect(f[0].reason).toMatch(/^closes incidents .*do not exclude the break-glass accounts/);
    });

    it('passes a closing rule limited to other analytics rules, or excluding the accounts; a pack rule among its rules is not a limit', () => {
      expect(run([ar('Close noisy rule', [close], onlyRules(OTHER_RULE))])).toEqual([
        ["automation rule 'Close noisy rule'", 'pass'],
      ]);
      expect(
        run([
          ar(
            'Close except BTG',
            [close],
            [
              {
                conditionType: 'Property',
                conditionProperties: { propertyName: 'AccountAadUserId', operator: 'NotEquals', propertyValues: [B1] },
              },
            ],
          ),
        ]),
      ).toEqual([["automation rule 'Close except BTG'", 'pass']]);
      expect(run([ar('Close two rules', [close], onlyRules(OTHER_RULE, PACK_RULE.toUpperCase()))])).toEqual([
        ["automation rule 'Close two rules'", 'warn'],
      ]);
    });

    it('warns about a rule that runs a playbook outside the resource group (btg cannot inspect it), names it', () => {
      const elsewhere = '/subscriptions/s2/resourceGroups/soar/providers/Microsoft.Logic/workflows/soc-contain-user';
      const runElsewhere = { actionType: 'RunPlaybook', actionConfiguration: { logicAppResourceId: elsewhere } };
      const f = checkOtherAutomation(
        { workflows: [wf('mailer', { Comment: comment })], automationRules: [ar('Contain', [runElsewhere])], pack },
        facts,
      );
      expect(f.map((x) => [x.subject, x.status])).toEqual([["automation rule 'Contain'", 'warn']]);
      expect(f[0].reason).toContain('runs playbook soc-contain-user outside the workspace');
      // a playbook in the resource group is read and judged by its definition instead (mailer: nothing on users)
      const inGroup = { actionType: 'RunPlaybook', actionConfiguration: { logicAppResourceId: `${WF}/MAILER` } };
      expect(run([ar('Mail', [inGroup])])[0]).toEqual(['workspace', 'pass']);
    });

    it("skips the pack's own automation rules, disabled rules and rules that only label", () => {
      expect(run([ar(OWN, [close]), ar('Disabled closer', [close], [], false), ar('Labeller', [label])])).toEqual([
        ['workspace', 'pass'],
      ]);
    });
  });
});
