//! The reference: Debian's nginx on loopback, serving the exact bytes Slipway answers as static
//! files (with nginx's own ETag, for the 304 reference) and playing the fake chat upstream that
//! answers a fixed completion at once, plain under `/plain/v1` and streamed under `/stream/v1`.

use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{Context, Result};

use super::process::{free_port, wait_until_up};

/// The one resource the per-resource measurements read.
pub const RESOURCE_PATH: &str = "/v1/config/prompt/p01";

/// The fixed (non-streaming) completion the fake upstream answers.
pub const COMPLETION: &str = r#"{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"gpt-bench","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":9,"total_tokens":21}}"#;

/// The streamed completion: a few chunks, the usage, then `[DONE]`.
fn stream() -> String {
    let chunk = |delta: &str, finish: &str| {
        format!(
            "data: {{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-bench\",\"choices\":[{{\"index\":0,\"delta\":{delta},\"finish_reason\":{finish}}}]}}\n\n"
        )
    };
    let mut text = String::new();
    text.push_str(&chunk(r#"{"role":"assistant","content":""}"#, "null"));
    for word in ["Hello!", " How", " can", " I", " help?"] {
        text.push_str(&chunk(&format!("{{\"content\":\"{word}\"}}"), "null"));
    }
    text.push_str(&chunk("{}", "\"stop\""));
    text.push_str("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-bench\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17}}\n\n");
    text.push_str("data: [DONE]\n\n");
    text
}

/// A running nginx; stopped when dropped.
pub struct Nginx {
    pub address: SocketAddr,
    root: PathBuf,
    child: Child,
}

impl Nginx {
    /// Starts nginx with its files under `dir`.
    ///
    /// # Errors
    /// When nginx cannot start or does not answer.
    pub fn start(dir: &Path) -> Result<Self> {
        let root = dir.join("nginx");
        fs::create_dir_all(root.join("www/plain/v1/chat"))?;
        fs::create_dir_all(root.join("www/stream/v1/chat"))?;
        fs::create_dir_all(root.join("tmp"))?;
        fs::write(root.join("www/plain/v1/chat/completions"), COMPLETION)?;
        fs::write(root.join("www/stream/v1/chat/completions"), stream())?;
        let port = free_port()?;
        let address: SocketAddr = ([127, 0, 0, 1], port).into();
        let www = root.join("www");
        let tmp = root.join("tmp");
        // Static files only: `error_page 405 =200 $uri` lets nginx answer a POST with the
        // file, which is what a fake upstream that "answers at once" needs.
        let config = format!(
            "worker_processes auto;\n\
             pid {pid};\n\
             error_log {log} warn;\n\
             {user}\
             events {{ worker_connections 4096; }}\n\
             http {{\n\
               access_log off;\n\
               client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fcgi;\n\
               uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;\n\
               keepalive_requests 1000000;\n\
               server {{\n\
                 listen {address} reuseport;\n\
                 root {www};\n\
                 location = /v1/config {{ alias {www}/config.json; {json} }}\n\
                 location = {resource} {{ alias {www}/resource.json; {json} }}\n\
                 location /plain/ {{ default_type application/json; error_page 405 =200 $uri; }}\n\
                 location /stream/ {{ default_type text/event-stream; error_page 405 =200 $uri; }}\n\
               }}\n\
             }}\n",
            pid = root.join("nginx.pid").display(),
            log = root.join("error.log").display(),
            user = if is_root() { "user root;\n" } else { "" },
            tmp = tmp.display(),
            www = www.display(),
            resource = RESOURCE_PATH,
            json = "default_type application/json; add_header Cache-Control \"private, no-cache\"; add_header Vary Authorization;",
        );
        fs::write(root.join("nginx.conf"), config)?;
        let child = Command::new("nginx")
            .arg("-p")
            .arg(&root)
            .arg("-c")
            .arg(root.join("nginx.conf"))
            .args(["-g", "daemon off;"])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .context("could not start nginx")?;
        let nginx = Self { address, root, child };
        wait_until_up(address, "/plain/v1/chat/completions").context("nginx did not start")?;
        Ok(nginx)
    }

    /// Serves `config` at `/v1/config` and `resource` at [`RESOURCE_PATH`], byte for byte.
    ///
    /// # Errors
    /// When the files cannot be written.
    pub fn serve(&self, config: &[u8], resource: &[u8]) -> Result<()> {
        fs::write(self.root.join("www/config.json"), config)?;
        fs::write(self.root.join("www/resource.json"), resource)?;
        Ok(())
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM: nginx's master then stops its workers (`Child::kill`'s SIGKILL would leave
        // them running).
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}
