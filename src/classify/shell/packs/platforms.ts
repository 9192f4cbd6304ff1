/**
 * dcg packs for cloud platforms, API gateways, CDNs, DNS and object storage (dcg `cloud.*`,
 * `apigateway.*`, `cdn.*`, `dns.*`, `storage.*`). The deleting verbs shared by every CLI
 * (`… delete`, `delete-*`) are also caught by the generic rule in ../destructive-cli.ts; these
 * tables add each tool's other destructive forms and its read-only forms.
 */
import type { Pack } from '../packs.js';

export const PLATFORM_PACKS: Pack[] = [
  {
    id: 'cloud.aws',
    tools: ['aws'],
    safe: [String.raw`\S+ (describe|list|get)-\S*`, 's3 (ls|cp|presign)', 'sts get-caller-identity', 'ecr get-login', 'route53 test-dns-answer'],
    deny: [
      [String.raw`ec2 terminate-instances`, 'critical'],
      [String.raw`(s3 rb|s3api delete-bucket|rds delete-db-\S+|cloudformation delete-stack|dynamodb delete-table|eks delete-cluster)`, 'critical'],
      [String.raw`s3 rm .*--recursive`, 'critical'],
      // dcg dns.route53: a change batch whose Action is DELETE removes records.
      [String.raw`route53 change-resource-record-sets .*\bDELETE\b`, 'high'],
      // dcg cdn.cloudfront: invalidations cost money and empty the cache.
      ['cloudfront create-invalidation', 'medium'],
      ['secretsmanager (put-secret-value|update-secret)', 'medium'],
    ],
  },
  {
    id: 'cloud.azure',
    tools: ['az'],
    safe: [String.raw`\S+ (show|list)\b`, 'account', 'configure', 'login', 'version'],
    deny: [
      ['(group|vm|storage account|sql (server|db)|aks|cosmosdb( database| collection)?|keyvault|acr) delete', 'critical'],
      ['acr repository untag', 'medium'],
    ],
  },
  {
    id: 'cloud.gcp',
    tools: ['gcloud'],
    safe: [String.raw`\S+ \S+ (describe|list)\b`, 'config', 'auth', 'info', String.raw`storage (ls|cat)\b`, 'apigee (-h|--help|help)'],
    deny: [
      ['(projects|(compute (instances|disks))|sql instances|container clusters|artifacts repositories) delete', 'critical'],
      [String.raw`firestore .*\bdelete`, 'critical'],
      ['apigee (environments|organizations) delete', 'critical'],
      ['apigee deployments undeploy', 'medium'],
    ],
  },
  {
    id: 'cloud.gcp (gsutil)',
    tools: ['gsutil'],
    safe: [String.raw`(ls|cp|cat|stat|hash|du)\b`],
    deny: [
      [String.raw`rm .*-[a-zA-Z]*[rR]\b`, 'critical'],
      ['rb', 'critical'],
      [String.raw`rsync .*-[a-zA-Z]*[dD]\b`, 'high'],
      ['rm', 'high'],
    ],
  },
  {
    id: 'apigateway.apigee',
    tools: ['apigeecli'],
    safe: [String.raw`\S+ (list|get)\b`, '(--help|-h|help|version)'],
    deny: [
      ['(envs|orgs) delete', 'critical'],
      ['(apis|products|developers|apps|keyvaluemaps|targetservers) delete', 'high'],
    ],
  },
  {
    id: 'apigateway.kong',
    tools: ['deck'],
    safe: ['(version|--version|help|--help|-h|ping|dump|diff|validate|convert|file)', '(gateway )?(dump|diff|validate|ping)'],
    deny: [
      ['(gateway )?reset', 'critical'],
      ['(gateway )?sync .*--select-tag', 'high'],
    ],
  },
  {
    id: 'apigateway.kong (cli)',
    tools: ['kong'],
    safe: ['(version|--version|-v|help|--help|-h|health|check)', 'config (parse|init)'],
    deny: [[String.raw`delete \S+`, 'high']],
  },
  {
    id: 'cdn.cloudflare_workers',
    tools: ['wrangler'],
    safe: ['whoami', String.raw`kv:key (get|list)`, 'kv:namespace list', String.raw`r2 (object get|bucket list)`, String.raw`d1 (list|info)`, 'dev', 'tail', 'dns-records list', '(-v|--version|version|-h|--help|help)'],
    deny: [
      [String.raw`(delete|kv:namespace delete|r2 bucket delete|d1 delete)`, 'critical'],
      [String.raw`(deployments rollback|kv:bulk delete|dns-records delete)`, 'high'],
      [String.raw`(kv:key delete|r2 object delete)`, 'medium'],
    ],
  },
  {
    id: 'cdn.fastly',
    tools: ['fastly'],
    safe: [String.raw`(service|domain|backend|vcl|version) (list|describe|search)`, 'whoami', 'profile', '(-v|--version|version|-h|--help|help)'],
    deny: [
      [String.raw`(service|compute) delete`, 'critical'],
      // Activating a version pushes its configuration to every edge node at once.
      ['service version activate', 'high'],
      [String.raw`(domain|backend|vcl|dictionary|acl) delete`, 'high'],
      [String.raw`logging \S+ delete`, 'high'],
      [String.raw`(dictionary-item|acl-entry) delete`, 'medium'],
    ],
  },
  {
    id: 'dns.generic',
    tools: ['dig'],
    safe: [],
    deny: [[String.raw`.*\b(axfr|ixfr)\b`, 'medium']],
    ignoreCase: true,
  },
  {
    id: 'dns.generic (nsupdate)',
    tools: ['nsupdate'],
    deny: [
      [String.raw`.*\bdelete\b`, 'high'],
      [String.raw`.*-l\b`, 'medium'],
    ],
  },
  {
    id: 'storage.minio',
    tools: ['mc'],
    safe: [String.raw`(ls|cat|head|stat|cp|diff|find|du|version|--help)\b`, 'admin (info|user list|policy list)', 'alias list'],
    deny: [
      ['(rb|admin bucket (delete|remove))', 'critical'],
      [String.raw`(rm|mirror .*--remove\b|admin user (remove|disable))`, 'high'],
      ['admin policy (remove|unset)', 'medium'],
    ],
  },
  {
    id: 'storage.azure_blob',
    tools: ['azcopy'],
    safe: [String.raw`(copy|cp|list|ls|jobs (show|list)|login)\b`],
    deny: [
      [String.raw`(remove|rm)\b`, 'high'],
      [String.raw`sync .*--delete-destination(=|\s+)(true|prompt)\b`, 'high'],
    ],
    ignoreCase: true,
  },
];
