/**
 * Staff edits of the catalogue: services, one-off Rendez-vous and Rendez-vous series, each stored as
 * `{ ...entry, _id, _meta }`, with every change kept in `catalogue_history` (who, when, before →
 * after) so that it can be read per entry and reverted.
 *
 * Concurrency: FerretDB's updates are not atomic, so the history entry is the arbiter. A write from
 * revision n first inserts the history entry `<kind>|<id>|<n+1>`; its unique `_id` lets exactly one
 * of two concurrent writers through, the other is told its revision is stale. Every write stamps
 * the catalogue's version, so every instance's snapshot reloads (the bot uses it from the next
 * message).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Collection, Db } from 'mongodb';
import { rendezvousSchema, seriesSchema, serviceSchema, type Rendezvous, type Series, type Service } from '../catalogue/schema';
import type { CatalogueRepository } from './catalogue-repository';

export const ENTRY_KINDS = ['service', 'rendezvous', 'series'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];
export type Entry = Service | Rendezvous | Series;

export const KIND_COLLECTION: Record<EntryKind, string> = { service: 'services', rendezvous: 'rendezvous', series: 'rendezvous_series' };
export const KIND_SCHEMA = { service: serviceSchema, rendezvous: rendezvousSchema, series: seriesSchema } as const;

export interface EntryMeta {
  revision: number;
  /** Where the entry came from: the files in data/ or the console. */
  origin: 'import' | 'staff';
  /** A person changed it in the console: `catalogue:import` never overwrites it silently. */
  staffEdited?: boolean;
  archived?: boolean;
  editedAt?: Date;
  editedBy?: string;
  /** Who last marked every fact as checked (the date is the entry's `checkedAt`). */
  checkedBy?: string;
}

export type StoredEntry<E = Entry> = E & { _id: string; _meta?: EntryMeta };

export const HISTORY_ACTIONS = ['create', 'edit', 'archive', 'restore', 'check', 'cancel', 'uncancel', 'revert', 'import'] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

export interface HistoryEntry {
  /** `<kind>|<entry id>|<revision>` */
  _id: string;
  kind: EntryKind;
  entryId: string;
  revision: number;
  at: Date;
  /** Staff account id, or `import`. */
  by: string;
  byName: string;
  action: HistoryAction;
  before: Entry | null;
  after: Entry | null;
  archivedBefore: boolean;
  archivedAfter: boolean;
}

export interface Change {
  path: string;
  before: unknown;
  after: unknown;
}

export type WriteResult = { ok: true; revision: number } | { ok: false; status: 404 | 409 | 400; code: 'not_found' | 'stale_revision' | 'id_taken' | 'cannot_revert' };

export interface Actor {
  id: string;
  name: string;
}

const DUPLICATE_KEY = 11000;
const isDuplicateKey = (err: unknown) => (err as { code?: number })?.code === DUPLICATE_KEY;
/** A history entry whose write never reached its document (a crash in between) is given back after this. */
const ORPHAN_AFTER_MS = 10_000;

/** The entry without storage fields. */
export function entryOf<E extends Entry>(doc: StoredEntry<E>): E {
  const { _id: _ignored, _meta: _m, ...entry } = doc;
  return entry as unknown as E;
}

