/**
 * dcg packs for CI systems, code platforms, monitoring, search, messaging, secrets, feature
 * flags and payment CLIs (dcg `cicd.*`, `platform.*`, `monitoring.*`, `search.*`, `messaging.*`,
 * `secrets.*`, `featureflags.*`, `payment.*`). Their REST APIs are covered by the HTTP rules in
 * ../destructive-cli.ts.
 */
import type { Pack } from '../packs.js';

const KAFKA_SAFE = [String.raw`.*--(list|describe)\b`];

export const SERVICE_PACKS: Pack[] = [
  {
    id: 'cicd.circleci',
    tools: ['circleci'],
    safe: [String.raw`(context|orb|pipeline|project|namespace) (list|info|show)\b`, String.raw`(config validate|local execute|policy status|diagnostic)\b`],
    deny: [
      [String.raw`(context|namespace) delete`, 'critical'],
      [String.raw`(context remove-secret|orb delete)`, 'high'],
      ['pipeline delete', 'medium'],
    ],
  },
  {
    id: 'cicd.gitlab_ci',
    tools: ['gitlab-runner'],
    safe: [String.raw`(list|status|verify|--version|--help)\b`],
    deny: [['unregister', 'critical']],
  },
  {
    id: 'platform.gitlab',
    tools: ['glab'],
    safe: [String.raw`(repo|mr|issue|variable|release|ci) (list|view|clone|status)\b`],
    deny: [
      [String.raw`(repo (delete|archive)|release delete|variable (delete|remove))`, 'high'],
      [String.raw`ci delete`, 'medium'],
    ],
  },
  {
    id: 'platform.gitlab (rails)',
    tools: ['gitlab-rails'],
    deny: [[String.raw`runner .*(\b(destroy_all|delete_all|truncate|drop)\b|\.(destroy|delete)\b)`, 'high']],
  },
  {
    id: 'platform.github',
    tools: ['gh'],
    safe: [String.raw`(secret|variable|workflow|run|repo|pr|issue|release) (list|view|status)\b`],
    deny: [
      [String.raw`(repo delete|secret (delete|remove)|release delete)`, 'high'],
      [String.raw`(variable (delete|remove)|workflow disable|run (cancel|delete)|repo archive)`, 'medium'],
    ],
  },
  {
    id: 'cicd.jenkins',
    tools: ['jenkins-cli'],
    safe: [String.raw`(list-jobs|get-job|build|who-am-i|list-views|list-plugins|get-node|get-credentials|version|help)\b`],
    deny: [
      ['delete-job', 'critical'],
      [String.raw`(delete-node|delete-credentials|delete-builds|delete-view|clear-queue|safe-shutdown|shutdown)`, 'high'],
    ],
  },
  {
    id: 'monitoring.splunk',
    tools: ['splunk'],
    safe: [String.raw`(list|show|search|status|version|help)\b`],
    deny: [
      [String.raw`(remove index|clean (eventdata|all|userdata|kvstore))`, 'critical'],
      [String.raw`(delete (user|role|index)|remove \S+|stop)`, 'high'],
    ],
  },
  {
    id: 'monitoring.prometheus',
    tools: ['promtool', 'grafana-cli', 'amtool'],
    safe: [String.raw`(check|query|test|plugins (ls|list-remote)|alert query|silence query)\b`],
    deny: [
      [String.raw`tsdb (delete|clean)`, 'critical'],
      [String.raw`(plugins (uninstall|remove)|admin reset-admin-password|silence expire)`, 'high'],
    ],
  },
  {
    id: 'search.algolia',
    tools: ['algolia'],
    safe: [String.raw`(indices (browse|list)|search|settings get|apikeys list|rules browse|synonyms browse)\b`],
    deny: [
      ['indices delete', 'critical'],
      [String.raw`(indices clear|apikeys delete|objects delete)`, 'high'],
      [String.raw`(rules|synonyms) (delete|clear)`, 'medium'],
    ],
  },
  {
    id: 'messaging.kafka (topics)',
    tools: ['kafka-topics', 'kafka-consumer-groups', 'kafka-acls', 'kafka-configs', 'kafka-streams-application-reset'],
    safe: KAFKA_SAFE,
    deny: [
      [String.raw`.*--delete(?![\w-])`, 'critical'],
      [String.raw`.*--(reset-offsets|delete-offsets|remove)\b`, 'high'],
      [String.raw`.*\s?--alter\b.*\s--delete-config\b`, 'high'],
    ],
  },
  {
    id: 'messaging.kafka (records)',
    // Deletes every record up to the offsets in its JSON file: nothing about it is read-only.
    tools: ['kafka-delete-records', 'kafka-leader-election'],
    deny: [['.*', 'critical']],
  },
  {
    id: 'messaging.kafka (redpanda)',
    tools: ['rpk'],
    safe: [String.raw`(topic (list|describe|consume|produce)|cluster (info|health)|version)\b`],
    deny: [
      [String.raw`topic (delete|trim-prefix)`, 'critical'],
      [String.raw`(group (delete|seek)|acl delete|topic alter-config .*--delete)`, 'high'],
    ],
  },
  {
    id: 'messaging.rabbitmq',
    tools: ['rabbitmqadmin', 'rabbitmqctl'],
    safe: [String.raw`(list\S*|show|status|cluster_status|report|environment)\b`],
    deny: [
      [String.raw`(delete queue|delete_vhost|reset|force_reset)`, 'critical'],
      [String.raw`(delete \S+|purge queue|purge_queue|delete_queue|delete_user|forget_cluster_node|stop_app|stop)`, 'high'],
    ],
  },
  {
    id: 'secrets.vault',
    tools: ['vault'],
    safe: [String.raw`(status|version|read|kv (get|list)|(secrets|policy|auth|audit) list|token lookup|lease lookup|login)\b`],
    deny: [
      [String.raw`((secrets|auth) disable|kv (destroy|metadata delete)|policy delete|operator (seal|raft remove-peer))`, 'critical'],
      [String.raw`(kv delete|delete|(token|lease) revoke|audit disable)`, 'high'],
    ],
  },
];
