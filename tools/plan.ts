// npm run plan -- --stack <stack>[@variant] [--compare <stack>[@variant]] [--markdown | --json]
// The program's offline main job: runs it under mocks, prints the resources by component, the
// monthly cost with its assumptions and the policy verdicts. Exits 1 when a mandatory policy fails.
import { compare, makePlan, parseTarget, planJson, renderComparison, renderMarkdown, renderText, VARIANTS } from "./plan-lib";

const USAGE = `usage: npm run plan -- --stack <stack>[@variant] [--compare <stack>[@variant]] [--markdown | --json]
  stacks: the Pulumi.<stack>.yaml files (dev, staging, production)
  variants: ${Object.keys(VARIANTS).join(", ")} (e.g. --stack production --compare production@seed-choices)`;

interface Args {
    stack?: string;
    compare?: string;
    format: "text" | "markdown" | "json";
}

function parseArgs(argv: string[]): Args {
    const args: Args = { format: "text" };
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        if (flag === "--stack" || flag === "--compare") args[flag === "--stack" ? "stack" : "compare"] = argv[++i];
        else if (flag === "--markdown") args.format = "markdown";
        else if (flag === "--json") args.format = "json";
        else if (flag === "--help" || flag === "-h") throw new Error(USAGE);
        else throw new Error(`unknown argument "${flag}"\n${USAGE}`);
    }
    if (!args.stack) throw new Error(`--stack is required\n${USAGE}`);
    return args;
}

export async function main(argv: string[]): Promise<number> {
    let args: Args;
    try {
        args = parseArgs(argv);
    } catch (error) {
        console.error((error as Error).message);
        return 2;
    }
    // Progress goes to stderr so stdout stays a clean document (Markdown for a PR comment, JSON).
    const progress = (line: string) => process.stderr.write(`… ${line}\n`);
    const plan = await makePlan(parseTarget(args.stack!), progress);
    const other = args.compare ? await makePlan(parseTarget(args.compare), progress) : undefined;
    // A comparison reads "from the other to this one" when the other is the smaller step (staging -> production).
    const comparison = other && compare(other, plan);

    if (args.format === "json") {
        console.log(JSON.stringify({ plan: planJson(plan), compare: other && { plan: planJson(other), difference: comparison } }, null, 2));
    } else if (args.format === "markdown") {
        console.log(renderMarkdown(plan));
        if (comparison) console.log(`\n${renderComparison(comparison, true)}`);
    } else {
        console.log(renderText(plan));
        if (comparison) console.log(`\n${renderComparison(comparison)}`);
    }
    return plan.passed ? 0 : 1;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (error) => {
            console.error(error instanceof Error ? error.message : error);
            process.exit(1);
        },
    );
}
