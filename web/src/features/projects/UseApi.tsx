// "Use API": ready-to-paste snippets for reading an environment's configuration and following
// its watch stream, with the environment filled in (the API key is the reader's own).
import { useState } from "react";

/**
 * The snippets for `environment`, by language: `curl` for a first look, and the client
 * libraries (`clients/python`, `clients/typescript`, `crates/slipway-client`), which load the
 * configuration once, follow the watch stream and keep serving the last good configuration.
 */
export function snippets(origin: string, environment: string): Record<string, string> {
  const url = `${origin}/v1/config?environment=${environment}`;
  const watch = `${origin}/v1/config/watch?environment=${environment}`;
  return {
    curl: `curl -sS "${url}" -H "Authorization: Bearer $SLIPWAY_API_KEY"\n# follow every change:\ncurl -N "${watch}" -H "Authorization: Bearer $SLIPWAY_API_KEY"`,
    Python: `# pip install ./clients/python\nimport os\nfrom slipway_client import Client\n\nclient = Client("${origin}", os.environ["SLIPWAY_API_KEY"], environment="${environment}")\nconfig = client.get_config()  # from memory, kept current by the watch stream\nprompt = client.get_prompt("greeting")  # one resource, with what served it\nprint(prompt.version, prompt.served_from)`,
    TypeScript: `// npm install ./clients/typescript\nimport { Client } from "@slipway/client";\n\nconst client = await Client.create({ baseUrl: "${origin}", credential: String(process.env.SLIPWAY_API_KEY), environment: "${environment}" });\nconst config = client.getConfig(); // from memory, kept current by the watch stream\nconst prompt = client.getPrompt("greeting"); // one resource, with what served it\nconsole.log(prompt.version, prompt.servedFrom);`,
    Rust: `// slipway-client = { path = "crates/slipway-client" }\nlet key = std::env::var("SLIPWAY_API_KEY")?;\nlet client = slipway_client::Client::builder("${origin}", key)\n    .environment("${environment}")\n    .build()\n    .await?; // loads once, then follows the watch stream\nlet config = client.get_config(None)?;\nlet prompt = client.get_prompt("greeting", None)?;\nprintln!("{} from {}", prompt.version, prompt.served_from);`,
  };
}

export function UseApi({ environment }: { environment: string }) {
  const all = snippets(window.location.origin, environment);
  const [language, setLanguage] = useState("curl");
  const [copied, setCopied] = useState(false);
  const text = all[language] ?? "";
  return (
    <details>
      <summary>Use API</summary>
      <div role="group" aria-label={`Snippet language for ${environment}`}>
        {Object.keys(all).map((l) => (
          <button key={l} type="button" aria-pressed={l === language} onClick={() => setLanguage(l)}>
            {l}
          </button>
        ))}
      </div>
      <pre role="region" aria-label={`${language} snippet for ${environment}`} tabIndex={0}>{text}</pre>
      <button
        type="button"
        onClick={() => {
          void navigator.clipboard?.writeText(text).then(() => setCopied(true));
        }}
      >
        {copied ? "Copied" : "Copy"}
      </button>
    </details>
  );
}
