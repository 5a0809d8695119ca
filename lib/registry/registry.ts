/**
 * The predictor registry: an embedded SQLite file with one row per predictor (schema in `schema.ts`).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type Database from 'better-sqlite3';
import { CREATE_SQL, IDENTITY_COLUMNS, REGISTRY_VERSION, RESULT_COLUMNS, type PredictorIdentity, type PredictorResults, type RegistryRow } from './schema.js';

type SqlRow = Record<string, unknown>;

/** The version range of better-sqlite3 that neuroswipe supports (its optional peer dependency). */
const SQLITE_PACKAGE = 'better-sqlite3@12';

let sqliteConstructor: typeof Database | undefined;

/**
 * better-sqlite3, loaded at the first registry use: it is an optional peer dependency, which decoding does
 * not need (it compiles SQLite from source wherever its prebuilt binary cannot be downloaded).
 * @throws Error saying which commands need it and how to install it, when it is not installed
 */
function sqlite(): typeof Database {
  if (sqliteConstructor === undefined) {
    try {
      sqliteConstructor = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'MODULE_NOT_FOUND' || !(err as Error).message.includes("'better-sqlite3'")) throw err;
      throw new Error(`the predictor registry (neuroswipe predict, reproduce, registry, predictions --registry; the Registry class) ` +
        `needs better-sqlite3, an optional dependency that is not installed: npm install ${SQLITE_PACKAGE}`, { cause: err });
    }
  }
  return sqliteConstructor;
}

/** Converts a SQL row to a {@link RegistryRow}. */
export function fromSql(r: SqlRow): RegistryRow {
  const out: Record<string, unknown> = { id: r.id };
  for (const [ts, sql] of IDENTITY_COLUMNS) out[ts] = ts === 'useVocab' ? r[sql] === 1 : r[sql];
  for (const [ts, sql] of RESULT_COLUMNS) out[ts] = r[sql] ?? null;
  return out as unknown as RegistryRow;
}

function identityParams(p: PredictorIdentity): unknown[] {
  return IDENTITY_COLUMNS.map(([ts]) => (ts === 'useVocab' ? (p.useVocab ? 1 : 0) : p[ts]));
}

/** Options of {@link Registry.open}. */
export interface OpenOptions {
  /** Create the file when it does not exist (default true). */
  create?: boolean;
  /** Open read-only (default false). */
  readonly?: boolean;
}

/** A registry file. Close it with {@link Registry.close}. */
export class Registry {
  /** The SQLite file. */
  readonly path: string;
  /**
   * The open better-sqlite3 connection (for transactions spanning several calls inside neuroswipe). Not part of
   * the public types, so that they do not depend on better-sqlite3's type package. @internal
   */
  readonly db: Database.Database;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
  }

  /**
   * Opens (and by default creates) a registry.
   * @throws Error naming the file when it is missing (with `create: false`), not SQLite, or of another layout
   * version; Error naming the install command when better-sqlite3 (an optional peer dependency) is not installed
   */
  static open(path: string, options: OpenOptions = {}): Registry {
    const create = options.create ?? true;
    if (!existsSync(path) && (!create || options.readonly)) throw new Error(`${path}: registry not found`);
    const Sqlite = sqlite();
    let db: Database.Database;
    try {
      db = new Sqlite(path, { readonly: options.readonly ?? false, timeout: 30_000 });
      const version = db.pragma('user_version', { simple: true }) as number;
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
      if (tables.length > 0 && (version !== REGISTRY_VERSION || !tables.some((t) => t.name === 'predictors'))) {
        db.close();
        throw new Error(`not a neuroswipe registry of version ${REGISTRY_VERSION} (user_version ${version}, tables ${tables.map((t) => t.name).join(', ')})`);
      }
      if (!options.readonly && tables.length === 0) {
        db.exec(CREATE_SQL);
        db.pragma(`user_version = ${REGISTRY_VERSION}`);
      }
    } catch (err) {
      throw new Error(`${path}: cannot open registry: ${(err as Error).message}`, { cause: err });
    }
    return new Registry(path, db);
  }

  /** Every row, by id. */
  list(): RegistryRow[] {
    return (this.db.prepare('SELECT * FROM predictors ORDER BY id').all() as SqlRow[]).map(fromSql);
  }

  /** The row with this id, if any. */
  get(id: number): RegistryRow | undefined {
    const r = this.db.prepare('SELECT * FROM predictors WHERE id = ?').get(id) as SqlRow | undefined;
    return r === undefined ? undefined : fromSql(r);
  }

  /** The row of this predictor, if any. */
  find(p: PredictorIdentity): RegistryRow | undefined {
    const where = IDENTITY_COLUMNS.map(([, sql]) => `${sql} = ?`).join(' AND ');
    const r = this.db.prepare(`SELECT * FROM predictors WHERE ${where}`).get(...identityParams(p)) as SqlRow | undefined;
    return r === undefined ? undefined : fromSql(r);
  }

  /**
   * Adds the predictor when it is new and sets the given result columns (others are left as they are), in
   * one transaction.
   * @param p - the predictor
   * @param results - result columns to set; `undefined` members are not touched
   * @returns the row after the update
   * @throws Error naming the registry file when SQLite cannot write it (full disk, read-only file)
   */
  upsert(p: PredictorIdentity, results: Partial<PredictorResults> = {}): RegistryRow {
    try {
      return this.upsertInTransaction(p, results);
    } catch (err) {
      // A full disk or a read-only file: the transaction is rolled back; name the file.
      if (typeof (err as { code?: unknown }).code === 'string' && String((err as { code: string }).code).startsWith('SQLITE_')) {
        throw new Error(`${this.path}: cannot write: ${(err as Error).message} (${(err as { code: string }).code})`, { cause: err });
      }
      throw err;
    }
  }

  private upsertInTransaction(p: PredictorIdentity, results: Partial<PredictorResults>): RegistryRow {
    return this.db.transaction(() => {
      let row = this.find(p);
      if (row === undefined) {
        const cols = IDENTITY_COLUMNS.map(([, sql]) => sql);
        this.db.prepare(`INSERT INTO predictors (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...identityParams(p));
        row = this.find(p)!;
      }
      const sets = RESULT_COLUMNS.filter(([ts]) => results[ts] !== undefined);
      if (sets.length > 0) {
        this.db.prepare(`UPDATE predictors SET ${sets.map(([, sql]) => `${sql} = ?`).join(', ')} WHERE id = ?`).run(...sets.map(([ts]) => results[ts]), row.id);
        row = this.get(row.id)!;
      }
      return row;
    })();
  }

  /** A file path as stored in this registry: relative to the registry's folder, `/`-separated. */
  storedPath(file: string): string {
    return relative(dirname(resolve(this.path)), resolve(file)).split(sep).join('/');
  }

  /** A stored path resolved against the registry's folder. */
  resolvePath(stored: string): string {
    return isAbsolute(stored) ? stored : resolve(dirname(resolve(this.path)), stored);
  }

  /** Closes the file. */
  close(): void {
    this.db.close();
  }
}
