//! The processes the bench starts: the release `slipway serve` on a free loopback port (SQLite in
//! a fresh data directory, or a PostgreSQL URL), stopped when dropped, plus the helpers to find a
//! free port and wait until a server answers.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::http::Connection;

/// A port nothing listens on right now.
///
/// # Errors
/// When the system has none to give.
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Waits (up to 60 s) until `GET path` answers 200.
///
/// # Errors
/// When it never does.
pub fn wait_until_up(address: SocketAddr, path: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let status = Connection::open(address).and_then(|mut c| c.request("GET", path, &[], ""));
        match status {
            Ok(r) if r.status == 200 => return Ok(()),
            _ if Instant::now() > deadline => bail!("{address}{path} did not answer 200 within 60 s"),
            _ => sleep(Duration::from_millis(50)),
        }
    }
}

/// A running `slipway serve`; stopped (SIGTERM, then waited for) when dropped.
pub struct Slipway {
    pub address: SocketAddr,
    pub pid: u32,
    binary: PathBuf,
    data_dir: PathBuf,
    child: Child,
}

impl Slipway {
    /// Starts `binary` with its data in `data_dir` and, when given, `database_url` as its store.
    /// Rate limits are off (the bench is the only client) and logging is at `warn`, as a busy
    /// production gateway would run it.
    ///
    /// # Errors
    /// When it cannot start or never becomes healthy.
    pub fn start(binary: &Path, data_dir: &Path, database_url: Option<&str>) -> Result<Self> {
        std::fs::create_dir_all(data_dir)?;
        let address: SocketAddr = ([127, 0, 0, 1], free_port()?).into();
        let mut command = Command::new(binary);
        command
            .arg("serve")
            .env("SLIPWAY_DATA_DIR", data_dir)
            .env("SLIPWAY_LISTEN", address.to_string())
            .env("SLIPWAY_RATE_LIMIT", "false")
            .env("SLIPWAY_LOG", "warn")
            .env_remove("SLIPWAY_DATABASE_URL")
            .env_remove("SLIPWAY_CONFIG")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        if let Some(url) = database_url {
            command.env("SLIPWAY_DATABASE_URL", url);
        }
        let child = command
            .spawn()
            .with_context(|| format!("could not start {}", binary.display()))?;
        let server = Self {
            address,
            pid: child.id(),
            binary: binary.to_owned(),
            data_dir: data_dir.to_owned(),
            child,
        };
        wait_until_up(address, "/healthz").context("slipway did not start")?;
        Ok(server)
    }

    /// A JWT for `sub`, minted by `slipway token` with this server's secret.
    ///
    /// # Errors
    /// When the command fails.
    pub fn token(&self, sub: &str) -> Result<String> {
        let output = Command::new(&self.binary)
            .args(["token", "--sub", sub, "--name", sub, "--ttl", "1d"])
            .env("SLIPWAY_DATA_DIR", &self.data_dir)
            .env_remove("SLIPWAY_CONFIG")
            .output()
            .context("could not run `slipway token`")?;
        if !output.status.success() {
            bail!("`slipway token` failed: {}", String::from_utf8_lossy(&output.stderr));
        }
        Ok(String::from_utf8(output.stdout)?.trim().to_owned())
    }
}

impl Drop for Slipway {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.pid.to_string()).status();
        let _ = self.child.wait();
    }
}