/** What differs between two versions, as leaf paths ("name.fr", "hours.slots"): arrays count as one value. */
export function changesBetween(before: unknown, after: unknown, prefix = ''): Change[] {
  if (isDeepStrictEqual(before, after)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => changesBetween(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  return [{ path: prefix || '(entry)', before: before ?? null, after: after ?? null }];
}

export class CatalogueEditing {
  readonly history: Collection<HistoryEntry>;
  constructor(
    private readonly db: Db,
    private readonly catalogue: Pick<CatalogueRepository, 'touch'>,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.history = db.collection<HistoryEntry>('catalogue_history');
  }

  async ensureIndexes(): Promise<void> {
    await this.history.createIndex({ entryId: 1, kind: 1 });
  }

  private col(kind: EntryKind): Collection<StoredEntry> {
    return this.db.collection<StoredEntry>(KIND_COLLECTION[kind]);
  }

  async get(kind: EntryKind, id: string): Promise<StoredEntry | undefined> {
    return (await this.col(kind).findOne({ _id: String(id) })) ?? undefined;
  }

  /** Every entry of a kind, archived ones included (the console filters; the catalogue is small). */
  async list(kind: EntryKind): Promise<StoredEntry[]> {
    return this.col(kind).find({}).sort({ _id: 1 }).toArray();
  }

  /** A new entry from the console (revision 1). */
  async create(kind: EntryKind, entry: Entry, actor: Actor): Promise<WriteResult> {
    if (await this.get(kind, entry.id)) return { ok: false, status: 409, code: 'id_taken' };
    return this.commit(kind, undefined, entry, { archived: false }, 0, actor, 'create');
  }

  /**
   * A new version of an existing entry, made from `revision` (what the editor read). `action` says
   * what kind of change it was, for the history.
   */
  async update(kind: EntryKind, entry: Entry, revision: number, actor: Actor, action: HistoryAction = 'edit', opts: { archived?: boolean; checkedBy?: string } = {}): Promise<WriteResult> {
    const current = await this.get(kind, entry.id);
    if (!current) return { ok: false, status: 404, code: 'not_found' };
    return this.commit(kind, current, entry, opts, revision, actor, action);
  }

  async setArchived(kind: EntryKind, id: string, archived: boolean, revision: number, actor: Actor): Promise<WriteResult> {
    const current = await this.get(kind, id);
    if (!current) return { ok: false, status: 404, code: 'not_found' };
    return this.commit(kind, current, entryOf(current), { archived }, revision, actor, archived ? 'archive' : 'restore');
  }

  /** Every fact of the entry was checked today by `actor`. */
  async markChecked(kind: EntryKind, id: string, revision: number, actor: Actor): Promise<WriteResult & { checkedAt?: string }> {
    const current = await this.get(kind, id);
    if (!current) return { ok: false, status: 404, code: 'not_found' };
    const checkedAt = this.now().toISOString().slice(0, 10);
    const r = await this.commit(kind, current, { ...entryOf(current), checkedAt } as Entry, { checkedBy: actor.name }, revision, actor, 'check');
    return r.ok ? { ...r, checkedAt } : r;
  }

  /** The history of one entry, newest first. */
  async historyOf(kind: EntryKind, id: string): Promise<HistoryEntry[]> {
    return this.history.find({ kind, entryId: String(id) }).sort({ revision: -1 }).limit(500).toArray();
  }

  /**
   * Puts back what one change replaced (field by field, so later changes to other fields stay), as
   * a new change. Refused when the result would not be a valid entry any more.
   */
  async revert(historyId: string, revision: number, actor: Actor): Promise<WriteResult> {
    const h = await this.history.findOne({ _id: String(historyId) });
    if (!h) return { ok: false, status: 404, code: 'not_found' };
    const current = await this.get(h.kind, h.entryId);
    if (!current) return { ok: false, status: 404, code: 'not_found' };
    const result = { ...(entryOf(current) as unknown as Record<string, unknown>) };
    if (h.before && h.after) {
      const before = h.before as unknown as Record<string, unknown>;
      const after = h.after as unknown as Record<string, unknown>;
      for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
        if (isDeepStrictEqual(before[k], after[k])) continue;
        if (before[k] === undefined) delete result[k];
        else result[k] = before[k];
      }
    }
    const parsed = KIND_SCHEMA[h.kind].safeParse(result);
    if (!parsed.success) return { ok: false, status: 409, code: 'cannot_revert' };
    const archived = h.archivedBefore !== h.archivedAfter ? h.archivedBefore : Boolean(current._meta?.archived);
    return this.commit(h.kind, current, parsed.data as Entry, { archived }, revision, actor, 'revert');
  }

  /**
   * One write: history entry first (the arbiter), then the document, then the catalogue's version.
   * `current` undefined: a creation.
   */
  private async commit(kind: EntryKind, current: StoredEntry | undefined, entry: Entry, opts: { archived?: boolean; checkedBy?: string }, revision: number, actor: Actor, action: HistoryAction): Promise<WriteResult> {
    const have = current?._meta?.revision ?? (current ? 1 : 0);
    if (revision !== have) return { ok: false, status: 409, code: 'stale_revision' };
    const next = have + 1;
    const at = this.now();
    const archivedBefore = Boolean(current?._meta?.archived);
    const archivedAfter = opts.archived ?? archivedBefore;
    const record: HistoryEntry = { _id: `${kind}|${entry.id}|${next}`, kind, entryId: entry.id, revision: next, at, by: actor.id, byName: actor.name, action, before: current ? entryOf(current) : null, after: entry, archivedBefore, archivedAfter };
    try {
      await this.history.insertOne(record);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Someone else wrote this revision first, unless its writer died before the document (then it is taken over).
      const taken = await this.history.findOne({ _id: record._id });
      const fresh = await this.get(kind, entry.id);
      const orphan = taken && (fresh?._meta?.revision ?? (fresh ? 1 : 0)) === have && at.getTime() - taken.at.getTime() > ORPHAN_AFTER_MS;
      if (!orphan) return { ok: false, status: 409, code: 'stale_revision' };
      await this.history.replaceOne({ _id: record._id }, record);
    }
    const meta: EntryMeta = {
      ...(current?._meta ?? { origin: 'staff' }),
      revision: next,
      staffEdited: true,
      archived: archivedAfter,
      editedAt: at,
      editedBy: actor.name,
      ...(opts.checkedBy ? { checkedBy: opts.checkedBy } : {}),
    };
    if (!current) meta.origin = 'staff';
    await this.col(kind).replaceOne({ _id: entry.id }, { ...entry, _meta: meta } as never, { upsert: true });
    await this.catalogue.touch();
    return { ok: true, revision: next };
  }
}
