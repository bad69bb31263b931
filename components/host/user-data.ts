/**
 * The zero-cost host's user data: small and the same on every release. cloud-init runs
 * `write_files`/`runcmd` once per instance, and a user-data change stops and starts the instance
 * (AWS-FACTS, last section), so nothing that changes with a release lives here: the compose file,
 * NGINX and Redis configuration, image references and the apply script arrive through the SSM
 * document (./document.ts) that a State Manager association runs.
 *
 * What remains is per-instance by nature: a swap file on the (disposable) root volume, made by
 * cloud-init's `swap` module at first boot, before the SSM agent, dnf and the first image pulls
 * need memory. Its size is the same on every allowed type (memory.ts SWAP_MIB), so switching the
 * instance type does not change the user data either. The apply script checks the swap too.
 */
import { stringify } from "yaml";
import { HOST_PATHS, YAML_OPTIONS } from "./boot-config";
import { SWAP_MIB } from "./memory";

/** EC2 refuses user data above 16 KB (before base64). */
export const USER_DATA_MAX_BYTES = 16384;

/** The `#cloud-config` user data (pass to `aws.ec2.Instance.userData`): constant. */
export function renderUserData(): string {
    const bytes = SWAP_MIB * 1024 * 1024;
    const cloudConfig = {
        // cloudinit/config/cc_mounts.py: `filename`, `size` and `maxsize` in bytes; fallocate on XFS
        // with kernel >= 4.18 (Amazon Linux 2023 runs 6.x), then mkswap, swapon and an fstab entry.
        swap: { filename: HOST_PATHS.swapFile, size: bytes, maxsize: bytes },
    };
    return [
        "#cloud-config",
        "# Zero-cost host (components/host). Configuration, images and secrets are applied by the SSM State",
        "# Manager association <project>-<stack>-host-apply; this user data never changes between releases.",
        stringify(cloudConfig, YAML_OPTIONS).trimEnd(),
        "",
    ].join("\n");
}
