// In-memory models of the two services the rotation function talks to, installed behind
// aws-sdk-client-mock stubs. They keep state (versions and staging labels; the cluster's accepted
// AUTH tokens) so tests can assert what clients could still do after a failure, not only which
// calls were made. Behaviour follows the AWS documentation:
// - RotateSecret creates the new version empty with AWSPENDING; GetSecretValue on a version without a
//   value, or without the requested stage, is ResourceNotFoundException.
// - RotateSecret with RotateImmediately=false "tests the rotation configuration by running the
//   testSecret step ... The test creates an AWSPENDING version of the secret and then removes it"
//   (RotateSecret API reference, RotateImmediately). That the version holds the AWSCURRENT value is
//   not spelled out there: it is what getmoto/moto's rotate_secret models and what AWS's own
//   templates need (aws-samples/aws-secrets-manager-rotation-lambdas, RDS single-user test_secret
//   logs in with AWSPENDING, which only works when it equals the current credentials). Unconfirmed.
// - A version without labels is deprecated and no longer listed in VersionIdsToStages (DescribeSecret
//   API reference).
// - A staging label is on one version at most; moving AWSCURRENT puts AWSPREVIOUS on the old version.
// - If a rotation fails, Secrets Manager retries the entire rotation (DescribeSecret API reference,
//   NextRotationDate) with the same token (RotateSecret ClientRequestToken: "prevent the accidental
//   creation of duplicate versions if there are failures and retries during a rotation").
// - ElastiCache ROTATE adds the token and keeps the two most recent ones; a modify needs `available`.
//
// Faults: `failNext(command, "before")` fails a call without applying it (throttling, a network error);
// `failNext(command, "after")` applies it and loses the response (the Lambda timed out or crashed after
// the request reached AWS), the case idempotent steps exist for.
import { randomBytes, randomUUID } from "crypto";
import { AwsStub } from "aws-sdk-client-mock";
import {
    DescribeSecretCommand,
    GetRandomPasswordCommand,
    GetRandomPasswordCommandInput,
    GetSecretValueCommand,
    InvalidParameterException,
    InvalidRequestException,
    PutSecretValueCommand,
    ResourceExistsException,
    ResourceNotFoundException,
    ServiceInputTypes as SmInput,
    ServiceOutputTypes as SmOutput,
    SecretsManagerClientResolvedConfig,
    UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import {
    DescribeReplicationGroupsCommand,
    ElastiCacheClientResolvedConfig,
    InvalidParameterValueException,
    InvalidReplicationGroupStateFault,
    ModifyReplicationGroupCommand,
    ReplicationGroup,
    ReplicationGroupNotFoundFault,
    ServiceInputTypes as EcInput,
    ServiceOutputTypes as EcOutput,
} from "@aws-sdk/client-elasticache";

export type SmStub = AwsStub<SmInput, SmOutput, SecretsManagerClientResolvedConfig>;
export type EcStub = AwsStub<EcInput, EcOutput, ElastiCacheClientResolvedConfig>;

const $metadata = {};

/** A transient service error: what a throttled or dropped call looks like to the caller. */
export function transientError(command: string): Error {
    return Object.assign(new Error(`${command}: Rate exceeded (injected fault)`), { name: "ThrottlingException", $metadata });
}

type FaultTiming = "before" | "after";
interface Fault {
    command: string;
    when: FaultTiming;
    error: Error;
}

/** One-shot faults per command name, shared by both fakes. */
class Faults {
    private readonly pending: Fault[] = [];
    /** Every fault that fired, in order, as `<command>:<when>`. */
    readonly fired: string[] = [];

    add(command: string, when: FaultTiming, error: Error = transientError(command)): void {
        this.pending.push({ command, when, error });
    }

    /** Runs `apply` for a call of `command`, honouring a pending fault for it. */
    run<T>(command: string, apply: () => T): T {
        const i = this.pending.findIndex((f) => f.command === command);
        if (i < 0) return apply();
        const [fault] = this.pending.splice(i, 1);
        this.fired.push(`${command}:${fault!.when}`);
        if (fault!.when === "after") apply();
        throw fault!.error;
    }
}

/** A clock the fakes and the handler share; every service call moves it on a little. */
export class FakeClock {
    constructor(private t: number) {}
    now(): number {
        return this.t;
    }
    date(): Date {
        return new Date(this.t);
    }
    advance(ms: number): void {
        this.t += ms;
    }
}

interface SecretVersion {
    id: string;
    value?: string;
    stages: string[];
    created: Date;
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export class FakeSecretStore {
    rotationEnabled = true;
    readonly versions = new Map<string, SecretVersion>();
    /** Every password GetRandomPassword handed out, to check none reaches a log line. */
    readonly generated: string[] = [];
    /** Passwords to return next instead of random ones (to simulate a bad generator). */
    readonly nextPasswords: string[] = [];
    readonly faults = new Faults();

    constructor(
        readonly arn: string,
        private readonly clock: FakeClock,
        initial: { previous?: object; current: object },
    ) {
        if (initial.previous) this.addVersion(JSON.stringify(initial.previous), ["AWSPREVIOUS"], -60 * 86_400_000);
        this.addVersion(JSON.stringify(initial.current), ["AWSCURRENT"], -30 * 86_400_000);
    }

    private addVersion(value: string | undefined, stages: string[], ageMs = 0, id: string = randomUUID()): string {
        for (const stage of stages) this.removeStage(stage);
        this.versions.set(id, { id, value, stages: [...stages], created: new Date(this.clock.now() + ageMs) });
        return id;
    }

    private removeStage(stage: string): void {
        for (const v of this.versions.values()) v.stages = v.stages.filter((s) => s !== stage);
    }

    /** Version id holding a staging label. */
    versionWith(stage: string): string | undefined {
        return [...this.versions.values()].find((v) => v.stages.includes(stage))?.id;
    }

    /** Parsed value of the version holding a staging label. */
    valueAt(stage: string): any {
        const id = this.versionWith(stage);
        const value = id ? this.versions.get(id)?.value : undefined;
        return value === undefined ? undefined : JSON.parse(value);
    }

    /** VersionIdsToStages as DescribeSecret returns it (versions with at least one label). */
    stages(): Record<string, string[]> {
        const out: Record<string, string[]> = {};
        for (const v of this.versions.values()) if (v.stages.length > 0) out[v.id] = [...v.stages];
        return out;
    }

    /** What RotateSecret does before invoking the function: an empty AWSPENDING version. */
    startRotation(token: string = randomUUID()): string {
        const pending = this.versionWith("AWSPENDING");
        if (pending && pending !== this.versionWith("AWSCURRENT")) {
            throw new InvalidRequestException({ $metadata, message: "A previous rotation isn't complete. That rotation will be reattempted." });
        }
        this.addVersion(undefined, ["AWSPENDING"], 0, token);
        return token;
    }

    /**
     * What RotateSecret with RotateImmediately=false does before it invokes testSecret: a new
     * AWSPENDING version holding the AWSCURRENT value (see the header for what is confirmed).
     */
    startConfigurationTest(token: string = randomUUID()): string {
        const pending = this.versionWith("AWSPENDING");
        if (pending && pending !== this.versionWith("AWSCURRENT")) {
            throw new InvalidRequestException({ $metadata, message: "A previous rotation isn't complete. That rotation will be reattempted." });
        }
        const current = this.versions.get(this.versionWith("AWSCURRENT")!)!;
        this.addVersion(current.value, ["AWSPENDING"], 0, token);
        return token;
    }

    /** ...and what it does after testSecret: the AWSPENDING label is removed again. */
    endConfigurationTest(token: string): void {
        const version = this.versions.get(token);
        if (!version?.stages.includes("AWSPENDING")) throw new Error(`fake: version ${token} is not AWSPENDING`);
        version.stages = version.stages.filter((s) => s !== "AWSPENDING");
    }

    /** One-shot fault for the next call of a Secrets Manager command (see the header). */
    failNext(
        command: "DescribeSecret" | "GetSecretValue" | "GetRandomPassword" | "PutSecretValue" | "UpdateSecretVersionStage",
        when: FaultTiming,
        error?: Error,
    ): void {
        this.faults.add(command, when, error);
    }

    /** Every value stored in any version under jwt.secret/previousSecret/nextSecret or redis.authToken. */
    secretValues(): string[] {
        const out: string[] = [];
        for (const v of this.versions.values()) {
            if (!v.value) continue;
            let parsed: any;
            try {
                parsed = JSON.parse(v.value);
            } catch {
                out.push(v.value); // unparsable: the whole string counts as secret
                continue;
            }
            for (const key of ["secret", "previousSecret", "nextSecret"]) {
                if (typeof parsed?.jwt?.[key] === "string") out.push(parsed.jwt[key]);
            }
            if (typeof parsed?.redis?.authToken === "string") out.push(parsed.redis.authToken);
        }
        return out;
    }

    install(mock: SmStub): void {
        const notFound = (message: string) => new ResourceNotFoundException({ $metadata, message });
        const tick = () => this.clock.advance(1_500);
        const checkArn = (id: string | undefined) => {
            if (id !== this.arn) throw notFound("Secrets Manager can't find the specified secret.");
        };

        mock.on(DescribeSecretCommand).callsFake((input) =>
            this.faults.run("DescribeSecret", () => {
                tick();
                checkArn(input.SecretId);
                return { ARN: this.arn, Name: "app", RotationEnabled: this.rotationEnabled, VersionIdsToStages: this.stages() };
            }),
        );

        mock.on(GetSecretValueCommand).callsFake((input) =>
            this.faults.run("GetSecretValue", () => {
                tick();
                checkArn(input.SecretId);
                const id = input.VersionId ?? this.versionWith(input.VersionStage ?? "AWSCURRENT");
                const version = id ? this.versions.get(id) : undefined;
                if (!version || (input.VersionStage && !version.stages.includes(input.VersionStage))) {
                    throw notFound("Secrets Manager can't find the specified secret version.");
                }
                if (version.value === undefined) throw notFound("Secrets Manager can't find the specified secret value for VersionId.");
                return { ARN: this.arn, VersionId: version.id, SecretString: version.value, VersionStages: [...version.stages], CreatedDate: version.created };
            }),
        );

        mock.on(GetRandomPasswordCommand).callsFake((input: GetRandomPasswordCommandInput) =>
            this.faults.run("GetRandomPassword", () => {
                tick();
                let password = this.nextPasswords.shift();
                if (password === undefined) {
                    if (!input.ExcludePunctuation) throw new Error("fake GetRandomPassword only generates alphanumeric passwords");
                    const alphabet = [...ALPHANUMERIC].filter((c) => !(input.ExcludeCharacters ?? "").includes(c));
                    password = [...randomBytes(input.PasswordLength ?? 32)].map((b) => alphabet[b % alphabet.length]).join("");
                }
                this.generated.push(password);
                return { RandomPassword: password };
            }),
        );

        mock.on(PutSecretValueCommand).callsFake((input) =>
            this.faults.run("PutSecretValue", () => {
                tick();
                checkArn(input.SecretId);
                const id = input.ClientRequestToken;
                if (!id || input.SecretString === undefined) throw new InvalidParameterException({ $metadata, message: "bad PutSecretValue" });
                const existing = this.versions.get(id);
                if (existing?.value !== undefined) {
                    if (existing.value !== input.SecretString) {
                        throw new ResourceExistsException({ $metadata, message: "A resource with the ID you requested already exists." });
                    }
                    return { ARN: this.arn, VersionId: id, VersionStages: [...existing.stages] };
                }
                const stages = input.VersionStages ?? ["AWSCURRENT"];
                for (const stage of stages) this.removeStage(stage);
                if (existing) {
                    existing.value = input.SecretString;
                    existing.stages = [...new Set([...existing.stages, ...stages])];
                } else {
                    this.addVersion(input.SecretString, stages, 0, id);
                }
                return { ARN: this.arn, VersionId: id, VersionStages: [...this.versions.get(id)!.stages] };
            }),
        );

        mock.on(UpdateSecretVersionStageCommand).callsFake((input) =>
            this.faults.run("UpdateSecretVersionStage", () => {
                tick();
                checkArn(input.SecretId);
                const stage = input.VersionStage!;
                const holder = this.versionWith(stage);
                if (holder && holder !== input.RemoveFromVersionId) {
                    throw new InvalidParameterException({
                        $metadata,
                        message: `The staging label ${stage} is currently attached to version ${holder}, so you must explicitly reference it with RemoveFromVersionId.`,
                    });
                }
                const target = input.MoveToVersionId ? this.versions.get(input.MoveToVersionId) : undefined;
                if (input.MoveToVersionId && !target) throw notFound("version not found");
                if (holder) this.versions.get(holder)!.stages = this.versions.get(holder)!.stages.filter((s) => s !== stage);
                if (target) target.stages.push(stage);
                if (stage === "AWSCURRENT" && holder && target) {
                    this.removeStage("AWSPREVIOUS");
                    this.versions.get(holder)!.stages.push("AWSPREVIOUS");
                }
                return { ARN: this.arn, Name: "app" };
            }),
        );
    }
}

export class FakeReplicationGroup {
    status: "available" | "modifying" = "available";
    authTokenEnabled = true;
    /** Tokens the cluster accepts now: at most the two most recent. */
    tokens: string[];
    lastModified: Date;
    /** Successful ModifyReplicationGroup calls. */
    modifyCount = 0;
    /** Describe calls after a modify until it is applied (the call that sees it applied included). */
    pollsUntilApplied = 2;
    /** Error the next ModifyReplicationGroup throws instead of acting. */
    failNextModify?: Error;
    readonly faults = new Faults();
    /**
     * When AuthTokenLastModifiedDate moves: the API does not document it, so tests cover both.
     * "completion": when the new token becomes valid; "request": when the modify is accepted.
     */
    lastModifiedOn: "completion" | "request" = "completion";
    private inFlight?: { token: string; pollsLeft: number };

    constructor(
        readonly id: string,
        private readonly clock: FakeClock,
        initialToken: string,
    ) {
        this.tokens = [initialToken];
        this.lastModified = new Date(clock.now() - 30 * 86_400_000);
    }

    /** One-shot fault for the next call of an ElastiCache command (see the header). */
    failNext(command: "DescribeReplicationGroups" | "ModifyReplicationGroup", when: FaultTiming, error?: Error): void {
        this.faults.add(command, when, error);
    }

    accepts(token: string): boolean {
        return this.tokens.includes(token);
    }

    /** Lets an in-flight change finish, as time passing would. */
    completePendingChange(): void {
        if (this.inFlight) {
            this.inFlight.pollsLeft = 0;
            this.apply();
        }
    }

    private apply(): void {
        if (!this.inFlight) return;
        this.tokens = [...this.tokens, this.inFlight.token].slice(-2);
        if (this.lastModifiedOn === "completion") this.lastModified = this.clock.date();
        this.status = "available";
        this.inFlight = undefined;
    }

    private view(): ReplicationGroup {
        return {
            ReplicationGroupId: this.id,
            Status: this.status,
            AuthTokenEnabled: this.authTokenEnabled,
            AuthTokenLastModifiedDate: this.lastModified,
            TransitEncryptionEnabled: true,
            PendingModifiedValues: this.inFlight ? { AuthTokenStatus: "ROTATING" } : {},
        };
    }

    install(mock: EcStub): void {
        mock.on(DescribeReplicationGroupsCommand).callsFake((input) =>
            this.faults.run("DescribeReplicationGroups", () => {
                this.clock.advance(500);
                if (input.ReplicationGroupId !== this.id) {
                    throw new ReplicationGroupNotFoundFault({ $metadata, message: `ReplicationGroup ${input.ReplicationGroupId} not found.` });
                }
                if (this.inFlight && --this.inFlight.pollsLeft <= 0) this.apply();
                return { ReplicationGroups: [this.view()] };
            }),
        );

        mock.on(ModifyReplicationGroupCommand).callsFake((input) =>
            this.faults.run("ModifyReplicationGroup", () => {
                this.clock.advance(800);
                if (input.ReplicationGroupId !== this.id) {
                    throw new ReplicationGroupNotFoundFault({ $metadata, message: `ReplicationGroup ${input.ReplicationGroupId} not found.` });
                }
                if (this.failNextModify) {
                    const err = this.failNextModify;
                    this.failNextModify = undefined;
                    throw err;
                }
                if (this.status !== "available") {
                    throw new InvalidReplicationGroupStateFault({ $metadata, message: "Replication group must be in available state to modify." });
                }
                const token = input.AuthToken;
                if (!token || !/^[A-Za-z0-9!&#$^<>-]{16,128}$/.test(token) || input.AuthTokenUpdateStrategy !== "ROTATE" || input.ApplyImmediately !== true) {
                    throw new InvalidParameterValueException({ $metadata, message: "Invalid AUTH token modification." });
                }
                this.modifyCount++;
                this.status = "modifying";
                this.inFlight = { token, pollsLeft: this.pollsUntilApplied };
                if (this.lastModifiedOn === "request") this.lastModified = this.clock.date();
                return { ReplicationGroup: this.view() };
            }),
        );
    }
}
