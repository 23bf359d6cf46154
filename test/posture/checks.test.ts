/** Posture checks over recorded Graph-shaped exports: the clean tenant passes; each planted failure is reported. */
import { FolderGraphSource, runPosture } from '../../scripts/posture';
import {
  B1,
  B2,
  bad,
  checkFolder,
  CLEAN,
  cleanupTmp,
  configWith,
  derive,
  exampleConfig,
  FAILING,
  finding,
  GA,
  GEXCL,
  NOW,
  P,
  policyByName,
  UPN1,
  UPN2,
} from './helpers';

afterAll(cleanupTmp);

describe('clean tenant', () => {
  it('passes every check; only the workspace check (no reader) is skipped and the disabled policy is info', async () => {
    const f = await checkFolder(CLEAN);
    expect(bad(f)).toEqual([]);
    expect(f.filter((x) => x.status === 'skip').map((x) => x.check)).toEqual(['workspace-rules']);
    expect(f.filter((x) => x.status === 'info').map((x) => x.subject)).toEqual([
      'CA005 - Pilot: block unknown device platforms',
    ]);
    // every per-account check ran for both accounts
    for (const upn of [UPN1, UPN2]) {
      for (const check of [
        'account',
        'cloud-only',
        'not-guest',
        'phishing-resistant-method',
        'weaker-methods',
        'restricted-au',
        'password-expiry',
        'role',
        'tested',
        'ca-exclusion',
      ] as const) {
        expect(finding(f, check, upn).status).toBe('pass');
      }
    }
    expect(f.filter((x) => x.check === 'ca-policy')).toHaveLength(6);
  });

  it('reports how each account is excluded, and why out-of-scope policies pass', async () => {
    const f = await checkFolder(CLEAN);
    expect(finding(f, 'ca-policy', 'CA001 - Require MFA for all users').reason).toContain(
      "excluded through group 'BTG - Conditional Access exclusion'",
    );
    expect(finding(f, 'ca-policy', 'CA002 - Block legacy authentication').reason).toContain(
      `${UPN1} excluded directly`,
    );
    expect(finding(f, 'ca-policy', 'CA003 - Phishing-resistant MFA for administrators').reason).toMatch(/^report-only/);
    expect(finding(f, 'ca-policy', 'CA004 - Sales: require compliant device').reason).toContain('not in scope');
    expect(finding(f, 'ca-policy', 'CA006 - Workload identities: block outside trusted locations').reason).toContain(
      'includeUsers: None',
    );
    expect(finding(f, 'ca-policy', 'CA005 - Pilot: block unknown device platforms').reason).toMatch(
      /^disabled; if enabled it would apply to/,
    );
  });
});

