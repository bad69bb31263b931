/**
 * The SSM Command document that delivers the host's configuration (schemaVersion 2.2, one
 * aws:runShellScript step). A State Manager association runs it when it is created, again whenever
 * it is updated (a new document version or new parameters: UpdateAssociation "runs it immediately
 * after it is updated" unless ApplyOnlyAtCronInterval, SSM API reference), and on its schedule.
 *
 * The step is a short POSIX sh bootstrap: it decodes the apply script (gzip + base64, so nothing in
 * it can be read as a heredoc terminator or as an SSM `{{ }}` reference), checks its sha256,
 * installs it as /usr/local/sbin/platform-apply and runs it. Pure: rendering only.
 */
import { createHash } from "crypto";
import { gzipSync } from "zlib";
import { HostBootConfig, HOST_PATHS, HOST_TIMEOUTS_SECONDS } from "./boot-config";
import { ApplyScript, renderApplyScript } from "./apply-script";

/** "The size limit of a document is 64 KB" (SSM API, MaxDocumentSizeExceeded; CreateDocument: content must not exceed 64KB). */
export const SSM_DOCUMENT_MAX_BYTES = 65536;

/** The document's one parameter: the apply script's revision (a new value updates the association, which then runs). */
export const REVISION_PARAMETER = "revision";

const B64_END = "PLATFORM_APPLY_B64";

export interface HostDocument extends ApplyScript {
    /** The document content (JSON) for `aws.ssm.Document.content`. */
    content: string;
    /** The step's commands, as SSM joins them into the script it runs. */
    runCommand: string[];
    /** UTF-8 bytes of `content`. */
    bytes: number;
}

/** Renders the document; throws when it would exceed SSM's limit or carry an unexpected `{{ }}`. */
export function renderHostDocument(config: HostBootConfig): HostDocument {
    const apply = renderApplyScript(config);
    // mtime 0 and a fixed level: the same script always gives the same bytes (no spurious new version).
    const packed = gzipSync(Buffer.from(apply.script, "utf8"), { level: 9 }).toString("base64");
    const sha256 = createHash("sha256").update(apply.script).digest("hex");
    const runCommand = [
        "set -eu",
        "# platform-apply, gzip + base64 (components/host/document.ts); PLATFORM_ROOT is empty on the host.",
        `script="\${PLATFORM_ROOT:-}${HOST_PATHS.applyScript}"`,
        'tmp="$(mktemp)"',
        `base64 -d <<'${B64_END}' | gzip -dc >"$tmp"`,
        ...(packed.match(/.{1,76}/g) ?? []),
        B64_END,
        `printf '%s  %s\\n' '${sha256}' "$tmp" | sha256sum --check --status`,
        'install -D -m 0750 "$tmp" "$script"',
        'rm -f "$tmp"',
        `exec "$script" --mode association --revision '{{ ${REVISION_PARAMETER} }}'`,
    ];
    const document = {
        schemaVersion: "2.2",
        description: `Zero-cost host ${config.project}/${config.stack}: installs and runs platform-apply (components/host); revision ${apply.revision.slice(0, 12)}`,
        parameters: {
            [REVISION_PARAMETER]: {
                type: "String",
                description: "Revision of platform-apply this run is meant to apply (sha256); empty when run by hand.",
                default: "",
                allowedPattern: "^([0-9a-f]{64})?$",
            },
        },
        mainSteps: [
            {
                action: "aws:runShellScript",
                name: "apply",
                precondition: { StringEquals: ["platformType", "Linux"] },
                inputs: { timeoutSeconds: String(HOST_TIMEOUTS_SECONDS.apply), runCommand },
            },
        ],
    };
    const content = JSON.stringify(document, null, 2);
    const references = content.match(/\{\{[^}]*\}\}/g) ?? [];
    if (references.length !== 1 || references[0] !== `{{ ${REVISION_PARAMETER} }}`) {
        throw new Error(`SSM document: expected exactly one parameter reference {{ ${REVISION_PARAMETER} }}, found [${references.join(", ")}]`);
    }
    const bytes = Buffer.byteLength(content, "utf8");
    if (bytes > SSM_DOCUMENT_MAX_BYTES) {
        throw new Error(`SSM document: ${bytes} bytes for ${config.apps.length} apps; SSM allows at most ${SSM_DOCUMENT_MAX_BYTES}`);
    }
    return { ...apply, content, runCommand, bytes };
}
