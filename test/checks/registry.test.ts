/**
 * The check registry (core/checks.ts) is the one list of ids: diagnostics, the check implementations and the posture
 * findings are typed by it (the @ts-expect-error lines fail the type-check of the tests if that stops), and its help
 * texts agree with the constants they name.
 */
import { CHECKS, CHECK_IDS, DIAGNOSTIC_CHECKS, POSTURE_CHECKS } from '../../scripts/core/checks';
import { Diagnostic } from '../../scripts/core/diagnostic';
import { TACTICS } from '../../scripts/content/attack';
import { ACCOUNT_SET_SYMBOLS } from '../../scripts/content/render';
import { Finding as PostureFinding, STATUSES } from '../../scripts/posture/checks';
import { ciChecks } from '../../scripts/validate/checks/ci';
import { huntingChecks } from '../../scripts/validate/checks/hunting';
import { monitorAlertChecks } from '../../scripts/validate/checks/monitorAlert';
import { packChecks } from '../../scripts/validate/checks/pack';
import { playbookChecks } from '../../scripts/validate/checks/playbook';
import { ruleChecks } from '../../scripts/validate/checks/rule';
import { defineChecks } from '../../scripts/validate/checks/types';
import { workbookChecks } from '../../scripts/validate/checks/workbook';
import { testRowChecks } from '../../scripts/validate/testRows';

describe('check registry', () => {
  it('a code, a check or a posture id that is not registered does not compile', () => {
    // @ts-expect-error 'no-such-check' is not a registered id
    const d: Diagnostic = { code: 'no-such-check', severity: 'error', message: 'x' };
    // @ts-expect-error a posture check is not a diagnostic code
    const p: Diagnostic = { code: 'cloud-only', severity: 'error', message: 'x' };
    // @ts-expect-error a diagnostic code is not a posture check
    const f: PostureFinding = { check: 'rule-severity', subject: 's', status: STATUSES[0], reason: 'r' };
    // @ts-expect-error a check under an unregistered id
    const c = defineChecks<unknown>()({ 'no-such-check': { fn: () => [] } });
    expect([d.code, p.code, f.check, Object.keys(c)]).toEqual([
      'no-such-check',
      'cloud-only',
      'rule-severity',
      ['no-such-check'],
    ]);
  });

  it('every implemented check is a registered diagnostic code, each implemented once', () => {
    const implemented = [
      ruleChecks,
      ciChecks,
      huntingChecks,
      packChecks,
      testRowChecks,
      workbookChecks,
      playbookChecks,
      monitorAlertChecks,
    ].flatMap((c) => Object.keys(c));
    expect(implemented.filter((id) => !(id in DIAGNOSTIC_CHECKS))).toEqual([]);
    expect(new Set(implemented).size).toBe(implemented.length);
  });

  it('every id is kebab-case with a description, help and severity; posture and diagnostics split the registry', () => {
    for (const id of CHECK_IDS) {
      expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(CHECKS[id].description.trim()).not.toBe('');
      expect(CHECKS[id].help.trim()).not.toBe('');
      expect(['error', 'warning', 'info']).toContain(CHECKS[id].severity);
    }
    expect(Object.keys(POSTURE_CHECKS).length).toBe(14);
    expect(Object.keys(DIAGNOSTIC_CHECKS).length + Object.keys(POSTURE_CHECKS).length).toBe(CHECK_IDS.length);
  });

  it('help texts name the constants as the code has them', () => {
    expect(CHECKS['hunting-tactics'].help).toContain(TACTICS.join(', '));
    expect(CHECKS['pack-account-filter'].help).toContain(ACCOUNT_SET_SYMBOLS.join(' or '));
  });
});
