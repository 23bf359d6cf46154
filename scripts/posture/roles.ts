/**
 * Well-known Microsoft Entra built-in role template ids. For built-in roles the roleDefinitionId of an
 * assignment equals the template id, so these resolve config names like "Global Administrator".
 * Source: Microsoft Entra built-in roles reference (permissions-reference, "Template ID" column).
 */
export const WELL_KNOWN_ROLES: Readonly<Record<string, string>> = {
  'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
  'Privileged Role Administrator': 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  'Privileged Authentication Administrator': '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  'Security Administrator': '194ae4cb-b126-40b2-bd5b-6091b380977d',
  'Conditional Access Administrator': 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9',
  'User Administrator': 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  'Authentication Administrator': 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  'Helpdesk Administrator': '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  'Hybrid Identity Administrator': '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2',
  'Application Administrator': '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  'Cloud Application Administrator': '158c047a-c907-4556-b7ef-446551a6b5f7',
  'Groups Administrator': 'fdd7a751-b60b-444a-984c-02652fe8fa1c',
  'Exchange Administrator': '29232cdf-9323-42fd-ade2-1d097af3e4de',
  'SharePoint Administrator': 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c',
  'Intune Administrator': '3a2c62db-5318-420d-8d74-23affee5d9d5',
  'Global Reader': 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  'Security Reader': '5d6b6bb7-de71-4623-b4af-96380a352509',
  'Security Operator': '5f2222b1-57c3-48ba-8ad5-d4759f1fde6f',
};

export const GLOBAL_ADMINISTRATOR = WELL_KNOWN_ROLES['Global Administrator'];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isGuid = (s: string): boolean => GUID.test(s);

export interface ResolvedRole {
  /** roleDefinitionId, lower case */
  id: string;
  /** display name (the well-known name, or the id when unknown) */
  name: string;
}

/** A role given by name (well-known built-in roles, case-insensitive) or by roleDefinitionId. */
export function resolveRole(role: string): ResolvedRole | undefined {
  const r = role.trim();
  if (isGuid(r)) {
    const id = r.toLowerCase();
    return { id, name: roleName(id) };
  }
  const hit = Object.entries(WELL_KNOWN_ROLES).find(([name]) => name.toLowerCase() === r.toLowerCase());
  return hit ? { id: hit[1], name: hit[0] } : undefined;
}

/** The well-known name of a roleDefinitionId, or the id itself. */
export function roleName(id: string): string {
  const lower = id.toLowerCase();
  const hit = Object.entries(WELL_KNOWN_ROLES).find(([, v]) => v === lower);
  return hit ? hit[0] : id;
}
