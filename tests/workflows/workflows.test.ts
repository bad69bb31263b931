// Structural checks of .github/workflows: what a schema cannot say (pinned actions, least
// privilege, no secrets in scripts, matrix = stacks, the documented pulumi/actions inputs).
// The schema check itself runs in validator.test.ts with a real validator.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

const ROOT = path.join(__dirname, "..", "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");

type Step = { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string>; if?: string; id?: string };
type Job = {
    name?: string;
    "runs-on"?: string;
    uses?: string;
    needs?: string | string[];
    steps?: Step[];
    permissions?: Record<string, string> | string;
    strategy?: { matrix?: Record<string, unknown> };
    environment?: string | { name: string };
    concurrency?: { group: string; "cancel-in-progress"?: boolean } | string;
    env?: Record<string, string>;
    if?: string;
};
type Workflow = { name?: string; on?: unknown; permissions?: Record<string, string> | string; env?: Record<string, string>; jobs: Record<string, Job> };

const files = fs
    .readdirSync(WORKFLOWS)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
const workflows = new Map<string, Workflow>(files.map((f) => [f, parse(fs.readFileSync(path.join(WORKFLOWS, f), "utf8")) as Workflow]));
const load = (file: string): Workflow => {
    const wf = workflows.get(file);
    assert.ok(wf, `${file} exists in .github/workflows`);
    return wf;
};

/** Stack names from Pulumi.<stack>.yaml at the root; the three planned stacks until those files exist. */
function stackNames(): string[] {
    const fromFiles = fs
        .readdirSync(ROOT)
        .map((f) => /^Pulumi\.([^.]+)\.ya?ml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined);
    return (fromFiles.length > 0 ? fromFiles : ["dev", "staging", "production"]).sort();
}

