import type { Role, User, UserAccount } from '@sightline/contracts';
import { withTransaction } from '@sightline/db';
import type pg from 'pg';

/** auth_users: people and system users (who write but never log in). */
export class UserRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Whether a person (not a system user) with the admin role exists. */
  async hasAdmin(): Promise<boolean> {
    const { rows } = await this.pool.query("SELECT 1 FROM auth_users WHERE role = 'admin' AND NOT is_system LIMIT 1");
    return rows.length > 0;
  }

  /** Inserts a user; null when the name is taken. */
  async create(username: string, passwordHash: string, role: Role): Promise<User | null> {
    const { rows } = await this.pool.query<User>(
      `INSERT INTO auth_users (username, password_hash, role) VALUES ($1, $2, $3)
       ON CONFLICT (username) DO NOTHING RETURNING id, username, role`,
      [username, passwordHash, role],
    );
    return rows[0] ?? null;
  }

  /**
   * The id of a user that only the system writes as (e.g. "model" for pre-labels); its password
   * hash is not a scrypt hash, so nobody can log in as it, and it never counts as an admin.
   * Null when a person already took the name.
   */
  async systemUser(username: string): Promise<number | null> {
    await this.pool.query(
      `INSERT INTO auth_users (username, password_hash, role, is_system) VALUES ($1, 'system', 'annotator', true) ON CONFLICT (username) DO NOTHING`,
      [username],
    );
    const { rows } = await this.pool.query<{ id: number; is_system: boolean }>('SELECT id, is_system FROM auth_users WHERE username = $1', [username]);
    return rows[0]?.is_system ? rows[0].id : null;
  }

  async findByName(username: string): Promise<(User & { passwordHash: string; isSystem: boolean; disabled: boolean }) | undefined> {
    const { rows } = await this.pool.query<User & { passwordHash: string; isSystem: boolean; disabled: boolean }>(
      'SELECT id, username, role, password_hash AS "passwordHash", is_system AS "isSystem", disabled_at IS NOT NULL AS disabled FROM auth_users WHERE username = $1',
      [username],
    );
    return rows[0];
  }

  /** People with their state (system users such as "model" left out). */
  async accounts(): Promise<UserAccount[]> {
    const { rows } = await this.pool.query<UserAccount>(
      `SELECT id, username, role, disabled_at IS NOT NULL AS disabled, to_json(created_at)#>>'{}' AS "createdAt"
       FROM auth_users WHERE NOT is_system ORDER BY id`,
    );
    return rows;
  }

  async account(id: number): Promise<UserAccount | undefined> {
    const { rows } = await this.pool.query<UserAccount>(
      `SELECT id, username, role, disabled_at IS NOT NULL AS disabled, to_json(created_at)#>>'{}' AS "createdAt"
       FROM auth_users WHERE id = $1 AND NOT is_system`,
      [id],
    );
    return rows[0];
  }

  /** Applies the changes in one transaction; a new password or disabling also ends every session and API token use of the user. */
  async update(id: number, change: { role?: Role; disabled?: boolean; passwordHash?: string }): Promise<void> {
    return withTransaction(this.pool, async (client) => {
      if (change.role) await client.query('UPDATE auth_users SET role = $2 WHERE id = $1', [id, change.role]);
      if (change.disabled !== undefined) await client.query('UPDATE auth_users SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END WHERE id = $1', [id, change.disabled]);
      if (change.passwordHash) await client.query('UPDATE auth_users SET password_hash = $2 WHERE id = $1', [id, change.passwordHash]);
      if (change.passwordHash || change.disabled) await client.query('DELETE FROM auth_sessions WHERE user_id = $1', [id]);
    });
  }

  /** The oldest active admin who is a person (not a system user), if any. */
  async firstAdmin(): Promise<User | undefined> {
    const { rows } = await this.pool.query<User>("SELECT id, username, role FROM auth_users WHERE role = 'admin' AND disabled_at IS NULL AND NOT is_system ORDER BY id LIMIT 1");
    return rows[0];
  }

  async activeAdmins(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM auth_users WHERE role = 'admin' AND disabled_at IS NULL AND NOT is_system");
    return rows[0]!.n;
  }
}
