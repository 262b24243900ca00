/**
 * Inserts of rows of several tables, as CTEs of ONE statement whose text does not depend on how
 * many rows it carries: each table's rows travel as one JSON parameter, unpacked by
 * `jsonb_populate_recordset`. One parse and plan per distinct statement (it is prepared once per
 * connection), one round trip and one commit for any number of rows — what group commit needs —
 * and no query building per call (building a statement with Drizzle cost more CPU than
 * PostgreSQL spent running it).
 */
import { getTableColumns, getTableName, type SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';

/** One row for one table, keyed by the table's TypeScript column names (as Drizzle declares them). */
export interface TableRow {
  table: PgTable;
  values: Record<string, unknown>;
}

interface TableShape {
  name: string;
  /** TypeScript key → column name. */
  columns: Map<string, string>;
}

const shapes = new WeakMap<PgTable, TableShape>();

function shapeOf(table: PgTable): TableShape {
  let shape = shapes.get(table);
  if (!shape) {
    const columns = new Map<string, string>();
    for (const [key, column] of Object.entries(getTableColumns(table))) columns.set(key, column.name);
    shape = { name: getTableName(table), columns };
    shapes.set(table, shape);
  }
  return shape;
}

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** A row as `jsonb_populate_recordset` reads it: column names as keys, instants as ISO text. */
export function jsonRow(table: PgTable, values: Record<string, unknown>, keys = Object.keys(values)) {
  const shape = shapeOf(table);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const column = shape.columns.get(key);
    if (column === undefined) throw new Error(`${shape.name} has no column ${key}`);
    const v = values[key];
    out[column] = v instanceof Date ? v.toISOString() : v;
  }
  return out;
}

export interface InsertCtes {
  /** `wN as (insert into ... select ... from jsonb_populate_recordset(...))`, in order. */
  ctes: string[];
  /** The JSON parameters, `$(first)` onwards. */
  params: string[];
}

/**
 * The inserts of `rows`, grouped by table (in first-appearance order, so a parent table given first
 * comes first; foreign keys are checked at the end of the statement) and by the keys given (an
 * absent key keeps the column's default). Parameters are numbered from `firstParam`.
 */
export function insertCtes(rows: readonly TableRow[], firstParam = 1): InsertCtes {
  const groups = new Map<string, { table: PgTable; keys: string[]; rows: Record<string, unknown>[] }>();
  for (const { table, values } of rows) {
    const keys = Object.keys(values).filter((k) => values[k] !== undefined);
    const id = `${getTableName(table)}\u0000${keys.join(',')}`;
    let group = groups.get(id);
    if (!group) {
      group = { table, keys, rows: [] };
      groups.set(id, group);
    }
    group.rows.push(jsonRow(table, values, keys));
  }
  const ctes: string[] = [];
  const params: string[] = [];
  for (const group of groups.values()) {
    const shape = shapeOf(group.table);
    const cols = group.keys.map((k) => quoteIdent(shape.columns.get(k)!)).join(', ');
    params.push(JSON.stringify(group.rows));
    const table = quoteIdent(shape.name);
    ctes.push(
      `w${ctes.length} as (insert into ${table} (${cols}) select ${cols} from jsonb_populate_recordset(null::${table}, $${firstParam + params.length - 1}::jsonb))`,
    );
  }
  return { ctes, params };
}

/**
 * Rows of one table as one statement (`insert ... select ... from jsonb_populate_recordset`), the
 * same text for any number of rows; `onConflict: 'nothing'` skips rows a unique index already has,
 * `returning` names columns to return for the rows inserted.
 */
export function insertRows(
  table: PgTable,
  rows: readonly Record<string, unknown>[],
  opts: { onConflict?: 'nothing'; returning?: readonly string[] } = {},
): { text: string; params: string[] } {
  const shape = shapeOf(table);
  const keys = Object.keys(rows[0] ?? {});
  const cols = keys.map((k) => quoteIdent(shape.columns.get(k) ?? k)).join(', ');
  const name = quoteIdent(shape.name);
  const conflict = opts.onConflict === 'nothing' ? ' on conflict do nothing' : '';
  const returning = opts.returning?.length
    ? ` returning ${opts.returning.map((k) => quoteIdent(shape.columns.get(k) ?? k)).join(', ')}`
    : '';
  return {
    text: `insert into ${name} (${cols}) select ${cols} from jsonb_populate_recordset(null::${name}, $1::jsonb)${conflict}${returning}`,
    params: [JSON.stringify(rows.map((r) => jsonRow(table, r, keys)))],
  };
}

/** Hand-written text with $n placeholders, as a Drizzle query (to run in a Drizzle transaction). */
export function boundSql(text: string, params: readonly unknown[]): SQL {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  parts.forEach((part, i) => {
    chunks.push(i % 2 === 0 ? sql.raw(part) : sql`${params[Number(part) - 1]}`);
  });
  return sql.join(chunks);
}
