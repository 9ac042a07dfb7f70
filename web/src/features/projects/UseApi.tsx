// "Use API": ready-to-paste snippets for reading an environment's configuration and following
// its watch stream, with the environment filled in (the API key is the reader's own).
import { useState } from "react";

/** The snippets for `environment`, by language. */
export function snippets(origin: string, environment: string): Record<string, string> {
  const url = `${origin}/v1/config?environment=${environment}`;
  const watch = `${origin}/v1/config/watch?environment=${environment}`;
  return {
    curl: `curl -sS "${url}" -H "Authorization: Bearer $SLIPWAY_API_KEY"\n# follow every change:\ncurl -N "${watch}" -H "Authorization: Bearer $SLIPWAY_API_KEY"`,
    Python: `import os, requests\n\nheaders = {"Authorization": f"Bearer {os.environ['SLIPWAY_API_KEY']}"}\nconfig = requests.get("${url}", headers=headers).json()\n# follow every change (Server-Sent Events):\nwith requests.get("${watch}", headers=headers, stream=True) as stream:\n    for line in stream.iter_lines():\n        print(line.decode())`,
    TypeScript: `const headers = { Authorization: \`Bearer \${process.env.SLIPWAY_API_KEY}\` };\nconst config = await (await fetch("${url}", { headers })).json();\n// follow every change (Server-Sent Events):\nconst stream = await fetch("${watch}", { headers });\nfor await (const chunk of stream.body!) console.log(new TextDecoder().decode(chunk));`,
    Rust: `let key = std::env::var("SLIPWAY_API_KEY")?;\nlet config: serde_json::Value = reqwest::Client::new()\n    .get("${url}")\n    .bearer_auth(&key)\n    .send().await?.json().await?;\n// follow every change: GET ${watch} (Server-Sent Events)`,
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
      <pre aria-label={`${language} snippet for ${environment}`}>{text}</pre>
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