describe('planted failures, one per derived export', () => {
  it('a Conditional Access policy without the exclusion fails, naming the policy', async () => {
    const dir = derive((e) =>
      e.json(P.policies, (b) => void (policyByName(b, 'CA001').conditions.users.excludeGroups = [])),
    );
    const f = await checkFolder(dir);
    const p = finding(f, 'ca-policy', 'CA001 - Require MFA for all users');
    expect(p.status).toBe('fail');
    expect(p.reason).toBe(`enabled policy applies to ${UPN1} (All users), ${UPN2} (All users) without excluding them`);
    expect(finding(f, 'ca-exclusion', UPN1)).toMatchObject({
      status: 'fail',
      reason: expect.stringContaining("'CA001 - Require MFA for all users' (All users)"),
    });
    expect(
      bad(f)
        .map((x) => `${x.check}/${x.subject}`)
        .sort(),
    ).toEqual(['ca-exclusion/' + UPN1, 'ca-exclusion/' + UPN2, 'ca-policy/CA001 - Require MFA for all users']);
  });

  it('a report-only policy without the exclusion fails too', async () => {
    const dir = derive((e) =>
      e.json(P.policies, (b) => void (policyByName(b, 'CA003').conditions.users.excludeGroups = [])),
    );
    const p = finding(await checkFolder(dir), 'ca-policy', 'CA003 - Phishing-resistant MFA for administrators');
    expect(p.status).toBe('fail');
    expect(p.reason).toContain('report-only policy applies to');
    expect(p.reason).toContain('role Global Administrator');
  });

  it('an account synced from on-premises fails cloud-only', async () => {
    const dir = derive((e) => e.json(P.user(B1), (u) => void (u.onPremisesSyncEnabled = true)));
    const f = await checkFolder(dir);
    expect(finding(f, 'cloud-only', UPN1)).toMatchObject({
      status: 'fail',
      reason: expect.stringContaining('onPremisesSyncEnabled: true'),
    });
    expect(bad(f)).toHaveLength(1);
  });

  it('an account without FIDO2 / passkey fails, and its weaker methods warn', async () => {
    const dir = derive((e) =>
      e.json(P.methods(B1), (b) => {
        b.value = b.value.filter((m: any) => m['@odata.type'] === '#microsoft.graph.passwordAuthenticationMethod');
        b.value.push({
          '@odata.type': '#microsoft.graph.phoneAuthenticationMethod',
          id: 'p1',
          phoneNumber: '+47 55501000',
          phoneType: 'mobile',
        });
        b.value.push({
          '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
          id: 't1',
          isUsable: true,
        });
      }),
    );
    const f = await checkFolder(dir);
    expect(finding(f, 'phishing-resistant-method', UPN1)).toMatchObject({
      status: 'fail',
      reason: expect.stringContaining('no phishing-resistant method registered'),
    });
    expect(finding(f, 'weaker-methods', UPN1)).toMatchObject({
      status: 'warn',
      reason: expect.stringContaining('phone (SMS/voice), Temporary Access Pass'),
    });
  });

  it("Windows Hello for Business counts as phishing-resistant only when options.allowedAuthMethods lists it (not by default, per Microsoft's guidance); a certificate does by default", async () => {
    const FIDO2 = '#microsoft.graph.fido2AuthenticationMethod';
    const whfb = {
      '@odata.type': '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod',
      id: '_jpuR-TGZtk6aQCLF3BQjA2',
      displayName: 'PAW-BTG-01',
      createdDateTime: '2024-03-02T11:00:00Z',
      keyStrength: 'normal',
    };
    const cert = {
      '@odata.type': '#microsoft.graph.x509CertificateAuthenticationMethod',
      id: 'c1',
      createdDateTime: '2024-03-02T11:00:00Z',
    };
    const hello = derive((e) =>
      e.json(P.methods(B2), (b) => void (b.value = [...b.value.filter((m: any) => m['@odata.type'] !== FIDO2), whfb])),
    );
    const f = await checkFolder(hello);
    expect(finding(f, 'phishing-resistant-method', UPN2).status).toBe('fail');
    expect(finding(f, 'weaker-methods', UPN2)).toMatchObject({
      status: 'warn',
      reason: expect.stringContaining('not in options.allowedAuthMethods: Windows Hello for Business'),
    });
    const withHello = configWith(
      (c) => (c.options.allowedAuthMethods = ['FIDO2 security key', 'Windows Hello for Business']),
    );
    expect(finding(await checkFolder(hello, withHello), 'phishing-resistant-method', UPN2).status).toBe('pass');
    const certOnly = derive((e) =>
      e.json(P.methods(B2), (b) => void (b.value = [...b.value.filter((m: any) => m['@odata.type'] !== FIDO2), cert])),
    );
    expect(finding(await checkFolder(certOnly), 'phishing-resistant-method', UPN2).status).toBe('pass');
    const fidoOnly = configWith((c) => (c.options.allowedAuthMethods = ['FIDO2 security key']));
    expect(finding(await checkFolder(certOnly, fidoOnly), 'phishing-resistant-method', UPN2).status).toBe('fail');
  });

  it('an account not used within testIntervalDays is overdue', async () => {
    const dir = derive((e) =>
      e.json(P.user(B1), (u) => {
        u.signInActivity.lastSignInDateTime = '2024-11-01T10:00:00Z';
        u.signInActivity.lastNonInteractiveSignInDateTime = '2024-11-01T10:01:00Z';
        u.signInActivity.lastSuccessfulSignInDateTime = '2024-11-01T10:00:00Z';
      }),
    );
    const f = await checkFolder(dir);
    expect(finding(f, 'tested', UPN1)).toMatchObject({
      status: 'fail',
      reason:
        'last successful sign-in 2024-11-01 (211 days ago): overdue, must be used (tested) every 90 days (was due 2025-01-30)',
    });
    // the interval comes from the config, and "now" is injectable
    expect(
      finding(
        await checkFolder(
          dir,
          configWith((c) => (c.options.testIntervalDays = 365)),
        ),
        'tested',
        UPN1,
      ).status,
    ).toBe('pass');
    expect(finding(await checkFolder(CLEAN, undefined, new Date('2026-01-01T00:00:00Z')), 'tested', UPN2).status).toBe(
      'fail',
    );
  });

  it('a never-used account fails the test check; without lastSuccessfulSignInDateTime the latest sign-in counts', async () => {
    const never = derive((e) => e.json(P.user(B1), (u) => void (u.signInActivity = null)));
    expect(finding(await checkFolder(never), 'tested', UPN1)).toMatchObject({
      status: 'fail',
      reason: expect.stringContaining('no sign-in recorded'),
    });
    const older = derive((e) =>
      e.json(P.user(B1), (u) => {
        u.signInActivity = {
          lastSignInDateTime: '2024-01-01T00:00:00Z',
          lastNonInteractiveSignInDateTime: '2025-05-30T00:00:00Z',
        };
      }),
    );
    expect(finding(await checkFolder(older), 'tested', UPN1)).toMatchObject({
      status: 'pass',
      reason: expect.stringContaining('last sign-in 2025-05-30'),
    });
  });

  it('signInActivity missing from the export is skipped, not passed', async () => {
    const dir = derive((e) => e.json(P.user(B1), (u) => void delete u.signInActivity));
    expect(finding(await checkFolder(dir), 'tested', UPN1)).toMatchObject({
      status: 'skip',
      reason: expect.stringContaining('signInActivity not in'),
    });
  });

  it('a single account warns when allowSingleAccount is set, fails otherwise', async () => {
    const single = configWith((c) => {
      c.accounts = c.accounts.slice(0, 1);
      c.allowSingleAccount = true;
    });
    const f = await checkFolder(CLEAN, single);
    expect(finding(f, 'account-count')).toMatchObject({
      status: 'warn',
      reason: expect.stringContaining('only 1 break-glass account'),
    });
    expect(f.some((x) => x.subject === UPN2)).toBe(false);
    const notAllowed = configWith((c) => (c.accounts = c.accounts.slice(0, 1)));
    expect(finding(await checkFolder(CLEAN, notAllowed), 'account-count').status).toBe('fail');
  });

  it('two configured accounts but one disabled: fewer than two usable', async () => {
    const dir = derive((e) => e.json(P.user(B2), (u) => void (u.accountEnabled = false)));
    const f = await checkFolder(dir);
    expect(finding(f, 'account', UPN2)).toMatchObject({ status: 'fail', reason: expect.stringContaining('disabled') });
    expect(finding(f, 'account-count')).toMatchObject({
      status: 'fail',
      reason: expect.stringContaining('only 1 of 2 accounts usable'),
    });
  });

  it('a PIM-eligible-only role fails; no role at all fails', async () => {
    const eligibleOnly = derive((e) => {
      e.json(P.roleAssignments, (b) => void (b.value = b.value.filter((a: any) => a.principalId !== B2)));
      e.json(
        P.roleEligibility,
        (b) =>
          void b.value.push({
            id: 'e2',
            principalId: B2,
            roleDefinitionId: GA,
            directoryScopeId: '/',
            status: 'Provisioned',
            memberType: 'Direct',
          }),
      );
    });
    const f = await checkFolder(eligibleOnly);
    expect(finding(f, 'role', UPN2)).toMatchObject({
      status: 'fail',
      reason: expect.stringContaining('only PIM-eligible for Global Administrator'),
    });
    const none = derive((e) =>
      e.json(P.roleAssignments, (b) => void (b.value = b.value.filter((a: any) => a.principalId !== B2))),
    );
    expect(finding(await checkFolder(none), 'role', UPN2)).toMatchObject({
      status: 'fail',
      reason: 'does not hold Global Administrator (no active or eligible assignment)',
    });
  });

  it('the role can be given by roleDefinitionId or another well-known name; unknown names are skipped with the reason', async () => {
    const byId = configWith((c) => (c.accounts[0].role = GA.toUpperCase()));
    expect(finding(await checkFolder(CLEAN, byId), 'role', UPN1).status).toBe('pass');
    const other = configWith((c) => (c.accounts[0].role = 'privileged role administrator'));
    expect(finding(await checkFolder(CLEAN, other), 'role', UPN1)).toMatchObject({
      status: 'fail',
      reason: expect.stringContaining('Privileged Role Administrator'),
    });
    const unknown = configWith((c) => (c.accounts[0].role = 'Chief Emergency Officer'));
    expect(finding(await checkFolder(CLEAN, unknown), 'role', UPN1)).toMatchObject({
      status: 'skip',
      reason: expect.stringContaining('put its roleDefinitionId'),
    });
  });

  it('a role held only through a group warns', async () => {
    const dir = derive((e) =>
      e.json(
        P.roleAssignments,
        (b) => void b.value.forEach((a: any) => a.principalId === B1 && (a.principalId = GEXCL)),
      ),
    );
    expect(finding(await checkFolder(dir), 'role', UPN1)).toMatchObject({
      status: 'warn',
      reason: expect.stringContaining("only through group 'BTG - Conditional Access exclusion'"),
    });
  });

  it('a guest account fails', async () => {
    const dir = derive((e) => e.json(P.user(B2), (u) => void (u.userType = 'Guest')));
    expect(finding(await checkFolder(dir), 'not-guest', UPN2)).toMatchObject({
      status: 'fail',
      reason: expect.stringContaining('userType is Guest'),
    });
  });

  it('an expiring password warns; a passwordless account passes', async () => {
    const dir = derive((e) => e.json(P.user(B1), (u) => void (u.passwordPolicies = 'DisableStrongPassword')));
    const f = await checkFolder(dir);
    expect(finding(f, 'password-expiry', UPN1)).toMatchObject({
      status: 'warn',
      reason: expect.stringContaining('passwordPolicies: DisableStrongPassword'),
    });
    expect(f.filter((x) => x.status === 'fail')).toEqual([]);
    const passwordless = derive((e) => {
      e.json(P.user(B1), (u) => void (u.passwordPolicies = null));
      e.json(
        P.methods(B1),
        (b) =>
          void (b.value = b.value.filter(
            (m: any) => m['@odata.type'] !== '#microsoft.graph.passwordAuthenticationMethod',
          )),
      );
    });
    expect(finding(await checkFolder(passwordless), 'password-expiry', UPN1)).toMatchObject({
      status: 'pass',
      reason: expect.stringContaining('passwordless'),
    });
  });

  it('no restricted management administrative unit warns', async () => {
    const none = derive((e) =>
      e.json(
        P.memberOf(B1),
        (b) => void (b.value = b.value.filter((o: any) => o['@odata.type'] !== '#microsoft.graph.administrativeUnit')),
      ),
    );
    expect(finding(await checkFolder(none), 'restricted-au', UPN1)).toMatchObject({
      status: 'warn',
      reason: expect.stringContaining('not in a restricted management administrative unit'),
    });
    const unrestricted = derive((e) =>
      e.json(P.memberOf(B1), (b) => void b.value.forEach((o: any) => (o.isMemberManagementRestricted = false))),
    );
    expect(finding(await checkFolder(unrestricted), 'restricted-au', UPN1)).toMatchObject({
      status: 'warn',
      reason: expect.stringContaining('none with restricted management'),
    });
  });

  it('a missing file is "not exported" (skip), never a pass', async () => {
    const dir = derive((e) => {
      e.remove(P.methods(B1));
      e.remove(P.roleAssignments);
    });
    const f = await checkFolder(dir);
    for (const check of ['phishing-resistant-method', 'weaker-methods'] as const) {
      expect(finding(f, check, UPN1)).toEqual(
        expect.objectContaining({ status: 'skip', reason: `not exported: ${P.methods(B1)}` }),
      );
    }
    expect(finding(f, 'role', UPN2)).toMatchObject({ status: 'skip', reason: `not exported: ${P.roleAssignments}` });
    // includeRoles cannot be evaluated without the role assignments, and the group exclusion still holds
    expect(finding(f, 'ca-policy', 'CA003 - Phishing-resistant MFA for administrators').status).toBe('pass');

    const noPolicies = derive((e) => e.remove(P.policies));
    const g = await checkFolder(noPolicies);
    expect(finding(g, 'ca-policy')).toMatchObject({ status: 'skip', reason: `not exported: ${P.policies}` });
    expect(finding(g, 'ca-exclusion', UPN1)).toMatchObject({ status: 'skip', reason: `not exported: ${P.policies}` });

    const noUser = derive((e) => e.remove(P.user(B2)));
    const h = await checkFolder(noUser);
    for (const check of ['account', 'cloud-only', 'not-guest', 'password-expiry', 'tested'] as const) {
      expect(finding(h, check, UPN2)).toMatchObject({ status: 'skip', reason: `not exported: ${P.user(B2)}` });
    }
    expect(bad(h)).toEqual([]);
  });

  it('a file that is not a Graph response is reported, not guessed at', async () => {
    const dir = derive((e) => e.json(P.policies, (b) => void (b.value[0].state = 42)));
    expect(finding(await checkFolder(dir), 'ca-policy')).toMatchObject({
      status: 'skip',
      reason: expect.stringContaining('unexpected response shape at value[0].state'),
    });
    const notJson = derive((e) => e.remove(P.methods(B1)));
    require('fs').writeFileSync(require('path').join(notJson, P.methods(B1)), '{not json');
    expect(finding(await checkFolder(notJson), 'weaker-methods', UPN1)).toMatchObject({
      status: 'skip',
      reason: expect.stringContaining('not valid JSON'),
    });
  });

  it('an account that does not exist in the directory fails once; its other checks are skipped', async () => {
    const dir = derive((e) =>
      e.write(P.user(B2), {
        error: { code: 'Request_ResourceNotFound', message: `Resource '${B2}' does not exist.` },
        '@btg.httpStatus': 404,
      }),
    );
    const f = await checkFolder(dir);
    expect(finding(f, 'account', UPN2)).toMatchObject({
      status: 'fail',
      reason: expect.stringContaining(`no user with objectId ${B2}`),
    });
    expect(finding(f, 'account-count').status).toBe('fail');
    expect(f.filter((x) => x.subject === UPN2 && x.check !== 'account').every((x) => x.status === 'skip')).toBe(true);
    expect(finding(f, 'ca-policy', 'CA005 - Pilot: block unknown device platforms').reason).not.toContain(UPN2);
  });

  it('a UPN that does not match the config warns', async () => {
    const dir = derive((e) => e.json(P.user(B1), (u) => void (u.userPrincipalName = 'someone-else@contoso.example')));
    expect(finding(await checkFolder(dir), 'account', UPN1)).toMatchObject({
      status: 'warn',
      reason: expect.stringContaining('someone-else@contoso.example'),
    });
  });
});

