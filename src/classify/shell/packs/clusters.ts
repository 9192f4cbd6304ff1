/**
 * dcg packs for clusters, containers, infrastructure-as-code and load balancers (dcg
 * `kubernetes.*`, `containers.*`, `infrastructure.*`, `loadbalancer.*`). `docker … prune` and
 * `rm -f` stay in ../destructive-cli.ts, which also reads `podman`/`nerdctl`.
 */
import type { Pack } from '../packs.js';

/** dcg containers.compose, for `docker-compose …` and `docker compose …` alike. */
const COMPOSE_DENY: Pack['deny'] = [
  [String.raw`down\b.*\s(-v|--volumes)\b`, 'critical'],
  // dcg loadbalancer.traefik: taking the edge router down takes every service behind it down.
  [String.raw`.*\bdown\b.*\btraefik\b`, 'critical'],
  [String.raw`(down\b.*\s--rmi\s+all|rm\b.*\s(-[a-zA-Z]*v[a-zA-Z]*|--volumes))\b`, 'high'],
  [String.raw`rm\b.*\s(-[a-zA-Z]*f[a-zA-Z]*|--force)\b`, 'medium'],
];
const COMPOSE_SAFE = [String.raw`(config|ps|logs|up|build|pull|down|stop|restart|start|top|images|ls)\b`];

export const CLUSTER_PACKS: Pack[] = [
  {
    id: 'kubernetes.kubectl',
    tools: ['kubectl', 'oc', 'k3s', 'microk8s'],
    safe: [String.raw`(get|describe|logs|diff|explain|top|config|api-resources|api-versions|version|kustomize|rollout (status|history))\b`],
    deny: [
      [String.raw`delete (namespace|ns|pvc|persistentvolumeclaim|pv|persistentvolume)\b`, 'critical'],
      [String.raw`delete\b.*\s(-A|--all-namespaces)\b`, 'critical'],
      [String.raw`delete\b(?=.*\s--force\b)(?=.*\s--grace-period=0\b)`, 'critical'],
      ['delete', 'high'],
      ['drain', 'high'],
      [String.raw`taint .*:NoExecute\b`, 'high'],
      [String.raw`(apply|replace) .*--force\b`, 'high'],
      [String.raw`scale .*--replicas(=|\s+)0\b`, 'high'],
      ['cordon', 'medium'],
    ],
  },
  {
    id: 'kubernetes.helm',
    tools: ['helm'],
    safe: [String.raw`(list|ls|status|history|show|inspect|get|search|repo|template|lint|diff|version|dependency)\b`],
    deny: [
      ['(uninstall|delete|del|un)', 'critical'],
      ['rollback', 'high'],
      [String.raw`upgrade .*--(force|reset-values)\b`, 'high'],
    ],
  },
  {
    id: 'infrastructure.terraform',
    tools: ['terraform', 'tofu', 'terragrunt'],
    safe: [String.raw`(plan|init|validate|fmt|show|output|state (list|show|pull)|graph|version|providers|workspace (list|show|select|new))\b`],
    deny: [
      [String.raw`(destroy|apply .*-destroy\b|run-all destroy)`, 'critical'],
      [String.raw`(apply .*-auto-approve\b|taint|state (rm|mv)|force-unlock)`, 'high'],
      [String.raw`(plan .*-destroy\b|workspace delete)`, 'medium'],
    ],
  },
  {
    id: 'infrastructure.pulumi',
    tools: ['pulumi'],
    safe: [String.raw`(preview|stack (ls|select|init|output)|config|whoami|version|about|logs)\b`],
    deny: [
      ['destroy', 'critical'],
      [String.raw`(up .*(-y|--yes|--skip-preview)\b|state delete|stack rm|cancel)`, 'high'],
      [String.raw`refresh .*(-y|--yes)\b`, 'medium'],
    ],
  },
  {
    id: 'containers.docker',
    tools: ['docker', 'podman', 'nerdctl'],
    safe: [String.raw`(ps|images|logs|inspect|build|pull|run|exec|stats|version|info|login|tag|push|compose (config|ps|logs|up|build|pull))\b`],
    deny: [
      // dcg loadbalancer.traefik: the edge router container.
      [String.raw`(stop|kill|rm|container (stop|kill|rm)) .*\btraefik\b`, 'critical'],
      ...COMPOSE_DENY.map(([form, severity]): Pack['deny'][number] => [`compose ${form.replace(/^\.\*/, '')}`, severity]),
    ],
  },
  {
    id: 'containers.compose',
    tools: ['docker-compose', 'podman-compose'],
    safe: COMPOSE_SAFE,
    deny: COMPOSE_DENY,
  },
  {
    id: 'loadbalancer.traefik',
    tools: ['rm', 'unlink', 'shred'],
    deny: [
      [String.raw`.*\btraefik\S*\.(ya?ml|toml)\b`, 'critical'],
      [String.raw`.*(\bhaproxy\S*\.cfg|\bnginx\.conf|/etc/(nginx|haproxy|traefik|prometheus)/)`, 'high'],
    ],
  },
  {
    id: 'loadbalancer.traefik (service)',
    tools: ['traefik'],
    safe: ['(version|healthcheck)'],
    deny: [],
  },
];
