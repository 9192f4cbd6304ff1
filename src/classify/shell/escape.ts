import type { Finding } from './findings.js';
import type { ShellCommand } from './script.js';
import type { ScriptView } from './view.js';

/**
 * hostEscape finds commands that give a container, or whoever runs it, the host: a container started
 * with the host's root file system, its Docker socket or its process namespace (`docker run -v /:/host
 * … chroot /host`, `--privileged --pid=host`), entering PID 1's namespaces (`nsenter -t 1 -m -p`),
 * driving the host's Docker daemon through its socket, and the cgroup `release_agent` escape. Also
 * the control plane behind the gateway: workflows changed on a Temporal server directly.
 */
export function hostEscape(sv: ScriptView): Finding[] {
  const out: Finding[] = [];
  const src = sv.script.source;
  const add = (cmd: ShellCommand, severity: Finding['severity'], label: string): void => {
    out.push({ id: 'command_injection', severity, label, text: src, start: cmd.start, end: cmd.end });
  };
  sv.script.commands.forEach((cmd, i) => {
    const v = sv.views[i];
    if (!v) return;
    const args = v.args;
    if (v.name === 'nsenter' && targetsInit(args)) {
      add(cmd, 'critical', "enters the host's init namespaces (nsenter -t 1)");
      return;
    }
    if (CONTAINER_CLIS.has(v.name) && args.some((a) => a === 'run' || a === 'create')) {
      const mounts = mountSources(args);
      const hostRoot = mounts.find((m) => m === '/');
      const socket = mounts.find((m) => /(?:^|\/)(?:docker|containerd|podman|crio)\.sock$/.test(m));
      const system = mounts.find((m) => /^\/(?:etc|root|boot|proc|sys|dev|var\/lib\/(?:docker|kubelet))(?:\/|$)/.test(m));
      const privileged = args.includes('--privileged');
      const hostNamespace = args.some((a) => /^--(?:pid|ipc|uts|userns|cgroupns)=host$/.test(a)) || hasPair(args, /^--(?:pid|ipc|uts|userns|cgroupns)$/, 'host');
      if (hostRoot) add(cmd, 'critical', "starts a container with the host's root file system");
      else if (socket) add(cmd, 'high', `starts a container with the host's container runtime socket (${socket})`);
      else if (privileged && hostNamespace) add(cmd, 'critical', "starts a privileged container in the host's namespaces");
      else if (system) add(cmd, 'high', `starts a container with the host's ${system}`);
      else if (privileged && args.some((a) => /^(?:nsenter|chroot|mount)$/.test(a))) add(cmd, 'critical', 'starts a privileged container that enters the host');
      return;
    }
    // Deciding, signalling or ending workflows on a Temporal server directly, past whatever API fronts it — this
    // gateway's own pending checks among them (an agent approving its own call).
    if ((v.name === 'temporal' || v.name === 'tctl') && /^(?:workflow|wf|batch|operator|schedule)$/.test(args[1] ?? '') && args.slice(2, 5).some((a) => TEMPORAL_WRITES.test(a))) {
      add(cmd, 'high', `changes workflows on a Temporal server directly (${args.slice(0, 4).join(' ')})`);
      return;
    }
    if (v.name === 'curl' && args.some((a) => /\/api\/v1\/namespaces\/[^/]+\/workflows\/[^/]+\/(?:update|signal|terminate|cancel|reset)\b/.test(a))) {
      add(cmd, 'high', "changes a workflow through Temporal's HTTP API");
      return;
    }
    // Talking to the host's Docker daemon through its socket from inside: `curl --unix-socket /var/run/docker.sock …/containers/create`, `docker -H unix:///var/run/docker.sock run …`.
    if ((v.name === 'curl' && hasPair(args, /^--unix-socket$/, /docker\.sock$/)) || (v.name === 'docker' && args.some((a) => /docker\.sock$/.test(a)) && args.some((a) => a === 'run' || a === 'exec'))) {
      add(cmd, 'high', "drives the host's Docker daemon through its socket");
    }
  });
  // The cgroup v1 escape: a release_agent that the host runs when the cgroup empties.
  const agent = src.includes('release_agent') ? /\brelease_agent\b/.exec(src) : null;
  if (agent && /notify_on_release/.test(src)) out.push({ id: 'command_injection', severity: 'critical', label: 'cgroup release_agent escape', text: src, start: agent.index, end: agent.index + 13 });
  // `kubectl run … --overrides='{"spec":{"hostPID":true,… "privileged":true}}'`: a pod with the node's processes.
  const pod = src.includes('kubectl') ? /"host(?:PID|IPC|Network)"\s*:\s*true|"privileged"\s*:\s*true/.exec(src) : null;
  if (pod && /\bkubectl\b[\s\S]*\b(?:run|apply|create)\b/.test(src) && /\bnsenter\b|"hostPID"\s*:\s*true|"path"\s*:\s*"\/"/.test(src)) {
    out.push({ id: 'command_injection', severity: 'critical', label: "starts a pod in the node's namespaces", text: src, start: pod.index, end: pod.index + pod[0].length });
  }
  return out;
}

const CONTAINER_CLIS = new Set(['docker', 'podman', 'nerdctl']);
/** Temporal CLI subcommands that change a workflow (not list, describe, show, count, query). */
const TEMPORAL_WRITES = /^(?:update|execute-update|start-update|signal|terminate|cancel|reset|delete|signal-with-start|create|delete-namespace|namespace)$/;

/** `nsenter -t 1`, `--target 1`, `--target=1`, `-t1`. */
function targetsInit(args: string[]): boolean {
  return args.some((a, i) => (a === '-t' || a === '--target') && args[i + 1] === '1') || args.some((a) => a === '--target=1' || a === '-t1' || /^-[a-z]*t1$/.test(a));
}

/** hasPair: an option matching `flag` followed by a value matching `value` (`--pid host`). */
function hasPair(args: string[], flag: RegExp, value: string | RegExp): boolean {
  return args.some((a, i) => flag.test(a) && args[i + 1] !== undefined && (typeof value === 'string' ? args[i + 1] === value : value.test(args[i + 1]!)));
}

/** mountSources lists the host paths of `-v SRC:DST`, `--volume=SRC:DST` and `--mount type=bind,source=SRC,…`. */
function mountSources(args: string[]): string[] {
  const out: string[] = [];
  const volume = (spec: string): void => {
    const src = spec.split(':')[0]!;
    if (src.startsWith('/')) out.push(src.replace(/(?<=.)\/+$/, ''));
  };
  args.forEach((a, i) => {
    if ((a === '-v' || a === '--volume') && args[i + 1]) volume(args[i + 1]!);
    else if (a.startsWith('--volume=')) volume(a.slice('--volume='.length));
    else if (/^-v\//.test(a)) volume(a.slice(2));
    const mount = a === '--mount' ? args[i + 1] : a.startsWith('--mount=') ? a.slice('--mount='.length) : undefined;
    const source = mount ? /(?:^|,)(?:source|src)=([^,]+)/.exec(mount)?.[1] : undefined;
    if (source?.startsWith('/')) out.push(source.replace(/(?<=.)\/+$/, ''));
  });
  return out;
}
