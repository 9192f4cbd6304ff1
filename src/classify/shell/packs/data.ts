/**
 * dcg packs for databases, backups and package managers (dcg `database.*`, `backup.*`,
 * `package_managers`). SQL passed to a database shell (`psql -c "DROP …"`) is read by sqlVerdict
 * in ../destructive-cli.ts; these tables cover the clients' own destructive options and verbs.
 */
import type { Pack } from '../packs.js';

const PUBLISH_SAFE = String.raw`(install|i|ci|add|list|ls|info|view|audit|why|outdated|run|test|build)\b`;

export const DATA_PACKS: Pack[] = [
  {
    id: 'database.mysql',
    tools: ['mysqldump', 'mariadb-dump'],
    deny: [
      [String.raw`.*--add-drop-database\b`, 'high'],
      [String.raw`.*--add-drop-table\b`, 'medium'],
    ],
  },
  {
    id: 'database.postgresql',
    tools: ['pg_dump', 'pg_restore'],
    deny: [[String.raw`.*(^|\s)(--clean|-c)\b`, 'high']],
  },
  {
    id: 'database.mongodb',
    tools: ['mongorestore'],
    deny: [[String.raw`.*--drop\b`, 'high']],
  },
  {
    id: 'database.redis',
    tools: ['redis-cli', 'valkey-cli', 'keydb-cli'],
    ignoreCase: true,
    deny: [
      [String.raw`.*\b(flushall|debug (segfault|crash)|config set (dir|dbfilename|slaveof|replicaof|maxmemory|maxmemory-policy))\b`, 'critical'],
      [String.raw`.*\b(flushdb|debug sleep|shutdown|config set (save|appendonly)|config rewrite)\b`, 'high'],
      [String.raw`.*\b(del|unlink)\b`, 'medium'],
    ],
  },
  {
    id: 'backup.borg',
    tools: ['borg'],
    safe: [String.raw`(list|info|diff|check|create|extract|mount)\b`],
    deny: [[String.raw`(delete|prune|compact|recreate|break-lock)`, 'high']],
  },
  {
    id: 'backup.restic',
    tools: ['restic'],
    safe: [String.raw`(snapshots|ls|stats|check|diff|find|backup|restore)\b`],
    deny: [
      [String.raw`(forget|prune|key (\S+ )*remove)`, 'critical'],
      [String.raw`unlock .*--remove-all`, 'high'],
      [String.raw`cache .*--cleanup`, 'medium'],
    ],
  },
  {
    id: 'backup.rclone',
    tools: ['rclone'],
    safe: [String.raw`(copy|copyto|ls|lsd|lsl|lsf|size|check|config|about|version)\b`],
    deny: [
      [String.raw`(sync|delete|purge)`, 'critical'],
      [String.raw`(deletefile|dedupe|move|moveto|rmdir|rmdirs)`, 'high'],
      ['cleanup', 'medium'],
    ],
  },
  {
    id: 'backup.velero',
    tools: ['velero'],
    safe: [String.raw`(backup|schedule|restore|backup-location|snapshot-location) (get|describe|logs|create)\b`, 'version'],
    deny: [
      ['uninstall', 'critical'],
      [String.raw`(backup|backup-location|snapshot-location) delete`, 'high'],
      [String.raw`(schedule|restore) delete`, 'medium'],
    ],
  },
  {
    id: 'package_managers (node)',
    tools: ['npm', 'yarn', 'pnpm'],
    safe: [PUBLISH_SAFE],
    deny: [
      ['(publish|unpublish)', 'high'],
      [String.raw`(uninstall|remove|rm|un|r)\b`, 'medium'],
    ],
  },
  {
    id: 'package_managers (python)',
    tools: ['pip', 'pip3', 'poetry', 'uv', 'pipx'],
    safe: [String.raw`(list|show|freeze|check|env list|tree)\b`],
    deny: [
      ['publish', 'high'],
      [String.raw`install .*--(system|target(=|\s+)/usr)\b`, 'medium'],
      [String.raw`(uninstall|remove)\b`, 'medium'],
    ],
  },
  {
    id: 'package_managers (system)',
    tools: ['apt', 'apt-get', 'yum', 'dnf', 'zypper', 'brew', 'port', 'snap'],
    safe: [String.raw`(list|show|search|info|update|upgrade|install)\b`],
    deny: [[String.raw`(remove|purge|autoremove|erase|uninstall|rm)\b`, 'medium']],
  },
  {
    id: 'package_managers (cargo, gem)',
    tools: ['cargo', 'gem'],
    safe: [String.raw`(build|test|check|clippy|fmt|doc|bench|run|install|list|search)\b`],
    deny: [
      ['(publish|yank|push)', 'high'],
      ['uninstall', 'medium'],
    ],
  },
  {
    id: 'package_managers (jvm)',
    tools: ['mvn', 'mvnw', 'gradle', 'gradlew'],
    deny: [[String.raw`.*(^|\s)(deploy|release:perform|publish)(?=\s|$)`, 'medium']],
  },
];
