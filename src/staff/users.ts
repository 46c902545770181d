/** Creating staff accounts (the `user:add` CLI and the admin API share this). */
import { randomUUID } from 'node:crypto';
import { AppError } from '../core/errors.js';
import { ROLES, type Role, type StaffStore, type StaffUser } from '../core/staff.js';
import { hashPassword } from './passwords.js';

export const MIN_PASSWORD_LENGTH = 10;
const NAME = /^[\p{L}\p{N}_.-]{2,32}$/u;

export async function addStaffUser(
  store: StaffStore,
  u: { name: string; role: string; password: string },
  now = Date.now(),
): Promise<StaffUser> {
  if (!NAME.test(u.name)) throw new AppError('BAD_REQUEST', 'The name must be 2–32 letters, digits, _ . or -');
  if (!(ROLES as readonly string[]).includes(u.role)) throw new AppError('BAD_REQUEST', `The role must be one of ${ROLES.join(', ')}`);
  if ([...u.password].length < MIN_PASSWORD_LENGTH)
    throw new AppError('BAD_REQUEST', `The password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  if (await store.findAccountByName(u.name)) throw new AppError('CONFLICT', `A staff member named "${u.name}" already exists`);
  const user: StaffUser = { id: randomUUID(), name: u.name, role: u.role as Role };
  await store.createUser({ ...user, passwordHash: await hashPassword(u.password), now });
  return user;
}
