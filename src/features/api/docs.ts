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
  /** The fields of the JSON request body, nested ones by their path (`address.line1`). */
  body: DocParameter[];
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

/** The child id the request-for-support example names (a test swaps in a real child). */
export const EXAMPLE_CHILD_ID = '2a103aca-1ea7-8002-9cf7-33e1fd883ec0';

/**
 * Example request bodies, fictional and small, for the operations that take one: the documentation
 * page's curl example sends them, and a test runs every example against the app.
 */
export const EXAMPLE_BODIES: Record<string, Json> = {
  'POST /api/v1/people/search': { givenName: 'Blessing', familyName: 'Okafor', dateOfBirth: '2021-11-10' },
  'POST /api/v1/people': {
    givenName: 'Blessing',
    familyName: 'Okafor',
    dateOfBirth: '2021-11-10',
    sex: 'F',
    address: { line1: '71 Cross Flatts Grove', postcode: 'LS11 9BQ' },
    role: 'School nurse',
  },
  'POST /api/v1/people/{id}/break-glass': { reason: 'Child brought to A&E, finding who is involved' },
  'POST /api/v1/conversations': {
    personId: '2a103aca-1ea7-8002-9cf7-33e1fd883ec0',
    heldOn: '2026-11-02',
    kind: 'phone',
    outsideParticipants: [{ name: 'Pat Quinn', organisation: 'Lea Young Carers', role: 'Support worker' }],
    agreed: 'The school will share attendance weekly; the young carers service will visit the family',
  },
  'POST /api/v1/people/{id}/involvements': {
    role: 'School nurse',
    phone: '01632 960 214',
    reason: 'Referred to the school nursing service by the school',
  },
  'POST /api/v1/contacts': {
    significantHarm: false,
    urgency: 'normal',
    childIds: [EXAMPLE_CHILD_ID],
    referralSource: '2A',
    circumstances: 'Often hungry and tired in class since October.',
    needsToHappen: 'Someone to work with the family on routines.',
    tried: 'Breakfast club since October.',
    permission: 'enquiry_risk_of_harm',
    lawfulReason: 'The family could not be reached today.',
  },
  'POST /api/v1/assessments': { personId: EXAMPLE_CHILD_ID },
  'PUT /api/v1/assessments/{id}/sections/{section}': {
    version: 1,
    values: { whyNow: 'Attendance has dropped this term', whoAsked: 'Her mother asked the school' },
  },
  'POST /api/v1/assessments/{id}/needs': {
    version: 1,
    subArea: 'health',
    personId: null,
    description: 'Not registered with a dentist',
  },
  'POST /api/v1/assessments/{id}/submit': { managerId: '9c1e7a44-2b3d-4f5e-8a6b-7c8d9e0f1a2b' },
  'POST /api/v1/assessments/{id}/sign-off': { decision: 'signed_off' },
  'POST /api/v1/episodes/{id}/agency-assessments': {
    personId: EXAMPLE_CHILD_ID,
    tool: 'Health visiting family health needs assessment',
    completedOn: '2026-11-20',
    signedOffBy: 'Lee Lead, health visiting team leader',
    signedOffOn: '2026-11-24',
    level: 'early_help',
    summary: 'Sleep and feeding routines are hard for the family',
    needs: [{ subArea: 'health', personId: null, description: 'Not registered with a dentist' }],
    document: {
      fileName: 'family-health-needs.pdf',
      content: 'JVBERi0xLjQKMSAwIG9iaiA8PC9UeXBlIC9DYXRhbG9nPj4gZW5kb2JqCnRyYWlsZXIgPDwvUm9vdCAxIDAgUj4+CiUlRU9GCg==',
    },
  },
  'PUT /api/v1/episodes/{id}/plan': { strengths: 'A close family; Poppy loves reading', reviewWeeks: 6 },
  'POST /api/v1/episodes/{id}/plan/objectives': {
    domain: 'development',
    subArea: 'learning',
    need: 'Poppy is often late to school',
    successCriterion: 'On time every day for four weeks',
    targetDate: '2027-03-01',
    agreedBy: 'Poppy’s mother and the school',
    realistic: true,
  },
  'POST /api/v1/episodes/{id}/plan/objectives/{objectiveId}/actions': {
    what: 'A breakfast club place',
    ownerUserId: '9c1e7a44-2b3d-4f5e-8a6b-7c8d9e0f1a2b',
    dueDate: '2027-01-15',
  },
  'POST /api/v1/episodes/{id}/plan/agree': { agreedWith: 'Poppy’s mother', agreedOn: '2026-12-01' },
  'POST /api/v1/episodes/{id}/plan/reviews': {
    heldOn: '2027-01-12',
    familyView: 'Mornings are calmer',
    reviewWeeks: 6,
    progress: [
      {
        objectiveId: '4e2f9a1c-7b3d-4c8e-a5f6-1d2e3f4a5b6c',
        rating: 'some_progress',
        note: 'Late twice this week',
        status: 'open',
      },
    ],
  },
  'POST /api/v1/episodes/{id}/taf-meetings': {
    meetsOn: '2026-12-10',
    time: '14:30',
    format: 'in_person',
    place: 'Oak Lane Primary, the library',
    chairUserId: '9c1e7a44-2b3d-4f5e-8a6b-7c8d9e0f1a2b',
  },
  'POST /api/v1/episodes/{id}/taf-meetings/{meetingId}/record': {
    attendance: { lead: 'present' },
    others: [{ name: 'Pat Quinn', organisation: 'Lea Young Carers' }],
    familyViews: 'Mum wants help with mornings',
    decisions: ['A breakfast club place from Monday'],
    nextMeetingOn: '2027-01-21',
  },
  'POST /api/v1/panel-requests': {
    personId: EXAMPLE_CHILD_ID,
    panelId: '2f6d1c3a-8b4e-4d7f-9a1c-5e3b7d9f1a20',
    harm: 'no',
    breakdown: 'no',
    statutory: 'no',
    educationOnly: 'no',
    steps: ['monitored', 'consent-explained', 'assessment-signed-off'],
    changesWanted: 'Calmer mornings and school every day',
    successCriteria: 'On time every day for a term',
    questions: 'Which agency can offer a family worker?',
  },
  'POST /api/v1/panel-requests/{id}/decline': { reason: 'The school has not yet tried its own support plan' },
  'POST /api/v1/contacts/{id}/decision': {
    outcome: 'social_work_assessment',
    level: 'targeted',
    rationale: 'Needs across home and school that single agencies have not met.',
  },
};

