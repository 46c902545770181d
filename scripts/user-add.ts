/**
 * npm run user:add -- --name NAME --role agent|maintainer|admin [--department ID …]
 * Creates a staff account. An agent given departments (ids from
 * intents/data/departments.yaml, repeat the flag for several) works only
 * their tickets; see docs/staff-api.md, "Tickets". The password is read from stdin when it is piped
 * (`echo "$PW" | npm run user:add -- …`), otherwise prompted without echo;
 * never from the command line, where it would land in shell history.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { cliConfig, runCli } from '../src/cli/common.js';
import { AppError } from '../src/core/errors.js';
import { ROLES } from '../src/core/staff.js';
import { loadDepartments } from '../src/dispatch/departments.js';
import { addStaffUser } from '../src/staff/users.js';
import { openStorage } from '../src/storage/open-storage.js';

async function readPiped(): Promise<string> {
  let data = '';
  for await (const chunk of process.stdin) data += chunk;
  return data.split(/\r?\n/)[0] ?? '';
}

function prompt(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    // Echo nothing while the password is typed.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.startsWith(question)) process.stdout.write(question);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
  });
}

runCli(async () => {
  const { values } = parseArgs({
    options: { name: { type: 'string' }, role: { type: 'string' }, department: { type: 'string', multiple: true } },
  });
  if (!values.name || !values.role)
    throw new AppError(
      'BAD_REQUEST',
      `usage: npm run user:add -- --name NAME --role ${ROLES.join('|')} [--department ID …] (password from stdin or prompted)`,
    );
  const config = cliConfig();
  // Checked before the password is asked for: an unknown id is named at once.
  const departments = values.department ?? [];
  if (departments.length > 0) {
    const known = loadDepartments(config.departmentsFile);
    for (const d of departments) known.require(d, '--department');
  }
  let password: string;
  if (process.stdin.isTTY) {
    password = await prompt('Password: ');
    if ((await prompt('Repeat password: ')) !== password) throw new AppError('BAD_REQUEST', 'the passwords do not match');
  } else {
    password = await readPiped();
  }
  const storage = await openStorage(config);
  try {
    const staff = storage.staff;
    const user = await addStaffUser(staff, { name: values.name, role: values.role, password });
    if (departments.length > 0) {
      if (!storage.tickets) throw new AppError('DATA_INVALID', 'this database has no ticket desk to assign departments in');
      await storage.tickets.setStaffDepartments(user.id, departments);
    }
    await staff.audit({
      staffId: null,
      action: 'user_add',
      target: user.id,
      details: { name: user.name, role: user.role, departments, via: 'cli' },
      now: Date.now(),
    });
    console.log(`created ${user.role} "${user.name}" (${user.id})${departments.length > 0 ? ` for ${departments.join(', ')}` : ''}`);
  } finally {
    await storage.close();
  }
});
