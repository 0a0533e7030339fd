/**
 * Query plans for the tests that check hot queries use their indexes:
 * SQLite's EXPLAIN QUERY PLAN, and PostgreSQL's EXPLAIN (FORMAT JSON).
 */
import { execute, rows, sql, storeOf, transaction, type Db } from "@/lib/db";
import type { SQL } from "drizzle-orm";

/** SQLite: the plan's detail lines, one string. */
export async function sqlitePlan(db: Db, query: SQL): Promise<string> {
  const lines = await rows<{ detail: string }>(db, sql`EXPLAIN QUERY PLAN ${query}`);
  return lines.map((r) => r.detail).join("\n");
}

type PgNode = { "Node Type": string; "Index Name"?: string; "Relation Name"?: string; Plans?: PgNode[] };

export type PgPlan = {
  /** Every node, depth first. */
  nodes: PgNode[];
  /** The indexes the plan reads. */
  indexes: string[];
  /** The tables read by a sequential scan. */
  seqScans: string[];
  /** "Sort" nodes (what SQLite calls a temporary B-tree). */
  sorts: number;
  /** The plan, for a failing assertion's message. */
  text: string;
};

/**
 * PostgreSQL: the plan of `query` (with its parameters), from EXPLAIN
 * (FORMAT JSON). `noSeqScan`: planned with `enable_seqscan = off` (inside a
 * transaction, `set local`), for tables too small for the planner to prefer
 * an index on its own; it shows that the index can serve the query.
 */
export async function pgPlan(db: Db, query: SQL, { noSeqScan = false }: { noSeqScan?: boolean } = {}): Promise<PgPlan> {
  const explain = async (tx: Db) => {
    if (noSeqScan) await execute(tx, sql`set local enable_seqscan = off`);
    const [first] = await rows<{ "QUERY PLAN": unknown }>(tx, sql`explain (format json) ${query}`);
    const raw = first!["QUERY PLAN"];
    return (typeof raw === "string" ? JSON.parse(raw) : raw) as { Plan: PgNode }[];
  };
  const [top] = noSeqScan ? await transaction(db, explain) : await explain(db);
  const nodes: PgNode[] = [];
  const walk = (n: PgNode) => {
    nodes.push(n);
    for (const child of n.Plans ?? []) walk(child);
  };
  walk(top!.Plan);
  return {
    nodes,
    indexes: nodes.flatMap((n) => (n["Index Name"] ? [n["Index Name"]] : [])),
    seqScans: nodes.flatMap((n) => (n["Node Type"] === "Seq Scan" ? [n["Relation Name"] ?? "?"] : [])),
    sorts: nodes.filter((n) => n["Node Type"] === "Sort" || n["Node Type"] === "Incremental Sort").length,
    text: nodes.map((n) => `${n["Node Type"]}${n["Index Name"] ? ` using ${n["Index Name"]}` : ""}${n["Relation Name"] ? ` on ${n["Relation Name"]}` : ""}`).join("\n"),
  };
}

/**
 * The SQL a function of the app runs (when its queries are not exported): the
 * statements it hands the connection (`rows`/`row`: drizzle's `all` on SQLite,
 * `execute` on PostgreSQL), recorded while it runs, so the plan checked is the
 * app's own and not a copy that could drift from it.
 */
export async function sqlOf(db: Db, work: () => Promise<unknown>): Promise<SQL[]> {
  const method = storeOf(db) === "sqlite" ? "all" : "execute";
  const target = db as unknown as Record<string, (query: SQL) => unknown>;
  const original = target[method]!;
  const seen: SQL[] = [];
  target[method] = function (this: unknown, query: SQL) {
    seen.push(query);
    return original.call(this, query);
  };
  try {
    await work();
  } finally {
    target[method] = original;
  }
  return seen;
}
