/** Conditional Access scoping: includeUsers / includeGroups (nested) / includeRoles (active, eligible), exclusions, guests, states. */
import {
  B1,
  B2,
  bad,
  checkFolder,
  cleanupTmp,
  derive,
  finding,
  GA,
  GEXCL,
  GSALES,
  P,
  policyByName,
  UPN1,
  UPN2,
} from './helpers';

afterAll(cleanupTmp);

const CA004 = 'CA004 - Sales: require compliant device';
const CA003 = 'CA003 - Phishing-resistant MFA for administrators';

describe('Conditional Access', () => {
  it('a policy scoped to a group that contains the account (nested: only in transitiveMembers) applies to it', async () => {
    const dir = derive((e) =>
      e.json(
        P.groupMembers(GSALES),
        (b) =>
          void b.value.push({ '@odata.type': '#microsoft.graph.user', id: B2, displayName: 'Emergency Access 02' }),
      ),
    );
    const f = await checkFolder(dir);
    expect(finding(f, 'ca-policy', CA004)).toMatchObject({
      status: 'fail',
      reason: `enabled policy applies to ${UPN2} (group 00000000-0000-4000-8000-00000000c002) without excluding it`,
    });
    expect(finding(f, 'ca-exclusion', UPN2).status).toBe('fail');
    expect(finding(f, 'ca-exclusion', UPN1).status).toBe('pass');
  });

  it('a policy that names the account directly applies to it', async () => {
    const dir = derive((e) =>
      e.json(P.policies, (b) => void (policyByName(b, 'CA004').conditions.users.includeUsers = [B1])),
    );
    expect(finding(await checkFolder(dir), 'ca-policy', CA004)).toMatchObject({
      status: 'fail',
      reason: expect.stringContaining(`${UPN1} (included directly)`),
    });
  });

  it('a policy scoped to a role the account holds applies to it; a PIM-eligible role counts (it applies once activated)', async () => {
    const active = derive((e) =>
      e.json(P.policies, (b) => void (policyByName(b, 'CA003').conditions.users.excludeGroups = [])),
    );
    const f = await checkFolder(active);
    expect(finding(f, 'ca-policy', CA003).reason).toBe(
      `report-only policy applies to ${UPN1} (role Global Administrator), ${UPN2} (role Global Administrator) without excluding them`,
    );

    const eligible = derive((e) => {
      e.json(P.policies, (b) => void (policyByName(b, 'CA003').conditions.users.excludeGroups = []));
      e.json(P.roleAssignments, (b) => void (b.value = b.value.filter((a: any) => a.principalId !== B1)));
      e.json(
        P.roleEligibility,
        (b) => void b.value.push({ id: 'e1', principalId: B1, roleDefinitionId: GA, directoryScopeId: '/' }),
      );
    });
    expect(finding(await checkFolder(eligible), 'ca-policy', CA003).reason).toContain(
      `${UPN1} (role Global Administrator, PIM-eligible: applies once activated)`,
    );
  });

  it('exclusion through a role the account actively holds counts; an eligible role does not', async () => {
    const byRole = derive((e) =>
      e.json(P.policies, (b) => {
        const p = policyByName(b, 'CA001');
        p.conditions.users.excludeGroups = [];
        p.conditions.users.excludeRoles = [GA];
      }),
    );
    expect(finding(await checkFolder(byRole), 'ca-policy', 'CA001 - Require MFA for all users')).toMatchObject({
      status: 'pass',
      reason: expect.stringContaining('excluded through role Global Administrator'),
    });

    const eligibleOnly = derive((e) => {
      e.json(P.policies, (b) => {
        const p = policyByName(b, 'CA001');
        p.conditions.users.excludeGroups = [];
        p.conditions.users.excludeRoles = [GA];
      });
      e.json(P.roleAssignments, (b) => void (b.value = b.value.filter((a: any) => a.principalId !== B2)));
      e.json(
        P.roleEligibility,
        (b) => void b.value.push({ id: 'e2', principalId: B2, roleDefinitionId: GA, directoryScopeId: '/' }),
      );
    });
    expect(finding(await checkFolder(eligibleOnly), 'ca-policy', 'CA001 - Require MFA for all users')).toMatchObject({
      status: 'fail',
      reason: expect.stringContaining(`${UPN2} (All users)`),
    });
  });

  it('a direct member of an excluded group is excluded even when the group members were not exported', async () => {
    const dir = derive((e) => e.remove(P.groupMembers(GEXCL)));
    expect(bad(await checkFolder(dir))).toEqual([]);
  });

  it('when neither the group members nor memberOf show the account, the exclusion is unverified: skip with the reason', async () => {
    const dir = derive((e) => {
      e.remove(P.groupMembers(GEXCL));
      e.json(P.memberOf(B1), (b) => void (b.value = b.value.filter((o: any) => o.id !== GEXCL)));
    });
    const f = await checkFolder(dir);
    const p = finding(f, 'ca-policy', 'CA001 - Require MFA for all users');
    expect(p.status).toBe('skip');
    expect(p.reason).toContain(
      `applies (All users); exclusion could not be verified: exclusion group 'BTG - Conditional Access exclusion': not exported: ${P.groupMembers(GEXCL)}`,
    );
    expect(finding(f, 'ca-exclusion', UPN1).status).toBe('skip');
  });

  it('a disabled policy without the exclusion is info, not a failure', async () => {
    const f = await checkFolder(derive(() => undefined));
    expect(finding(f, 'ca-policy', 'CA005 - Pilot: block unknown device platforms').status).toBe('info');
    const enabled = derive((e) => e.json(P.policies, (b) => void (policyByName(b, 'CA005').state = 'enabled')));
    expect(
      finding(await checkFolder(enabled), 'ca-policy', 'CA005 - Pilot: block unknown device platforms').status,
    ).toBe('fail');
  });

  it('a policy targeting guests applies to a guest break-glass account', async () => {
    const dir = derive((e) => {
      e.json(P.user(B2), (u) => void (u.userType = 'Guest'));
      e.json(
        P.policies,
        (b) =>
          void (policyByName(b, 'CA004').conditions.users.includeGuestsOrExternalUsers = {
            guestOrExternalUserTypes: 'b2bCollaborationGuest',
            externalTenants: { membershipKind: 'all' },
          }),
      );
    });
    expect(finding(await checkFolder(dir), 'ca-policy', CA004).reason).toContain(`${UPN2} (guests or external users)`);
  });

  it('no policies at all: nothing to exclude from', async () => {
    const dir = derive((e) => e.json(P.policies, (b) => void (b.value = [])));
    const f = await checkFolder(dir);
    expect(finding(f, 'ca-policy')).toMatchObject({
      status: 'info',
      reason: 'the tenant has no Conditional Access policies',
    });
    expect(finding(f, 'ca-exclusion', UPN1).status).toBe('pass');
  });
});