/** `uses:` must name a major tag (`@v4`), a full version (`@v4.1.2`) or a full commit SHA. */
const PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(\/[^@]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/;

/** Inputs documented for pulumi/actions v6 (its README, "Configuration" and "Extra options"). */
const PULUMI_ACTION_INPUTS = new Set([
    "command",
    "stack-name",
    "work-dir",
    "cloud-url",
    "comment-on-pr",
    "comment-on-summary",
    "github-token",
    "refresh",
    "secrets-provider",
    "color",
    "log-verbosity",
    "log-flow",
    "debug",
    "config-map",
    "diff",
    "comment-on-pr-number",
    "edit-pr-comment",
    "expect-no-changes",
    "message",
    "parallel",
    "policyPacks",
    "policyPackConfigs",
    "pulumi-version",
    "pulumi-version-file",
    "remove",
    "replace",
    "target",
    "target-dependents",
    "upsert",
    "exclude-protected",
    "suppress-outputs",
    "suppress-progress",
    "omit-stdout",
    "plan",
    "always-include-summary",
    "continue-on-error",
]);

/** Permissions a job may ask for, and the action that needs each one. */
const WRITE_PERMISSIONS: Record<string, string> = {
    "id-token": "aws-actions/configure-aws-credentials",
    "pull-requests": "marocchino/sticky-pull-request-comment",
};

/** An exact Node version .ci/run pins (`NODE24_VERSION=24.22.3`). */
function ciNodeVersion(variable: string): string {
    const match = new RegExp(`^${variable}=(\\d+\\.\\d+\\.\\d+)$`, "m").exec(fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8"));
    assert.ok(match, `.ci/run pins ${variable} to an exact version`);
    return match[1];
}

const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);
const stepsUsing = (job: Job, action: string): Step[] => (job.steps ?? []).filter((s) => s.uses?.split("@")[0] === action);
const allSteps = (wf: Workflow): [string, Step][] => Object.entries(wf.jobs).flatMap(([id, job]) => (job.steps ?? []).map((s): [string, Step] => [id, s]));

describe("workflows: every file", () => {
    it("has the two workflows", () => {
        assert.deepEqual(files, ["deploy.yml", "pull-request.yml"]);
    });

    for (const [file, wf] of workflows) {
        describe(file, () => {
            it("has name, on and jobs; each job runs on a runner and has steps that either use an action or run a script", () => {
                assert.ok(wf.name, "name");
                assert.ok(wf.on, "on");
                assert.ok(Object.keys(wf.jobs ?? {}).length > 0, "jobs");
                for (const [id, job] of Object.entries(wf.jobs)) {
                    assert.ok(job["runs-on"], `${id}: runs-on`);
                    assert.ok((job.steps ?? []).length > 0, `${id}: steps`);
                    for (const [i, step] of (job.steps ?? []).entries()) {
                        assert.ok((step.uses === undefined) !== (step.run === undefined), `${id} step ${i + 1}: exactly one of uses/run`);
                    }
                }
            });

            it("pins every action to a version tag or commit SHA", () => {
                for (const [id, step] of allSteps(wf)) {
                    if (step.uses === undefined || step.uses.startsWith("./")) continue;
                    assert.match(step.uses, PINNED, `${id}: ${step.uses}`);
                }
            });

            it("has needs that name existing jobs, without cycles", () => {
                const ids = Object.keys(wf.jobs);
                for (const [id, job] of Object.entries(wf.jobs)) {
                    for (const need of needsOf(job)) assert.ok(ids.includes(need), `${id} needs ${need}, which does not exist`);
                }
                const visiting = new Set<string>();
                const visit = (id: string, trail: string[]) => {
                    assert.ok(!trail.includes(id), `needs cycle: ${[...trail, id].join(" -> ")}`);
                    if (visiting.has(id)) return;
                    visiting.add(id);
                    for (const need of needsOf(wf.jobs[id])) visit(need, [...trail, id]);
                };
                for (const id of ids) visit(id, []);
            });

            it("grants at most contents: read at the top and job permissions only for the actions that need them", () => {
                assert.ok(wf.permissions !== undefined, "top-level permissions are set (the default token is broad)");
                assert.equal(typeof wf.permissions, "object", "no read-all/write-all shorthand");
                for (const [scope, level] of Object.entries(wf.permissions as Record<string, string>)) {
                    assert.ok(scope === "contents" && level === "read", `top-level ${scope}: ${level}`);
                }
                for (const [id, job] of Object.entries(wf.jobs)) {
                    assert.notEqual(typeof job.permissions, "string", `${id}: no read-all/write-all shorthand`);
                    const granted = (job.permissions ?? {}) as Record<string, string>;
                    for (const [scope, level] of Object.entries(granted)) {
                        if (level !== "write") continue;
                        const action = WRITE_PERMISSIONS[scope];
                        assert.ok(action, `${id}: ${scope}: write is not needed by any action here`);
                        assert.ok(stepsUsing(job, action).length > 0, `${id}: ${scope}: write without a ${action} step`);
                    }
                    for (const [scope, action] of Object.entries(WRITE_PERMISSIONS)) {
                        if (stepsUsing(job, action).length > 0) assert.equal(granted[scope], "write", `${id}: ${action} needs ${scope}: write`);
                    }
                }
            });

            it("never puts secrets or untrusted event text into a script", () => {
                const secretEnv = (env: Record<string, string> | undefined) =>
                    Object.entries(env ?? {})
                        .filter(([, v]) => String(v).includes("secrets."))
                        .map(([k]) => k);
                for (const [id, job] of Object.entries(wf.jobs)) {
                    const inherited = [...secretEnv(wf.env), ...secretEnv(job.env)];
                    for (const step of job.steps ?? []) {
                        if (step.run === undefined) continue;
                        assert.ok(!/\$\{\{[^}]*secrets\./.test(step.run), `${id}: a run script interpolates a secret`);
                        assert.ok(!/\$\{\{[^}]*github\.(event|head_ref)/.test(step.run), `${id}: a run script interpolates event text`);
                        for (const name of [...inherited, ...secretEnv(step.env)]) {
                            assert.ok(!new RegExp(`\\$\\{?${name}\\b`).test(step.run), `${id}: a run script reads the secret variable ${name}`);
                        }
                    }
                }
            });

            it("runs every job that needs AWS with OIDC (role-to-assume), never access keys", () => {
                for (const [id, job] of Object.entries(wf.jobs)) {
                    for (const step of stepsUsing(job, "aws-actions/configure-aws-credentials")) {
                        assert.match(step.uses!, /@v4$/, id);
                        assert.ok(step.with?.["role-to-assume"], `${id}: role-to-assume`);
                        assert.ok(step.with?.["aws-region"], `${id}: aws-region`);
                        assert.ok(!("aws-access-key-id" in (step.with ?? {})), `${id}: no static keys`);
                    }
                }
            });

            it("calls pulumi/actions v6 with documented inputs, the stack's PolicyPack config and the access token", () => {
                for (const [id, job] of Object.entries(wf.jobs)) {
                    for (const step of stepsUsing(job, "pulumi/actions")) {
                        assert.match(step.uses!, /@v6$/, id);
                        for (const input of Object.keys(step.with ?? {}))
                            assert.ok(PULUMI_ACTION_INPUTS.has(input), `${id}: unknown pulumi/actions input ${input}`);
                        const stackName = String(step.with?.["stack-name"]);
                        const stack = /\/platform\/(.+)$/.exec(stackName)?.[1];
                        assert.ok(stack, `${id}: stack-name ${stackName} is <org>/platform/<stack>`);
                        assert.equal(step.with?.policyPacks, "policies", id);
                        assert.equal(step.with?.policyPackConfigs, `policies/config/${stack}.json`, id);
                        assert.equal(step.env?.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}", id);
                        const aws = (job.steps ?? []).findIndex((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
                        assert.ok(aws >= 0 && aws < (job.steps ?? []).indexOf(step), `${id}: AWS credentials come before pulumi`);
                    }
                }
            });

            it("uses Node 24 (the current LTS line .ci/run pins) with the npm cache and npm ci", () => {
                for (const [id, job] of Object.entries(wf.jobs)) {
                    const setup = stepsUsing(job, "actions/setup-node");
                    assert.equal(setup.length, 1, `${id}: one setup-node`);
                    assert.equal(String(setup[0].with?.["node-version"]), "24", id);
                    assert.equal(String(setup[0].with?.["node-version"]), ciNodeVersion("NODE24_VERSION").split(".")[0], `${id}: the major .ci/run tests`);
                    assert.equal(setup[0].with?.cache, "npm", id);
                    assert.ok(
                        (job.steps ?? []).some((s) => s.run === "npm ci" || s.run?.endsWith("bash .ci/run")),
                        `${id}: npm ci (itself or through .ci/run)`,
                    );
                }
            });
        });
    }
});

describe("workflows: pull-request.yml", () => {
    const wf = load("pull-request.yml");

    it("runs on pull requests and tests first through .ci/run, as root (real tools, network namespaces)", () => {
        assert.ok(typeof wf.on === "object" && wf.on !== null && "pull_request" in wf.on);
        const runs = (wf.jobs.test.steps ?? []).map((s) => s.run).filter(Boolean);
        assert.deepEqual(runs, ['sudo -E env "PATH=$PATH" bash .ci/run']);
        // .ci/run is what type-checks and tests: npm test runs tsc --noEmit beside mocha, on Node 20 and on Node 24.
        const ci = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
        assert.match(ci, /^npm ci /m);
        assert.match(ci, /^ {4}PATH="\$bin:\$PATH" CI_NODE_MAJOR="\$major" npm test$/m);
        assert.match(ci, /^suite "\$node20" 20$/m);
        assert.match(ci, /^suite "\$node24" 24$/m);
    });

    it("plans and previews every stack in a matrix that matches the Pulumi.<stack>.yaml files", () => {
        for (const id of ["plan", "preview"]) {
            const stacks = wf.jobs[id].strategy?.matrix?.stack as string[];
            assert.deepEqual([...stacks].sort(), stackNames(), id);
        }
        assert.deepEqual(needsOf(wf.jobs.plan), ["test"]);
    });

    it("posts the Markdown plan as one sticky comment per stack", () => {
        const plan = wf.jobs.plan.steps!.find((s) => s.id === "plan")!;
        assert.match(plan.run!, /npm run --silent plan -- --stack "\$STACK" --markdown > plan\.md/);
        assert.equal(plan.env?.STACK, "${{ matrix.stack }}");
        const [comment] = stepsUsing(wf.jobs.plan, "marocchino/sticky-pull-request-comment");
        assert.match(comment.uses!, /@v2$/);
        assert.equal(comment.with?.header, "plan-${{ matrix.stack }}");
        assert.equal(comment.with?.path, "plan.md");
        const fail = wf.jobs.plan.steps!.at(-1)!;
        assert.match(String(fail.if), /steps\.plan\.outputs\.exit-code != '0'/, "the job fails after commenting when the plan failed");
    });

    it("previews with the PolicyPack via pulumi/actions", () => {
        const [preview] = stepsUsing(wf.jobs.preview, "pulumi/actions");
        assert.equal(preview.with?.command, "preview");
        assert.equal(preview.with?.["stack-name"], "${{ vars.PULUMI_ORG }}/platform/${{ matrix.stack }}");
        assert.equal(wf.jobs.preview.permissions && (wf.jobs.preview.permissions as Record<string, string>)["id-token"], "write");
    });

    it("skips the steps that need secrets or a write token on pull requests from forks", () => {
        const sameRepo = "github.event.pull_request.head.repo.full_name == github.repository";
        assert.equal(wf.jobs.preview.if, sameRepo);
        assert.equal(stepsUsing(wf.jobs.plan, "marocchino/sticky-pull-request-comment")[0].if, sameRepo);
    });
});

describe("workflows: deploy.yml", () => {
    const wf = load("deploy.yml");
    const stacks = ["staging", "production"];

    it("runs on pushes to main with no default permissions", () => {
        assert.deepEqual(wf.on, { push: { branches: ["main"] } });
        assert.deepEqual(wf.permissions, {});
    });

    it("updates staging after the tests, then production after staging in the production environment", () => {
        assert.deepEqual(needsOf(wf.jobs.staging), ["test"]);
        assert.deepEqual(needsOf(wf.jobs.production), ["staging"]);
        assert.equal(wf.jobs.production.environment, "production");
        assert.equal(wf.jobs.staging.environment, "staging");
    });

    it("runs `pulumi up` with the PolicyPack on each stack, one update per stack at a time", () => {
        const groups = new Set<string>();
        for (const stack of stacks) {
            const job = wf.jobs[stack];
            const [up] = stepsUsing(job, "pulumi/actions");
            assert.equal(up.with?.command, "up", stack);
            assert.equal(up.with?.["stack-name"], `\${{ vars.PULUMI_ORG }}/platform/${stack}`);
            assert.equal(up.with?.policyPackConfigs, `policies/config/${stack}.json`);
            const concurrency = job.concurrency as { group: string; "cancel-in-progress": boolean };
            assert.match(concurrency.group, new RegExp(stack));
            assert.equal(concurrency["cancel-in-progress"], false, `${stack}: a running update is never cancelled`);
            groups.add(concurrency.group);
            assert.ok(
                job.steps!.some((s) => s.run?.includes(`npm run --silent plan -- --stack ${stack}`)),
                `${stack}: offline plan gate`,
            );
        }
        assert.equal(groups.size, stacks.length, "one concurrency group per stack");
    });
});

describe("workflows: files they reference", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

    it("has the npm scripts the workflows run", () => {
        for (const script of ["test", "plan"]) assert.ok(pkg.scripts?.[script], `package.json script ${script}`);
    });

    it("has a PolicyPack config for every stack once policies/config exists", function () {
        const dir = path.join(ROOT, "policies", "config");
        if (!fs.existsSync(dir)) this.skip();
        for (const stack of stackNames()) assert.ok(fs.existsSync(path.join(dir, `${stack}.json`)), `policies/config/${stack}.json`);
    });
});
