/**
 * MITRE ATT&CK (Enterprise) vocabulary used by the rule checks: Sentinel's tactic names and, for the
 * techniques identity detections use, the tactics each belongs to (attack.mitre.org, v15).
 */
export const TACTICS = [
  'Reconnaissance',
  'ResourceDevelopment',
  'InitialAccess',
  'Execution',
  'Persistence',
  'PrivilegeEscalation',
  'DefenseEvasion',
  'CredentialAccess',
  'Discovery',
  'LateralMovement',
  'Collection',
  'Exfiltration',
  'CommandAndControl',
  'Impact',
  'PreAttack',
  'ImpairProcessControl',
  'InhibitResponseFunction',
] as const;
export type Tactic = (typeof TACTICS)[number];

export const TECHNIQUE_TACTICS: Record<string, { name: string; tactics: Tactic[] }> = {
  T1078: { name: 'Valid Accounts', tactics: ['DefenseEvasion', 'Persistence', 'PrivilegeEscalation', 'InitialAccess'] },
  T1098: { name: 'Account Manipulation', tactics: ['Persistence', 'PrivilegeEscalation'] },
  T1556: { name: 'Modify Authentication Process', tactics: ['CredentialAccess', 'DefenseEvasion', 'Persistence'] },
  T1110: { name: 'Brute Force', tactics: ['CredentialAccess'] },
  T1136: { name: 'Create Account', tactics: ['Persistence'] },
  T1531: { name: 'Account Access Removal', tactics: ['Impact'] },
  T1484: { name: 'Domain or Tenant Policy Modification', tactics: ['DefenseEvasion', 'PrivilegeEscalation'] },
  T1562: { name: 'Impair Defenses', tactics: ['DefenseEvasion'] },
  T1552: { name: 'Unsecured Credentials', tactics: ['CredentialAccess'] },
  T1528: { name: 'Steal Application Access Token', tactics: ['CredentialAccess'] },
  T1550: { name: 'Use Alternate Authentication Material', tactics: ['DefenseEvasion', 'LateralMovement'] },
  T1606: { name: 'Forge Web Credentials', tactics: ['CredentialAccess'] },
  T1621: { name: 'Multi-Factor Authentication Request Generation', tactics: ['CredentialAccess'] },
  T1087: { name: 'Account Discovery', tactics: ['Discovery'] },
  T1069: { name: 'Permission Groups Discovery', tactics: ['Discovery'] },
  T1526: { name: 'Cloud Service Discovery', tactics: ['Discovery'] },
  T1538: { name: 'Cloud Service Dashboard', tactics: ['Discovery'] },
  T1580: { name: 'Cloud Infrastructure Discovery', tactics: ['Discovery'] },
  T1021: { name: 'Remote Services', tactics: ['LateralMovement'] },
  T1114: { name: 'Email Collection', tactics: ['Collection'] },
  T1530: { name: 'Data from Cloud Storage', tactics: ['Collection'] },
  T1537: { name: 'Transfer Data to Cloud Account', tactics: ['Exfiltration'] },
  T1566: { name: 'Phishing', tactics: ['InitialAccess'] },
  T1133: { name: 'External Remote Services', tactics: ['Persistence', 'InitialAccess'] },
  T1199: { name: 'Trusted Relationship', tactics: ['InitialAccess'] },
  T1190: { name: 'Exploit Public-Facing Application', tactics: ['InitialAccess'] },
  T1548: { name: 'Abuse Elevation Control Mechanism', tactics: ['PrivilegeEscalation', 'DefenseEvasion'] },
  T1068: { name: 'Exploitation for Privilege Escalation', tactics: ['PrivilegeEscalation'] },
  T1059: { name: 'Command and Scripting Interpreter', tactics: ['Execution'] },
  T1485: { name: 'Data Destruction', tactics: ['Impact'] },
  T1496: { name: 'Resource Hijacking', tactics: ['Impact'] },
  T1489: { name: 'Service Stop', tactics: ['Impact'] },
  T1070: { name: 'Indicator Removal', tactics: ['DefenseEvasion'] },
  T1090: { name: 'Proxy', tactics: ['CommandAndControl'] },
  T1595: { name: 'Active Scanning', tactics: ['Reconnaissance'] },
  T1589: { name: 'Gather Victim Identity Information', tactics: ['Reconnaissance'] },
  T1586: { name: 'Compromise Accounts', tactics: ['ResourceDevelopment'] },
  T1585: { name: 'Establish Accounts', tactics: ['ResourceDevelopment'] },
};

export const TECHNIQUE_RE = /^T\d{4}(\.\d{3})?$/;

/** Sub-technique names the pack uses (for reports). */
export const SUBTECHNIQUE_NAMES: Record<string, string> = {
  'T1078.004': 'Valid Accounts: Cloud Accounts',
  'T1098.003': 'Account Manipulation: Additional Cloud Roles',
  'T1098.005': 'Account Manipulation: Device Registration',
  'T1556.006': 'Modify Authentication Process: Multi-Factor Authentication',
  'T1556.009': 'Modify Authentication Process: Conditional Access Policies',
  'T1110.001': 'Brute Force: Password Guessing',
  'T1110.003': 'Brute Force: Password Spraying',
  'T1484.002': 'Domain or Tenant Policy Modification: Trust Modification',
  'T1562.001': 'Impair Defenses: Disable or Modify Tools',
  'T1562.008': 'Impair Defenses: Disable or Modify Cloud Logs',
  'T1556.007': 'Modify Authentication Process: Hybrid Identity',
  'T1606.002': 'Forge Web Credentials: SAML Tokens',
};
