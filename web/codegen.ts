// Typed GraphQL documents, generated from the committed schema: `npm run codegen` rewrites
// src/gql/, and a schema change that breaks a document fails here (and so the build).
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: false,
  generates: {
    "./src/gql/": {
      preset: "client",
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: "string", JSON: "unknown", ID: "string" },
      },
      presetConfig: { fragmentMasking: false },
    },
  },
  hooks: { afterAllFileWrite: [] },
};

export default config;
