// ESLint (flat config): typescript-eslint's recommended rules; formatting is Prettier's job.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/**", "policies/node_modules/**", "policies/generated/**", "**/*.d.ts", ".pgtest/**", "tmp/**"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node, ...globals.mocha } },
        rules: {
            // Unused names are errors, except the `_`-prefixed ones destructured away on purpose.
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
        },
    },
    {
        // These read resource inputs that the mocks, the policy SDK and the price catalogue type as `any`.
        files: ["harness/**", "policies/**", "cost/**", "tests/**"],
        rules: { "@typescript-eslint/no-explicit-any": "off" },
    },
    {
        // The Lambda folders ship plain CommonJS without a build step.
        files: ["lambda/**/*.js"],
        languageOptions: { sourceType: "commonjs" },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