/** A body with each required field, for an operation without a written example. */
function exampleFromSchema(schema: Json): unknown {
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Json>;
      const required = new Set((schema.required ?? []) as string[]);
      return Object.fromEntries(
        Object.entries(properties)
          .filter(([name]) => required.has(name))
          .map(([name, p]) => [name, exampleFromSchema(p)]),
      );
    }
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return false;
    default:
      return 'x'.repeat(typeof schema.minLength === 'number' ? schema.minLength : 1);
  }
}

function bodyFields(schema: Json, prefix = ''): DocParameter[] {
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).flatMap(([name, p]) => [
    {
      name: `${prefix}${name}`,
      in: 'body',
      type: describeSchema(p),
      required: required.has(name),
      description: String(p.description ?? ''),
    },
    ...(p.type === 'object' ? bodyFields(p, `${prefix}${name}.`) : []),
  ]);
}

function curlFor(method: string, path: string, auth: boolean, serverUrl: string, body: unknown): string {
  const parts = ['curl'];
  if (method !== 'GET') parts.push(`-X ${method}`);
  if (auth) parts.push(`-H "Authorization: Bearer ${PLACEHOLDER_TOKEN}"`);
  if (body !== undefined) parts.push('-H "Content-Type: application/json"', `-d '${JSON.stringify(body)}'`);
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
      const bodySchema = ((op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined)?.[
        'application/json'
      ]?.schema as Json | undefined;
      const key = `${method.toUpperCase()} ${path}`;
      const example = bodySchema ? (EXAMPLE_BODIES[key] ?? exampleFromSchema(bodySchema)) : undefined;
      const operation: DocOperation = {
        id: String(op.operationId),
        method: method.toUpperCase(),
        path,
        summary: String(op.summary ?? ''),
        description: String(op.description ?? ''),
        auth,
        parameters,
        body: bodySchema ? bodyFields(bodySchema) : [],
        responses,
        curl: curlFor(method.toUpperCase(), path, auth, serverUrl, example),
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
