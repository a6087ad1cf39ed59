import type { HawkCreateUserBody, HawkLoginResponse, HawkUpdateUserBody, HawkUser, HawkUserAccount } from '@sightline/contracts';
import { createHash, randomBytes } from 'node:crypto';
import { conflict, forbidden, notFound, unauthorized } from '../lib/http-error.ts';
import { hashPassword, verifyPassword } from '../lib/password.ts';
import type { UserRepository } from '../repositories/user.repository.ts';

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Logins, sessions and users. */
export class AuthService {
  constructor(
    private readonly users: UserRepository,
    private readonly sessionHours: number,
  ) {}

  /** Creates user "admin" with `password` when no admin exists yet (HAWK_ADMIN_PASSWORD). */
  async seedAdmin(password: string): Promise<boolean> {
    if (!password || (await this.users.hasAdmin())) return false;
    return (await this.users.create('admin', await hashPassword(password), 'admin')) !== null;
  }

  /** First-run: the first user of an empty installation becomes admin; refused once any user exists. */
  async setup(username: string, password: string): Promise<HawkLoginResponse> {
    if ((await this.users.count()) > 0) throw forbidden('Hawk is already set up; log in, or ask an admin to create your user.');
    if (password.length < 8) throw conflict('Choose a password of at least 8 characters.');
    const user = await this.users.create(username, await hashPassword(password), 'admin');
    if (!user) throw conflict(`User "${username}" exists already.`);
    return this.startSession(user);
  }

  async login(username: string, password: string): Promise<HawkLoginResponse> {
    const found = await this.users.findByName(username);
    // Hash even for unknown names so timing does not reveal which usernames exist.
    const ok = found ? await verifyPassword(password, found.passwordHash) : (await hashPassword(password), false);
    if (!found || !ok) throw unauthorized('Wrong username or password.');
    if (found.disabled) throw forbidden(`User "${found.username}" is disabled; ask an admin to enable it again.`);
    return this.startSession({ id: found.id, username: found.username, role: found.role });
  }

  async logout(token: string): Promise<void> {
    await this.users.deleteSession(tokenHash(token));
  }

  async userForToken(token: string): Promise<HawkUser | undefined> {
    return this.users.findSession(tokenHash(token));
  }

  async createUser(body: HawkCreateUserBody): Promise<HawkUser> {
    const user = await this.users.create(body.username, await hashPassword(body.password), body.role);
    if (!user) throw conflict(`User "${body.username}" exists already; pick another name.`);
    return user;
  }

  listAccounts(): Promise<HawkUserAccount[]> {
    return this.users.accounts();
  }

  /** Role, disabled, or a new password (which ends the user's sessions). An admin cannot lock the last admin out. */
  async updateUser(id: number, body: HawkUpdateUserBody, by: HawkUser): Promise<HawkUserAccount> {
    const before = await this.users.account(id);
    if (!before) throw notFound(`No user with id ${id}; list users with GET /users.`);
    const losesAdmin = before.role === 'admin' && !before.disabled && ((body.role && body.role !== 'admin') || body.disabled === true);
    if (losesAdmin && (await this.users.activeAdmins()) <= 1) throw conflict(`${before.username} is the only active admin; make another admin first.`);
    if (id === by.id && body.disabled) throw conflict('You cannot disable yourself; another admin can.');
    await this.users.update(id, { ...(body.role ? { role: body.role } : {}), ...(body.disabled !== undefined ? { disabled: body.disabled } : {}), ...(body.password ? { passwordHash: await hashPassword(body.password) } : {}) });
    return (await this.users.account(id))!;
  }

  private async startSession(user: HawkUser): Promise<HawkLoginResponse> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.sessionHours * 3600_000);
    await this.users.createSession(tokenHash(token), user.id, expiresAt);
    return { token, user, expiresAt: expiresAt.toISOString() };
  }
}
