/** Turns the OpenAPI document into what the documentation page shows: one section per tag. */

type Json = Record<string, unknown>;

export interface DocParameter {
  name: string;
  in: string;
  type: string;
  required: boolean;
  description: string;
}

export interface DocOperation {
  id: string;
  method: string;
  path: string;
  summary: string;
  description: string;
  auth: boolean;
  parameters: DocParameter[];
  responses: { status: string; description: string }[];
  curl: string;
}

export interface DocSection {
  tag: string;
  operations: DocOperation[];
}

export const PLACEHOLDER_TOKEN = 'ehh_YOUR_TOKEN';

/** A short, readable type: "integer, 1 to 100, default 20" or "one of: a, b". */
export function describeSchema(schema: Json): string {
  const parts: string[] = [];
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : String(schema.type ?? 'any');
  if (Array.isArray(schema.enum)) parts.push(`one of: ${schema.enum.join(', ')}`);
  else if (schema.format === 'uuid') parts.push('UUID');
  else parts.push(type);
  const min = schema.minimum;
  const max = schema.maximum;
  if (typeof min === 'number' && typeof max === 'number' && max < Number.MAX_SAFE_INTEGER) {
    parts.push(`${min} to ${max}`);
  } else if (typeof min === 'number') parts.push(`${min} or more`);
  if (schema.default !== undefined) parts.push(`default ${String(schema.default)}`);
  return parts.join(', ');
}

function curlFor(method: string, path: string, auth: boolean, serverUrl: string): string {
  const parts = ['curl'];
  if (method !== 'GET') parts.push(`-X ${method}`);
  if (auth) parts.push(`-H "Authorization: Bearer ${PLACEHOLDER_TOKEN}"`);
  parts.push(`"${serverUrl}${path}"`);
  return parts.join(' ');
}

export function docSections(document: Json): DocSection[] {
  const serverUrl = String(((document.servers as Json[] | undefined)?.[0]?.url as string | undefined) ?? '');
  const sections = new Map<string, DocOperation[]>();
  const paths = (document.paths ?? {}) as Record<string, Record<string, Json>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item)) {
      const auth = Array.isArray(op.security) && op.security.length > 0;
      const parameters = ((op.parameters ?? []) as Json[]).map((p) => ({
        name: String(p.name),
        in: String(p.in),
        type: describeSchema((p.schema ?? {}) as Json),
        required: p.required === true,
        description: String(p.description ?? ''),
      }));
      const responses = Object.entries((op.responses ?? {}) as Record<string, Json>).map(([status, r]) => ({
        status,
        description: String(r.description ?? ''),
      }));
      const operation: DocOperation = {
        id: String(op.operationId),
        method: method.toUpperCase(),
        path,
        summary: String(op.summary ?? ''),
        description: String(op.description ?? ''),
        auth,
        parameters,
        responses,
        curl: curlFor(method.toUpperCase(), path, auth, serverUrl),
      };
      for (const tag of (op.tags as string[] | undefined) ?? ['Other']) {
        sections.set(tag, [...(sections.get(tag) ?? []), operation]);
      }
    }
  }
  return [...sections.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([tag, operations]) => ({ tag, operations }));
}
