/**
 * npm run user:add -- --name NAME --role agent|maintainer|admin
 * Creates a staff account. The password is read from stdin when it is piped
 * (`echo "$PW" | npm run user:add -- …`), otherwise prompted without echo;
 * never from the command line, where it would land in shell history.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { cliConfig, runCli } from '../src/cli/common.js';
import { AppError } from '../src/core/errors.js';
import { ROLES } from '../src/core/staff.js';
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
  const { values } = parseArgs({ options: { name: { type: 'string' }, role: { type: 'string' } } });
  if (!values.name || !values.role)
    throw new AppError('BAD_REQUEST', `usage: npm run user:add -- --name NAME --role ${ROLES.join('|')} (password from stdin or prompted)`);
  let password: string;
  if (process.stdin.isTTY) {
    password = await prompt('Password: ');
    if ((await prompt('Repeat password: ')) !== password) throw new AppError('BAD_REQUEST', 'the passwords do not match');
  } else {
    password = await readPiped();
  }
  const config = cliConfig();
  const storage = await openStorage(config);
  try {
    const staff = storage.staff;
    const user = await addStaffUser(staff, { name: values.name, role: values.role, password });
    await staff.audit({
      staffId: null,
      action: 'user_add',
      target: user.id,
      details: { name: user.name, role: user.role, via: 'cli' },
      now: Date.now(),
    });
    console.log(`created ${user.role} "${user.name}" (${user.id})`);
  } finally {
    await storage.close();
  }
});
