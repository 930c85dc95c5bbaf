import { isRole } from '#core/roles.js';
import { issueToken, loadOrCreateSecret } from './auth.js';
import { localConfig } from './config.js';

/** `npm run token -- <role> [user]`: prints a bearer token for the local runtime on stdout (what it is on stderr). */
const [role = '', user] = process.argv.slice(2);
if (!isRole(role)) {
  console.error('usage: npm run token -- <planner|officer|approver|admin> [user]');
  process.exit(2);
}
const { dataDir } = localConfig();
const token = await issueToken(loadOrCreateSecret(dataDir), role, user ?? `${role}@local`);
console.error(`# ${role} token for ${user ?? `${role}@local`}, valid 12 h (DATA_DIR=${dataDir})`);
console.log(token);
