import type { Role, User } from '@sightline/contracts';
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

  async findByName(username: string): Promise<(User & { passwordHash: string; isSystem: boolean }) | undefined> {
    const { rows } = await this.pool.query<User & { passwordHash: string; isSystem: boolean }>(
      'SELECT id, username, role, password_hash AS "passwordHash", is_system AS "isSystem" FROM auth_users WHERE username = $1',
      [username],
    );
    return rows[0];
  }

  async list(): Promise<User[]> {
    const { rows } = await this.pool.query<User>('SELECT id, username, role FROM auth_users ORDER BY id');
    return rows;
  }
}
