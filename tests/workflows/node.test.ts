// The Node lines the project is tested on: .ci/run pins them, package.json `engines` says them, and
// under .ci/run the test processes check that they really run on the one asked for.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
const CI_RUN = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
const ENGINES: string = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).engines.node;

type Version = [number, number, number];

function parseVersion(text: string): Version {
    const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(text.trim());
    assert.ok(match, `not a version: ${text}`);
    return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

function compare(a: Version, b: Version): number {
    for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
}

/**
 * Whether `version` satisfies a range written as `engines` is: comparator sets of `>=x.y.z` and
 * `<x.y.z` joined by `||` (npm's semver syntax, the subset package.json uses; anything else is
 * refused here so the test cannot silently misread it).
 */
function satisfies(version: string, range: string): boolean {
    const v = parseVersion(version);
    return range.split("||").some((set) =>
        set
            .trim()
            .split(/\s+/)
            .every((comparator) => {
                const match = /^(>=|<)(\d+(?:\.\d+){0,2})$/.exec(comparator);
                assert.ok(match, `engines comparator ${comparator} is not >=x.y.z or <x.y.z`);
                const order = compare(v, parseVersion(match[2]));
                return match[1] === ">=" ? order >= 0 : order < 0;
            }),
    );
}

function pinned(variable: string): string {
    const match = new RegExp(`^${variable}=(\\d+\\.\\d+\\.\\d+)$`, "m").exec(CI_RUN);
    assert.ok(match, `.ci/run pins ${variable} to an exact version`);
    return match[1];
}

describe("Node versions", () => {
    it(".ci/run pins exact Node 20 and Node 24 versions from the npm registry", () => {
        assert.strictEqual(pinned("NODE20_VERSION").split(".")[0], "20");
        assert.strictEqual(pinned("NODE24_VERSION").split(".")[0], "24");
        assert.match(CI_RUN, /^node24=\$\(node_from_npm "\$NODE24_VERSION"\)$/m, "Node 24 always comes from npm, pinned");
    });

    it("package.json engines accepts the two pinned versions and no untested line", () => {
        for (const tested of [pinned("NODE20_VERSION"), pinned("NODE24_VERSION"), "20.19.0", "24.0.0"]) {
            assert.ok(satisfies(tested, ENGINES), `${ENGINES} accepts ${tested}`);
        }
        // 20.18: below mocha 12's ^20.19.0; 22, 23, 25, 26: lines nothing here runs on.
        for (const untested of ["18.20.4", "20.18.1", "21.7.3", "22.12.0", "23.11.0", "25.0.0", "26.1.0"]) {
            assert.ok(!satisfies(untested, ENGINES), `${ENGINES} refuses ${untested}`);
        }
    });

    it("the range check itself reads >=, < and ||", () => {
        assert.ok(satisfies("20.19.0", ">=20.19.0 <21"));
        assert.ok(!satisfies("21.0.0", ">=20.19.0 <21"));
        assert.ok(satisfies("24.1.0", ">=20.19.0 <21 || >=24 <25"));
        assert.throws(() => satisfies("24.1.0", "^24"), /not >=x\.y\.z or <x\.y\.z/);
    });

    // .ci/run sets CI_NODE_MAJOR for each of its two runs; mocha's parallel workers inherit it.
    it("runs on the Node major .ci/run asked for (CI_NODE_MAJOR)", function () {
        const expected = process.env.CI_NODE_MAJOR;
        if (!expected) this.skip();
        assert.strictEqual(String(parseVersion(process.version)[0]), expected, `this test process runs ${process.execPath} ${process.version}`);
    });
});
