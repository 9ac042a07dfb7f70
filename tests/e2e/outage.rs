//! A database outage, as a load balancer sees it: the instance keeps serving gateway reads from
//! its snapshots and stays in rotation for reads (`/readyz`), says it cannot write
//! (`/readyz?for=writes` is 503, `writes: false`), refuses writes with `UNAVAILABLE`, and
//! recovers when the database is back; a write during the outage fails after the pool's acquire
//! timeout (`database_acquire_timeout`), not the request timeout. The outage is a TCP proxy in front of PostgreSQL that the
//! test cuts (every open connection reset, new ones refused) and then restores.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::helpers::{
    Db, PATIENCE, TestApp, api_key, fixture, new_prompt_version, publish_prompt, spawn_app_on, spawn_with,
};

/// A loopback TCP proxy to `target` that can be cut and restored on the same port.
struct Proxy {
    addr: SocketAddr,
    target: SocketAddr,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = Self {
            addr: listener.local_addr().unwrap(),
            target,
            tasks: Arc::default(),
        };
        proxy.serve(listener);
        proxy
    }

    fn serve(&self, listener: TcpListener) {
        let (target, tasks) = (self.target, Arc::clone(&self.tasks));
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let pipe = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                tasks.lock().unwrap().push(pipe);
            }
        });
        self.tasks.lock().unwrap().push(accept);
    }

    /// Resets every connection through the proxy and stops accepting new ones.
    fn cut(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    /// Accepts connections again, on the same address.
    async fn restore(&self) {
        // The aborted accept loop lets go of the port once the runtime drops it.
        let started = std::time::Instant::now();
        let listener = loop {
            match TcpListener::bind(self.addr).await {
                Ok(listener) => break listener,
                Err(e) if started.elapsed() < PATIENCE => {
                    assert_eq!(e.kind(), std::io::ErrorKind::AddrInUse, "{e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("the proxy's port stays taken: {e}"),
            }
        };
        self.serve(listener);
    }
}

/// `url` with its `host:port` replaced by `addr`.
fn through(url: &str, addr: SocketAddr) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let credentials = authority
        .rsplit_once('@')
        .map(|(c, _)| format!("{c}@"))
        .unwrap_or_default();
    format!("{scheme}://{credentials}{addr}{path}")
}

/// The `host:port` of a PostgreSQL URL, as an address.
fn address_of(url: &str) -> SocketAddr {
    let rest = url.split_once("://").unwrap().1;
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host_port = if host_port.contains(':') {
        host_port.to_owned()
    } else {
        format!("{host_port}:5432")
    };
    host_port.replace("localhost", "127.0.0.1").parse().unwrap()
}

async fn ready(app: &TestApp, query: &str) -> (u16, Value) {
    let response = app.get(&format!("/readyz{query}"), None).await;
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn a_database_outage_keeps_reads_in_rotation_and_refuses_writes_until_it_ends() {
    let Some(direct) = spawn_app_on(Db::Postgres).await else {
        eprintln!("SLIPWAY_TEST_DATABASE_URL not set; skipping the PostgreSQL run");
        return;
    };
    let postgres = direct.postgres.clone();
    let (mut settings, dir) = direct.stop().await;
    let proxy = Proxy::start(address_of(&settings.database_url)).await;
    settings.database_url = through(&settings.database_url, proxy.addr);
    // A write waits for a database connection at most this long during the outage, far less
    // than the request timeout it would otherwise run into.
    settings.database_acquire_timeout = Duration::from_secs(1);
    settings.request_timeout = Duration::from_secs(60);
    let mut app = spawn_with(settings, dir).await;
    app.postgres = postgres;

    let f = fixture(&app, "outage", "shop").await;
    publish_prompt(&app, &f, "greeting", "Hello!", &["prod"]).await;
    let key = api_key(&app, &f, &[]).await;
    let before = app.get("/v1/config/prompt/greeting?environment=prod", Some(&key)).await;
    assert_eq!(before.status(), 200);
    let served: Value = before.json().await.unwrap();
    assert_eq!(ready(&app, "").await.1["writes"], true);

    proxy.cut();
    // Reads are served from memory, as often as asked.
    for _ in 0..20 {
        let during = app.get("/v1/config/prompt/greeting?environment=prod", Some(&key)).await;
        assert_eq!(during.status(), 200);
        assert_eq!(during.json::<Value>().await.unwrap(), served);
    }
    // In rotation for reads, out of it for writes, saying which is which — and promptly.
    let started = std::time::Instant::now();
    let (status, body) = ready(&app, "").await;
    assert_eq!(
        (status, &body["reads"], &body["writes"]),
        (200, &json!(true), &json!(false)),
        "{body}"
    );
    assert!(body["snapshots"].as_u64().is_some_and(|n| n >= 1), "{body}");
    let (status, body) = ready(&app, "?for=writes").await;
    assert_eq!((status, &body["status"]), (503, &json!("unavailable")), "{body}");
    assert!(
        started.elapsed() < PATIENCE,
        "the probes answer without waiting on the database"
    );
    // A write is refused as unavailable (in GraphQL's error shape), never as an internal error,
    // and fast: after the acquire timeout, not the request timeout.
    let started = std::time::Instant::now();
    let (_, refused) = app
        .gql_raw(
            Some(&f.owner),
            "mutation { createOrganization(slug: \"during\", name: \"During\") { slug } }",
            json!({}),
        )
        .await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "UNAVAILABLE", "{refused}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "refused after {:?}, not at the request timeout",
        started.elapsed()
    );
    let message = refused["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("database"), "the message says what is down: {refused}");

    proxy.restore().await;
    let mut writable = false;
    for _ in 0..100 {
        if ready(&app, "?for=writes").await.0 == 200 {
            writable = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(writable, "writes are ready again once the database is back");
    new_prompt_version(&app, &f, "greeting", "Hello again!", &["prod"]).await;
    let after: Value = app
        .get("/v1/config/prompt/greeting?environment=prod", Some(&key))
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(after, served, "the write after the outage is served");
    proxy.cut();
    proxy.restore().await;
    app.finish().await;
}

#[tokio::test]
async fn readiness_is_asked_for_reads_or_writes_only() {
    let app = crate::helpers::spawn_app().await;
    let (status, body) = ready(&app, "").await;
    assert_eq!(
        (status, &body["reads"], &body["writes"]),
        (200, &json!(true), &json!(true)),
        "{body}"
    );
    assert_eq!(ready(&app, "?for=reads").await.0, 200);
    assert_eq!(ready(&app, "?for=writes").await.0, 200);
    let (status, body) = ready(&app, "?for=everything").await;
    assert_eq!((status, &body["error"]["code"]), (400, &json!("VALIDATION")), "{body}");
    app.finish().await;
}