describe('the on-disk failing export (several planted failures)', () => {
  it('reports each planted failure', async () => {
    const f = await checkFolder(FAILING);
    const expected: [string, string, string, string][] = [
      ['cloud-only', UPN1, 'fail', 'onPremisesSyncEnabled: true'],
      ['tested', UPN1, 'fail', 'overdue'],
      ['password-expiry', UPN1, 'warn', 'password may expire'],
      ['restricted-au', UPN1, 'warn', 'none with restricted management'],
      ['weaker-methods', UPN1, 'warn', 'phone'],
      ['not-guest', UPN2, 'fail', 'Guest'],
      ['phishing-resistant-method', UPN2, 'fail', 'no phishing-resistant method'],
      ['role', UPN2, 'fail', 'only PIM-eligible'],
      ['restricted-au', UPN2, 'skip', `not exported: ${P.memberOf(B2)}`],
      ['ca-exclusion', UPN1, 'fail', 'CA002 - Block legacy authentication'],
      ['ca-exclusion', UPN2, 'fail', 'CA001 - Require MFA for all users'],
      ['ca-policy', 'CA001 - Require MFA for all users', 'fail', `applies to ${UPN2} (All users) without excluding it`],
      ['ca-policy', 'CA002 - Block legacy authentication', 'fail', `${UPN1} (All users), ${UPN2} (All users)`],
      [
        'ca-policy',
        'CA003 - Phishing-resistant MFA for administrators',
        'fail',
        'PIM-eligible: applies once activated',
      ],
      [
        'ca-policy',
        'CA004 - Sales: require compliant device',
        'skip',
        'not exported: groups/00000000-0000-4000-8000-00000000c002/transitiveMembers.json',
      ],
      ['ca-policy', 'CA005 - Pilot: block unknown device platforms', 'info', 'disabled'],
    ];
    for (const [check, subject, status, text] of expected) {
      const x = finding(f, check as any, subject);
      expect({ check, subject, status: x.status }).toEqual({ check, subject, status });
      expect(x.reason).toContain(text);
    }
    expect(f.filter((x) => x.status === 'fail')).toHaveLength(10);
  });

  it('carries its export time in btg-export.json (the default "as of" for --from)', () => {
    expect(new FolderGraphSource(FAILING).manifest()?.exportedAt).toBe(NOW.toISOString());
    expect(new FolderGraphSource(CLEAN).manifest()?.exportedAt).toBe(NOW.toISOString());
  });
});

