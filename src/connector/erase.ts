import { recomputeAccounts } from '../accounts/recompute.ts';
import { recordAudit } from '../auth/audit.ts';
import type { Db, Queryable } from '../db/client.ts';
import { type Connector, eraseCredentials } from './connectors.ts';

/**
 * Disconnect, and optionally delete the data. Every table of the current schema with a
 * `connector_id` column is discovered at run time, so tables other parts add later are covered
 * without touching this file. Rows are deleted children-first (by foreign keys) so each count is
 * exact rather than hidden in a cascade. Hand-made rows (connector_id NULL) are untouched.
 */

const IDENT = /^[a-z_][a-z0-9_]*$/;

export async function connectorTables(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ table_name: string }>(
    `SELECT c.table_name FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = current_schema() AND c.column_name = 'connector_id' AND t.table_type = 'BASE TABLE'
     ORDER BY c.table_name`,
  );
  const tables = rows.map((r) => r.table_name).filter((t) => IDENT.test(t));
  const { rows: fks } = await q.query<{ child: string; parent: string }>(
    `SELECT ch.relname AS child, pa.relname AS parent FROM pg_constraint c
     JOIN pg_class ch ON ch.oid = c.conrelid JOIN pg_class pa ON pa.oid = c.confrelid
     JOIN pg_namespace n ON n.oid = ch.relnamespace
     WHERE c.contype = 'f' AND n.nspname = current_schema() AND ch.relname <> pa.relname`,
  );
  // Children before parents: a table is emitted once nothing still pending references it.
  const pending = new Set(tables);
  const ordered: string[] = [];
  while (pending.size) {
    const next = [...pending].find((t) => !fks.some((f) => f.parent === t && pending.has(f.child)));
    const pick = next ?? [...pending][0]!; // a cycle: fall back to name order
    ordered.push(pick);
    pending.delete(pick);
  }
  return ordered;
}

export interface EraseResult {
  connector_id: string;
  erased: Record<string, number>;
  credentials_erased: true;
  data_deleted: boolean;
}

export async function disconnectConnector(
  db: Db,
  input: { connector: Connector; actor: string; deleteData: boolean },
): Promise<EraseResult> {
  const { connector } = input;
  return db.transaction(async (tx) => {
    const erased: Record<string, number> = {};
    if (input.deleteData) {
      const survivors = await handOverSharedAccounts(tx, connector.id);
      for (const table of await connectorTables(tx)) {
        const { rowCount } = await tx.query(`DELETE FROM "${table}" WHERE connector_id = $1`, [connector.id]);
        if (rowCount > 0) erased[table] = rowCount;
      }
      const { rowCount } = await tx.query('DELETE FROM connectors WHERE id = $1', [connector.id]);
      erased.connectors = rowCount;
      // Accounts that keep other customers lose this connector's figures: compute theirs afresh.
      await recomputeAccounts(tx, { workspaceId: connector.workspaceId, accountIds: survivors });
    } else {
      await eraseCredentials(tx, connector.id, 'Disconnected: credentials erased, data kept');
    }
    await recordAudit(tx, {
      workspaceId: connector.workspaceId,
      actor: input.actor,
      action: input.deleteData ? 'connector.deleted' : 'connector.disconnected',
      target: connector.id,
      detail: { erased, api_key: connector.apiKeyMask },
    });
    return { connector_id: connector.id, erased, credentials_erased: true, data_deleted: input.deleteData };
  });
}

/**
 * An account created from this connector's customer may since hold customers of another
 * connector (linked by domain or by hand). It belongs to them now: hand it over rather than erase
 * it, and its links from other connectors with it. Returns every account that had this
 * connector's customers or figures and stays, so its figures can be recomputed without them.
 */
async function handOverSharedAccounts(tx: Queryable, connectorId: string): Promise<string[]> {
  await tx.query(
    `UPDATE accounts a SET connector_id = (
       SELECT min(ac.connector_id) FROM account_customers ac WHERE ac.account_id = a.id AND ac.connector_id <> $1)
     WHERE a.connector_id = $1
       AND EXISTS (SELECT 1 FROM account_customers ac WHERE ac.account_id = a.id AND ac.connector_id <> $1)`,
    [connectorId],
  );
  const { rows } = await tx.query<{ id: string }>(
    `SELECT a.id FROM accounts a
     WHERE (a.connector_id IS NULL OR a.connector_id <> $1)
       AND (EXISTS (SELECT 1 FROM account_customers ac WHERE ac.account_id = a.id AND ac.connector_id = $1)
         OR EXISTS (SELECT 1 FROM account_posture p WHERE p.account_id = a.id AND p.connector_id = $1))`,
    [connectorId],
  );
  return rows.map((r) => r.id);
}
