// The e2e suite drives real tools. A missing one stops the run with one line saying what to install,
// never a spawn ENOENT halfway through a test.
import { spawnSync } from 'node:child_process';

export const TOOLS = {
  moto_server: 'python3 -m pip install "moto[server]"',
  aws: 'python3 -m pip install awscli  (the AWS CLI v1 ≥ 1.29, which honours AWS_ENDPOINT_URL)',
} as const;

const onPath = (tool: string) =>
  spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;

/** One line per missing tool ("moto_server is not on PATH; install it with: …"), or none. */
export function missingTools(
  tools: ReadonlyArray<keyof typeof TOOLS> = Object.keys(TOOLS) as Array<keyof typeof TOOLS>,
): string[] {
  return tools.filter((t) => !onPath(t)).map((t) => `${t} is not on PATH; install it with: ${TOOLS[t]}`);
}
