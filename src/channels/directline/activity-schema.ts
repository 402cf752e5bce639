/**
 * What a web chat user may post. Everything else is dropped; identity, conversation and
 * timestamps are set by the server, never taken from the client.
 */
import { z } from 'zod';

const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/;

export const localeSchema = z.string().max(35).regex(LOCALE);

const account = z.object({
  id: z.string().min(1).max(128),
  name: z.string().max(128).optional(),
  role: z.string().max(32).optional(),
});

/** Web Chat's bookkeeping; other keys are not passed to the bot (it must not trust client data). */
const channelData = z.object({
  clientActivityID: z.string().max(128).optional(),
  clientTimestamp: z.string().max(64).optional(),
  postBack: z.boolean().optional(),
  messageBack: z.boolean().optional(),
});

export function userActivitySchema(maxMessageChars: number) {
  return z.object({
    type: z.enum(['message', 'event', 'typing']),
    from: account,
    text: z.string().max(maxMessageChars).optional(),
    textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
    locale: localeSchema.optional(),
    localTimestamp: z.string().max(64).optional(),
    localTimezone: z.string().max(64).optional(),
    name: z.string().max(128).optional(),
    value: z.unknown().optional(),
    channelData: channelData.optional(),
    entities: z.array(z.looseObject({ type: z.string().max(128) })).max(10).optional(),
    attachments: z.array(z.unknown()).optional(),
  });
}

export type UserActivityInput = z.infer<ReturnType<typeof userActivitySchema>>;

export const startConversationSchema = z
  .object({
    user: z.object({ id: z.string().max(128).optional(), name: z.string().max(128).optional() }).optional(),
    locale: localeSchema.optional(),
  })
  .optional();

export const generateTokenSchema = z
  .object({
    user: z.object({ id: z.unknown().optional() }).optional(),
  })
  .optional();

/** "text: too long" style: names the field, never echoes the value. */
export function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  return `Invalid field "${where}": ${issue?.code ?? 'invalid'}.`;
}
