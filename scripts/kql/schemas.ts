/** Table schemas: the bundled Log Analytics tables plus user-supplied ones in Azure-Sentinel's custom-table JSON format. */
import * as fs from 'fs';
import * as path from 'path';
import { packPath } from '../paths';

export interface Column {
  name: string;
  type: string;
}
export type TableSchemas = Record<string, Column[]>;

const KUSTO_TYPES: Record<string, string> = {
  string: 'string', dynamic: 'dynamic', datetime: 'datetime', bool: 'bool', boolean: 'bool', long: 'long', int: 'int',
  real: 'real', double: 'real', guid: 'guid', timespan: 'timespan', decimal: 'decimal',
};

export function normaliseType(t: string): string | undefined {
  return KUSTO_TYPES[t.toLowerCase()];
}

let bundled: TableSchemas | undefined;
/** SigninLogs, AADNonInteractiveUserSignInLogs, AuditLogs, AADServicePrincipalSignInLogs, SecurityIncident, SecurityAlert. */
export function bundledSchemas(): TableSchemas {
  if (!bundled) bundled = JSON.parse(fs.readFileSync(packPath('scripts', 'kql', 'table-schemas.json'), 'utf8')) as TableSchemas;
  return bundled;
}

export class SchemaLoadError extends Error {}

/**
 * Read a folder of Azure-Sentinel custom-table files: `{"Name": "T", "Properties": [{"Name": "c", "Type": "String"}]}`
 * (one table per file). Also accepts this pack's own `{"T": [{name, type}]}` shape.
 */
export function loadSchemaDir(dir: string): TableSchemas {
  const out: TableSchemas = {};
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new SchemaLoadError(`--schemas ${dir}: not a directory`);
  for (const f of fs.readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.json')).sort()) {
    const file = path.join(dir, f);
    let data: unknown;
    try {
      data = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new SchemaLoadError(`${file}: not valid JSON (${(e as Error).message})`);
    }
    const d = data as Record<string, unknown>;
    if (d && typeof d.Name === 'string' && Array.isArray(d.Properties)) {
      out[d.Name] = (d.Properties as { Name?: unknown; Type?: unknown }[]).map((p, i) => {
        const type = typeof p.Type === 'string' ? normaliseType(p.Type) : undefined;
        if (typeof p.Name !== 'string' || !type) throw new SchemaLoadError(`${file}: Properties[${i}]: expected {"Name": string, "Type": one of String, Dynamic, DateTime, Bool, Long, Int, Real, Guid}`);
        return { name: p.Name, type };
      });
    } else if (d && typeof d === 'object' && !Array.isArray(d)) {
      for (const [table, cols] of Object.entries(d)) {
        if (!Array.isArray(cols)) throw new SchemaLoadError(`${file}: expected {"Name", "Properties"} (Azure-Sentinel custom table) or {"<Table>": [{"name","type"}]}`);
        out[table] = (cols as Column[]).map((c, i) => {
          const type = normaliseType(String(c.type));
          if (typeof c.name !== 'string' || !type) throw new SchemaLoadError(`${file}: ${table}[${i}]: expected {"name": string, "type": kusto type}`);
          return { name: c.name, type };
        });
      }
    } else throw new SchemaLoadError(`${file}: expected an Azure-Sentinel custom table JSON object`);
  }
  return out;
}
