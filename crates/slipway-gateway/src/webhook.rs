//! The webhook sender's HTTP side: one shared `reqwest` client whose resolver resolves every
//! endpoint host itself and hands the connector only the addresses the operator's
//! [`AddressScope`] allows, so the connection goes to an address that was checked (no second
//! lookup to rebind). Hosts written as IP addresses skip the resolver and are checked before
//! sending. Redirects are not followed; the endpoint's answer body is never read.

use std::error::Error;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use slipway_domain::webhook::address::AddressScope;
use slipway_domain::webhook::delivery::Outcome;
use slipway_service::ports::SendFuture;
use slipway_service::{WebhookRequest, WebhookTransport};

use crate::BuildError;

/// The resolver found no address the scope allows.
#[derive(Debug)]
struct Refused;

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the host resolves to no address webhooks may reach")
    }
}

impl Error for Refused {}

/// Resolves with the system resolver and keeps the allowed addresses.
struct GuardedResolver {
    scope: AddressScope,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let scope = self.scope;
        Box::pin(async move {
            let found = tokio::net::lookup_host((name.as_str(), 0)).await?;
            let allowed: Vec<SocketAddr> = found.filter(|a| scope.allows(a.ip())).collect();
            if allowed.is_empty() {
                return Err(Box::new(Refused) as Box<dyn Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// Sends webhook deliveries over one pooled client.
#[derive(Clone)]
pub struct WebhookSender {
    client: reqwest::Client,
    scope: AddressScope,
    timeout: Duration,
}

impl fmt::Debug for WebhookSender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookSender")
            .field("scope", &self.scope)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

fn refused_by_guard(error: &reqwest::Error) -> bool {
    let mut source = error.source();
    while let Some(e) = source {
        if e.is::<Refused>() {
            return true;
        }
        source = e.source();
    }
    false
}

/// The host of `url` when it is written as an IP address.
fn literal_ip(url: &reqwest::Url) -> Option<IpAddr> {
    let host = url.host_str()?;
    host.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

impl WebhookSender {
    /// A sender that reaches the addresses `scope` allows and gives each attempt `timeout`.
    ///
    /// # Errors
    /// When the HTTP client cannot be built (its TLS roots).
    pub fn new(scope: AddressScope, timeout: Duration) -> Result<Self, BuildError> {
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(GuardedResolver { scope }))
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout)
            .timeout(timeout)
            .user_agent("slipway-webhooks")
            .build()
            .map_err(|e| BuildError(e.to_string()))?;
        Ok(Self { client, scope, timeout })
    }

    async fn post(&self, r: WebhookRequest<'_>) -> Outcome {
        let Ok(url) = reqwest::Url::parse(r.url) else {
            return Outcome::Unreachable;
        };
        if literal_ip(&url).is_some_and(|ip| !self.scope.allows(ip)) {
            return Outcome::Forbidden;
        }
        let sent = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", r.id)
            .header("webhook-timestamp", r.timestamp.to_string())
            .header("webhook-signature", r.signature)
            .body(r.body.to_owned())
            .send()
            .await;
        match sent {
            Ok(response) => Outcome::Answered(response.status().as_u16()),
            Err(e) if refused_by_guard(&e) => Outcome::Forbidden,
            Err(e) if e.is_timeout() => Outcome::TimedOut,
            Err(e) => {
                tracing::debug!(error = %e, "webhook endpoint unreachable");
                Outcome::Unreachable
            }
        }
    }
}

impl WebhookTransport for WebhookSender {
    fn send<'a>(&'a self, request: WebhookRequest<'a>) -> SendFuture<'a> {
        Box::pin(self.post(request))
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

    fn request(url: &str) -> WebhookRequest<'_> {
        WebhookRequest {
            url,
            id: "evt",
            timestamp: 1,
            signature: "v1,abc",
            body: "{}",
        }
    }

    /// A receiver on loopback that answers `status` once and hands back the request it read.
    async fn receiver(status: u16) -> (String, tokio::task::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buf = vec![0u8; 4096];
            let n = socket.read(&mut buf).await.unwrap();
            let reply = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            socket.write_all(reply.as_bytes()).await.unwrap();
            String::from_utf8_lossy(&buf[..n]).into_owned()
        });
        (format!("http://localhost:{}/hook", addr.port()), task)
    }

    #[tokio::test]
    async fn delivers_with_the_standard_webhooks_headers_to_an_allowed_address() {
        let sender = WebhookSender::new(AddressScope::Loopback, Duration::from_secs(5)).unwrap();
        let (url, task) = receiver(201).await;
        assert_eq!(sender.send(request(&url)).await, Outcome::Answered(201));
        let seen = task.await.unwrap().to_ascii_lowercase();
        assert!(seen.starts_with("post /hook"), "{seen}");
        for header in [
            "webhook-id: evt",
            "webhook-timestamp: 1",
            "webhook-signature: v1,abc",
            "content-type: application/json",
        ] {
            assert!(seen.contains(header), "{header} in {seen}");
        }
    }

    #[tokio::test]
    async fn refuses_addresses_outside_the_scope_without_connecting() {
        let public = WebhookSender::new(AddressScope::Public, Duration::from_secs(5)).unwrap();
        let (url, task) = receiver(200).await;
        // `localhost` resolves to loopback, which the public scope refuses.
        assert_eq!(public.send(request(&url)).await, Outcome::Forbidden);
        let port = url.rsplit(':').next().unwrap().trim_end_matches("/hook").to_owned();
        assert_eq!(
            public.send(request(&format!("http://127.0.0.1:{port}/"))).await,
            Outcome::Forbidden
        );
        task.abort();
        let loopback = WebhookSender::new(AddressScope::Loopback, Duration::from_secs(5)).unwrap();
        for url in [
            "http://10.0.0.1/",
            "https://169.254.169.254/latest",
            "https://[fd00:ec2::254]/",
            "http://0.0.0.0:1/",
        ] {
            assert_eq!(loopback.send(request(url)).await, Outcome::Forbidden, "{url}");
        }
    }

    #[tokio::test]
    async fn a_silent_endpoint_times_out_and_a_closed_port_is_unreachable() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let hold = tokio::spawn(async move {
            let (_socket, _) = listener.accept().await.unwrap();
            tokio::time::sleep(Duration::from_secs(30)).await;
        });
        let sender = WebhookSender::new(AddressScope::Loopback, Duration::from_millis(300)).unwrap();
        assert_eq!(
            sender.send(request(&format!("http://127.0.0.1:{port}/"))).await,
            Outcome::TimedOut
        );
        hold.abort();
        let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        assert_eq!(
            sender.send(request(&format!("http://127.0.0.1:{port}/"))).await,
            Outcome::Unreachable
        );
    }
}
