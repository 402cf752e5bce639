/**
 * All settings come from environment variables, validated once at start-up.
 * A wrong value stops the process with a message naming the variable and what is expected.
 */
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Each variable: schema, default, and the one-line description used in the README table. */
export const VARIABLES = {
  PORT: { schema: int(0, 65535), default: '3978', doc: 'HTTP port of the web chat, Direct Line and bot endpoints.' },
  HOST: { schema: z.string().min(1), default: '127.0.0.1', doc: 'Interface to listen on (use 0.0.0.0 behind a reverse proxy).' },
  MONGODB_URI: { schema: z.string().regex(/^mongodb(\+srv)?:\/\/\S+$/, 'a mongodb:// or mongodb+srv:// URI').optional(), default: undefined, doc: 'External MongoDB. Unset: an embedded FerretDB (SQLite) is built and started.' },
  MONGODB_DB: { schema: z.string().regex(/^[A-Za-z0-9_-]{1,60}$/, 'letters, digits, _ or -'), default: 'boussole', doc: 'Database name.' },
  DATA_DIR: { schema: z.string().min(1), default: '.data', doc: 'Folder for the embedded database files (git-ignored).' },
  TOOLS_DIR: { schema: z.string().min(1), default: '.tools', doc: 'Folder where the FerretDB binary is built and cached (git-ignored).' },
  FERRETDB_BIN: { schema: z.string().min(1).optional(), default: undefined, doc: 'Use this FerretDB binary instead of building one.' },
  BOT_AUTH: { schema: z.enum(['jwt', 'local']).optional(), default: undefined, doc: '`local` turns Bot Framework JWT validation off on /api/messages (local development only). With MICROSOFT_APP_ID set, JWT is always on.' },
  MICROSOFT_APP_ID: { schema: z.string().optional(), default: undefined, doc: 'Bot Framework app id (Azure Bot registration).' },
  MICROSOFT_APP_PASSWORD: { schema: z.string().optional(), default: undefined, doc: 'Bot Framework app secret.' },
  MICROSOFT_APP_TENANT_ID: { schema: z.string().optional(), default: undefined, doc: 'Tenant of a single-tenant app.' },
  MICROSOFT_APP_TYPE: { schema: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional(), default: undefined, doc: 'Bot Framework app type.' },
  DIRECTLINE_TOKEN_TTL_SECONDS: { schema: int(60, 86400), default: '1800', doc: 'Lifetime of a web chat Direct Line token.' },
  CONVERSATION_RETENTION_HOURS: { schema: int(1, 24 * 365), default: '168', doc: 'Conversation state and web chat activities are erased this long after the last message.' },
  MAX_MESSAGE_CHARS: { schema: int(50, 10000), default: '1000', doc: 'Longest message text accepted from a person.' },
  RATE_LIMIT_MESSAGES_PER_MINUTE: { schema: int(0, 100000), default: '60', doc: 'Messages one conversation may send per minute (web chat posts, /api/messages activities), in bursts of up to half of it; more get 429 with Retry-After. Counted per server instance. 0: no limit.' },
  RATE_LIMIT_POLLS_PER_MINUTE: { schema: int(0, 100000), default: '1200', doc: 'Reads one web chat conversation may make per minute, apart from its messages: polls (a client without WebSocket polls about once a second), resumes and stream openings. 0: no limit.' },
  RATE_LIMIT_ADDRESS_MESSAGES_PER_MINUTE: { schema: int(0, 1000000), default: '600', doc: 'Requests other than polls from one client address (IPv6: one /64) per minute, all its conversations together. Behind a reverse proxy every client has the proxy\'s address, and on /api/messages it is the Bot Framework service\'s: raise it there. 0: no limit.' },
  RATE_LIMIT_ADDRESS_POLLS_PER_MINUTE: { schema: int(0, 1000000), default: '6000', doc: 'Web chat reads (polls, resumes, stream openings) from one client address per minute, all its conversations together. 0: no limit.' },
  LOG_LEVEL: { schema: z.enum(['debug', 'info', 'warn', 'error']), default: 'info', doc: 'Log level. Logs never contain message text.' },
  CASE_RETENTION_DAYS: { schema: int(1, 3650), default: '180', doc: 'Helpdesk cases (and their consented transcripts) are erased this long after their last update.' },
  HELPDESK_SESSION_HOURS: { schema: int(1, 24), default: '8', doc: 'Lifetime of a Helpdesk staff sign-in session.' },
  AUDIT_RETENTION_DAYS: { schema: int(30, 3650), default: '365', doc: 'Helpdesk audit log entries (who did what, never message text) are erased after this many days.' },
  SIGNIN_MAX_FAILURES: { schema: int(3, 20), default: '5', doc: 'Failed Helpdesk sign-ins in a row before the account is locked.' },
  SIGNIN_LOCK_MINUTES: { schema: int(1, 1440), default: '15', doc: 'How long a Helpdesk account stays locked after too many failed sign-ins.' },
  COOKIE_SECURE: { schema: bool, default: 'false', doc: 'Mark Helpdesk session cookies Secure (set true behind HTTPS).' },
  CATALOGUE_AUTO_IMPORT: { schema: bool, default: 'true', doc: 'Import `data/` into an empty catalogue at start-up.' },
  STORAGE_TIMEOUT_MS: { schema: int(200, 60000), default: '3000', doc: 'A database operation slower than this counts as the database being down: web-chat messages are then kept on local disk (DATA_DIR/kept) and answered from memory with the safety net, and replayed when it is back.' },
  TURN_CONCURRENCY: { schema: int(1, 1000), default: '16', doc: 'Turns (a message read and answered) one server runs at the same time; the others wait their turn in order. Beyond the point where the app and the database are both busy, more at once only makes every reply slower.' },
  STORAGE_HEAL_AFTER_MS: { schema: int(1000, 600000), default: '30000', doc: 'When the database has not answered for this long, Boussole checks with a fresh connection whether its own client or the server is stuck, and starts again whichever is (the embedded FerretDB is restarted; an external server only gets a fresh client). Then again at the same interval.' },
  SINGLE_INSTANCE: { schema: bool, default: 'false', doc: 'With MONGODB_URI: set true when this is the only instance on that database (no turn leases, no event bus between instances). The embedded database always has one.' },
  NLU_MODEL_CACHE: { schema: bool, default: 'true', doc: 'Keep the trained classifier in TOOLS_DIR/nlu-models, so that the next start loads it instead of training it again (about 15 s).' },
  PUBLIC_URL: { schema: z.string().regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'an http(s):// address').transform((v) => v.replace(/\/+$/, '')).optional(), default: undefined, doc: 'The address residents reach Boussole at (https://…), for links sent on channels other than the web page, such as "add to my calendar" on WhatsApp. Unset: the web page uses links relative to itself and WhatsApp gets none.' },
  OPERATOR_NAME: { schema: z.string().trim().min(2).max(120).optional(), default: undefined, doc: 'Who runs this Boussole (an organisation), named in the web page\'s privacy notice.' },
  OPERATOR_CONTACT: { schema: z.string().trim().regex(/^(?:[^\s@<>]+@[^\s@<>]+\.[a-z]{2,}|https:\/\/[^\s<>"]+|\+?[0-9][0-9 ./-]{5,20})$/i, 'an e-mail address, an https:// address or a phone number').optional(), default: undefined, doc: 'How a person reaches the operator about their data (e-mail, https:// page or phone), shown with OPERATOR_NAME.' },
  WHATSAPP_VERIFY_TOKEN: { schema: z.string().min(8).max(200).optional(), default: undefined, doc: 'WhatsApp channel: the verify token typed in the Meta app\'s webhook settings (GET /webhooks/whatsapp). The channel is on when this and the next three are set.' },
  WHATSAPP_APP_SECRET: { schema: z.string().min(8).max(200).optional(), default: undefined, doc: 'WhatsApp channel: the Meta app secret; every POST /webhooks/whatsapp must carry its X-Hub-Signature-256.' },
  WHATSAPP_ACCESS_TOKEN: { schema: z.string().min(8).max(2000).optional(), default: undefined, doc: 'WhatsApp channel: the permanent (system user) access token for the Graph API.' },
  WHATSAPP_PHONE_NUMBER_ID: { schema: z.string().regex(/^\d{1,30}$/, 'digits').optional(), default: undefined, doc: 'WhatsApp channel: the phone number id of the WhatsApp Business number (not the number itself).' },
  WHATSAPP_GRAPH_URL: { schema: z.string().url().regex(/^https?:\/\/[^\s]+[^/]$/, 'an http(s) URL without a trailing slash'), default: 'https://graph.facebook.com/v23.0', doc: 'WhatsApp channel: Graph API base URL, including the API version.' },
  WHATSAPP_TEMPLATE_NAME: { schema: z.string().regex(/^[a-z0-9_]{1,512}$/, 'a template name (lower case, digits, _)'), default: 'boussole_message', doc: 'WhatsApp channel: approved message template (one body parameter, the message) sent instead of a free-form message outside the 24-hour customer-service window (a late Helpdesk reply).' },
  WHATSAPP_TEMPLATE_LANGUAGES: { schema: z.string().regex(/^[a-z]{2}(_[A-Z]{2})?(,[a-z]{2}(_[A-Z]{2})?)*$/, 'comma-separated template language codes, e.g. fr,nl,en'), default: 'fr,nl,en', doc: 'WhatsApp channel: languages the template is approved in; the person\'s language when listed, else the first.' },
} as const;

type Vars = typeof VARIABLES;
export type Config = { [K in keyof Vars]: z.output<Vars[K]['schema']> } & { botAuth: 'jwt' | 'local' | 'disabled' };

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(VARIABLES)) {
    const raw = env[name] === '' ? undefined : env[name];
    const value = raw ?? spec.default;
    const parsed = (spec.schema as z.ZodType).safeParse(value);
    if (parsed.success) out[name] = parsed.data;
    else problems.push(`${name}=${JSON.stringify(raw)} is invalid: expected ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  const cfg = out as Config;
  if (cfg.MICROSOFT_APP_ID) {
    if (cfg.BOT_AUTH === 'local') throw new ConfigError('Invalid configuration:\n  BOT_AUTH=local cannot be combined with MICROSOFT_APP_ID: JWT validation is always on when an app id is configured.');
    cfg.botAuth = 'jwt';
  } else cfg.botAuth = cfg.BOT_AUTH === 'local' ? 'local' : 'disabled';
  return cfg;
}