describe('tested: from the drills on record when btg check can read them (issue 14 item 6)', () => {
  const run = async (drills: ((ws: unknown) => Promise<unknown[]>) | undefined, dir = CLEAN) =>
    (
      await runPosture({
        config: exampleConfig(),
        source: new FolderGraphSource(dir),
        now: NOW,
        workspace: { skipReason: 'offline test' },
        drills: drills as never,
      })
    ).findings;
  const drill = (account: string, result: string, start: string) => ({
    accountObjectId: account.toUpperCase(),
    result,
    drillStart: start,
  });

  it('a passed drill within the interval passes; a sign-in alone is a warning, not a test', async () => {
    const f = await run(async () => [
      drill(B1, 'passed', '2025-05-20T09:00:00Z'),
      drill(B2, 'timed-out', '2025-05-30T09:00:00Z'),
    ]);
    expect(finding(f, 'tested', UPN1)).toMatchObject({
      status: 'pass',
      reason: expect.stringMatching(
        /^last passed drill 2025-05-20 \(11 days ago, btg drill records in watchlist BreakGlassDrills of /,
      ),
    });
    // B2 signed in on 2025-04-28 (CLEAN) and its only drill timed out
    expect(finding(f, 'tested', UPN2)).toMatchObject({
      status: 'warn',
      reason: expect.stringMatching(
        /^no passed drill on record .*it signed in 2025-04-28, but a sign-in is not a test/,
      ),
    });
  });

  it('an old drill and no recent sign-in fail; unreadable records fall back to the sign-in activity and say so', async () => {
    const old = derive((e) =>
      e.json(P.user(B1), (u) => {
        u.signInActivity.lastSuccessfulSignInDateTime = '2024-11-01T10:00:00Z';
      }),
    );
    const f = await run(async () => [drill(B1, 'passed', '2025-01-01T09:00:00Z')], old);
    expect(finding(f, 'tested', UPN1)).toMatchObject({
      status: 'fail',
      reason: expect.stringMatching(/^last passed drill 2025-01-01 \(.*\), more than 90 days ago: overdue/),
    });
    const g = await run(async () => {
      throw new Error('HTTP 403 AuthorizationFailed');
    });
    expect(finding(g, 'tested', UPN1)).toMatchObject({
      status: 'pass',
      reason: expect.stringMatching(
        /^last successful sign-in 2025-05-12 .*\(from the sign-in activity: the drill records could not be read: watchlist BreakGlassDrills of .*HTTP 403/,
      ),
    });
  });
  it('a watchlist stuffed with records is read, not a crash (the newest passed drill counts)', async () => {
    const many = Array.from({ length: 200_000 }, () => drill(B1, 'passed', '2025-01-01T09:00:00Z'));
    many.push(drill(B1, 'passed', '2025-05-20T09:00:00Z'), drill(B1, 'passed', '2099-01-01T00:00:00Z'));
    const f = await run(async () => many);
    expect(finding(f, 'tested', UPN1)).toMatchObject({
      status: 'pass',
      reason: expect.stringMatching(/^last passed drill 2025-05-20 /),
    });
  });
});
