/**
 * Where a run's code came from: commit, branch, dirty flag and time, read from the CI
 * service's variables first (a CI checkout is often a detached HEAD, so git alone cannot
 * name the branch) and from git otherwise. Pure over its inputs: the environment and a git
 * reader are passed in, so tests need neither a CI nor a repository.
 */
import { redactOptionalUrl } from '../../contract/secrets.ts';
import { execFileSync } from 'node:child_process';
import { instantOf, type Provenance } from './schema.ts';

/** What git says about a work tree; each field null when git cannot tell. */
export interface GitState {
  commit: string | null;
  branch: string | null;
  dirty: boolean | null;
  commitTime: string | null;
}

const git = (cwd: string, args: string[]): string | null => {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
};

/** Read git in `cwd` (a folder outside a repository gives nulls). */
export function readGit(cwd = process.cwd()): GitState {
  const commit = git(cwd, ['rev-parse', 'HEAD']);
  if (!commit) return { commit: null, branch: null, dirty: null, commitTime: null };
  const branch = git(cwd, ['symbolic-ref', '--short', '-q', 'HEAD']) || null;
  const status = git(cwd, ['status', '--porcelain', '--untracked-files=no']);
  return { commit, branch, dirty: status === null ? null : status !== '', commitTime: git(cwd, ['show', '-s', '--format=%cI', 'HEAD']) || null };
}

type Env = Record<string, string | undefined>;

/** One CI service's variables: commit, branch (the PR's source branch first), link, PR number. */
interface CiReading {
  ci: string;
  commit?: string;
  branch?: string;
  url?: string;
  pullRequest?: string;
  time?: string;
}

/** A time that parses to an instant, else undefined: a CI variable with garbage must not become the time entries are ordered by. */
const aTime = (t: string | null | undefined): string | undefined => (t && Number.isFinite(instantOf(t)) ? t : undefined);

const nonEmpty = (...xs: (string | undefined)[]) => xs.find((x) => x !== undefined && x !== '');

/** The CI service this environment belongs to, and what its variables say. */
export function readCi(env: Env): CiReading | null {
  if (env.GITHUB_ACTIONS === 'true') {
    const pr = /^refs\/pull\/(\d+)\//.exec(env.GITHUB_REF ?? '')?.[1];
    return {
      ci: 'github-actions',
      commit: env.GITHUB_SHA,
      branch: nonEmpty(env.GITHUB_HEAD_REF, env.GITHUB_REF_NAME),
      url:
        env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
          ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
          : undefined,
      pullRequest: pr,
    };
  }
  if (env.GITLAB_CI === 'true') {
    return {
      ci: 'gitlab-ci',
      commit: env.CI_COMMIT_SHA,
      branch: nonEmpty(env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME, env.CI_COMMIT_BRANCH, env.CI_COMMIT_REF_NAME),
      url: env.CI_PIPELINE_URL ?? env.CI_JOB_URL,
      pullRequest: env.CI_MERGE_REQUEST_IID,
      time: env.CI_COMMIT_TIMESTAMP,
    };
  }
  if (env.BUILDKITE === 'true')
    return {
      ci: 'buildkite',
      commit: env.BUILDKITE_COMMIT,
      branch: env.BUILDKITE_BRANCH,
      url: env.BUILDKITE_BUILD_URL,
      pullRequest: env.BUILDKITE_PULL_REQUEST !== 'false' ? env.BUILDKITE_PULL_REQUEST : undefined,
    };
  if (env.CIRCLECI === 'true')
    return { ci: 'circleci', commit: env.CIRCLE_SHA1, branch: env.CIRCLE_BRANCH, url: env.CIRCLE_BUILD_URL, pullRequest: env.CIRCLE_PR_NUMBER };
  if (env.TF_BUILD === 'True')
    return {
      ci: 'azure-pipelines',
      commit: env.BUILD_SOURCEVERSION,
      branch: nonEmpty(env.SYSTEM_PULLREQUEST_SOURCEBRANCH, env.BUILD_SOURCEBRANCHNAME),
      pullRequest: env.SYSTEM_PULLREQUEST_PULLREQUESTNUMBER,
    };
  if (env.JENKINS_URL)
    return {
      ci: 'jenkins',
      commit: env.GIT_COMMIT,
      branch: nonEmpty(env.CHANGE_BRANCH, env.BRANCH_NAME, env.GIT_BRANCH?.replace(/^origin\//, '')),
      url: env.BUILD_URL,
      pullRequest: env.CHANGE_ID,
    };
  if (env.CI === 'true' || env.CI === '1') return { ci: 'ci' };
  return null;
}

/**
 * The provenance of a run: explicit values (options) win, then the CI's variables, then git,
 * then what run.json recorded. A branch comes from git only when git's HEAD is the run's commit.
 */
export function provenanceOf(
  inputs: { env: Env; git: GitState; recordedCommit: string | null; startedAt: string },
  explicit: { branch?: string; commit?: string; url?: string } = {},
): Provenance {
  const ci = readCi(inputs.env);
  const commit =
    nonEmpty(explicit.commit, inputs.env.MOBILENET_BENCH_COMMIT, ci?.commit, inputs.recordedCommit ?? undefined, inputs.git.commit ?? undefined) ?? null;
  const gitIsThisCommit = commit !== null && inputs.git.commit === commit;
  const branch =
    nonEmpty(explicit.branch, inputs.env.MOBILENET_BENCH_BRANCH, ci?.branch, gitIsThisCommit ? (inputs.git.branch ?? undefined) : undefined) ?? null;
  return {
    commit,
    branch,
    dirty: gitIsThisCommit ? inputs.git.dirty : null,
    time: nonEmpty(aTime(ci?.time), gitIsThisCommit ? aTime(inputs.git.commitTime) : undefined, inputs.startedAt)!,
    ci: ci?.ci ?? null,
    // A URL from a flag or a CI variable may hold user:password@: the history (and every page drawn from it) keeps it without.
    url: redactOptionalUrl(nonEmpty(explicit.url, ci?.url)),
    pullRequest: ci?.pullRequest ?? null,
  };
}
