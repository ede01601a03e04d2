/**
 * Two recorded conversations about one demo child the demo practitioner works with: a phone call with the school
 * (one action done, one open on her work list) and a meeting with her team leader. Everyone named is fictional.
 */
import type { Transaction } from 'kysely';
import { FOLLOW_UP_JOB, followUpInstant } from '../../features/conversations/service.ts';
import { addDays, londonMidnight, londonToday, WorkingCalendar } from '../../platform/calendar.ts';
import { enqueueJob } from '../../platform/jobs.ts';
import { assignWork } from '../../platform/work.ts';
import type { DB } from '../schema.ts';
import type { FamilyRows } from './families.ts';
import { demoId } from './random.ts';

const PRACTITIONER = demoId('user:practitioner@demo.early-help.invalid');
const TEAM_LEADER = demoId('user:manager@demo.early-help.invalid');
const HEALTH = demoId('org:lea-health');

export async function seedDemoConversations(trx: Transaction<DB>, families: FamilyRows, today: Date): Promise<number> {
  const childIds = new Set(families.persons.filter((p) => p.kind === 'child').map((p) => p.id));
  const involvement = families.involvements.find(
    (i) => i.user_id === PRACTITIONER && !i.ended_on && childIds.has(i.person_id),
  );
  if (!involvement) return 0;
  const childId = involvement.person_id;
  const day = londonToday(today);
  const calendar = new WorkingCalendar();
  const conversations = [
    {
      key: 'phone',
      kind: 'phone' as const,
      heldOn: addDays(day, -12),
      concerns: 'Missed two health appointments this term; often tired at the start of the school day.',
      strengths: 'Warm relationship with mum; settled in class and has friends.',
      agreed: 'The school will share attendance each week; health visiting will offer a home visit.',
      outside: { name: 'Jo Marsh', organisation: 'Lea North Primary School (demo)', role: 'Class teacher' },
      participants: [PRACTITIONER],
      actions: [
        { description: 'Offer the family a home visit', owner: PRACTITIONER, dueIn: 5, done: true },
        {
          description: 'Check whether a parenting group has places this term',
          owner: PRACTITIONER,
          dueIn: 20,
          done: false,
        },
      ],
      recipients: [TEAM_LEADER],
    },
    {
      key: 'meeting',
      kind: 'meeting' as const,
      heldOn: addDays(day, -3),
      concerns: 'Attendance has not improved since the phone call with school.',
      strengths: 'Mum accepted the home visit and asked about a parenting group.',
      agreed: 'Keep the plan for four more weeks, then talk again with the school.',
      outside: null,
      participants: [PRACTITIONER, TEAM_LEADER],
      actions: [
        { description: 'Arrange a follow-up call with the school', owner: TEAM_LEADER, dueIn: 10, done: false },
      ],
      recipients: [],
    },
  ];
  for (const c of conversations) {
    const id = demoId(`conversation:${c.key}`);
    const followUpOn = calendar.addWorkingDays(c.heldOn, 10);
    await trx
      .insertInto('conversation')
      .values({
        id,
        person_id: childId,
        organisation_id: HEALTH,
        kind: c.kind,
        held_on: c.heldOn,
        concerns: c.concerns,
        strengths: c.strengths,
        agreed: c.agreed,
        recorded_by: PRACTITIONER,
        recorded_at: new Date(londonMidnight(c.heldOn).getTime() + 15 * 3600_000),
        follow_up_on: followUpOn,
      })
      .execute();
    await trx.insertInto('conversation_child').values({ conversation_id: id, person_id: childId }).execute();
    await trx
      .insertInto('conversation_participant')
      .values([
        ...c.participants.map((u) => ({ conversation_id: id, user_id: u })),
        ...(c.outside
          ? [
              {
                conversation_id: id,
                name: c.outside.name,
                organisation_name: c.outside.organisation,
                role: c.outside.role,
              },
            ]
          : []),
      ])
      .execute();
    for (const [i, a] of c.actions.entries()) {
      const actionId = demoId(`conversation:${c.key}:action:${i}`);
      const dueOn = calendar.addWorkingDays(c.heldOn, a.dueIn);
      const doneAt = a.done ? new Date(londonMidnight(dueOn).getTime() - 24 * 3600_000) : null;
      await trx
        .insertInto('conversation_action')
        .values({
          id: actionId,
          conversation_id: id,
          description: a.description,
          owner_user_id: a.owner,
          due_on: dueOn,
          done_at: doneAt,
          done_by: doneAt ? a.owner : null,
        })
        .execute();
      if (!a.done) {
        await assignWork(trx, {
          kind: 'conversation.action',
          title: 'An action agreed in a conversation',
          href: `/people/${childId}/conversations/${id}#action-${actionId}`,
          sourceType: 'conversation_action',
          sourceId: actionId,
          personId: null,
          assignTo: { userIds: [a.owner] },
          dueAt: londonMidnight(addDays(dueOn, 1)),
          at: today,
          by: PRACTITIONER,
        });
      }
    }
    if (c.recipients.length) {
      await trx
        .insertInto('conversation_recipient')
        .values(c.recipients.map((u) => ({ conversation_id: id, user_id: u })))
        .execute();
    }
    await enqueueJob(trx, FOLLOW_UP_JOB, { conversationId: id }, { runAt: followUpInstant(followUpOn) });
  }
  return conversations.length;
}
