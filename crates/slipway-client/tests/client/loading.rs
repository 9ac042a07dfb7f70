//! Starting a client: what the first load serves, and what it refuses.

use std::collections::BTreeMap;

use slipway_client::{Client, Error, render};

use crate::server::Slipway;

#[tokio::test]
async fn the_first_load_serves_the_prompt_with_what_served_it() {
    let slipway = Slipway::start().await;
    let p = slipway.project("load").await;
    slipway
        .publish(&p, "greeting", "Greet {{name}} warmly.", &["prod"])
        .await;
    let key = slipway.api_key(&p, &["prod"]).await;
    let client = Client::builder(&slipway.base, &key)
        .environment("prod")
        .build()
        .await
        .unwrap();

    let prompt = client.get_prompt("greeting", None).unwrap();
    assert_eq!((prompt.version, prompt.environment.as_str()), (1, "prod"));
    assert_eq!((prompt.served_from.as_str(), prompt.fell_back), ("prod", false));
    let wire = slipway.get("/v1/config/prompt/greeting?environment=prod", &key).await;
    assert_eq!(prompt.content_hash, wire["content_hash"].as_str().unwrap());
    let messages = render(
        &prompt.content,
        &BTreeMap::from([("name".to_owned(), "Ada".to_owned())]),
    )
    .unwrap();
    assert_eq!(messages[0].content, "Greet Ada warmly.");
    assert_eq!(
        prompt
            .render(&BTreeMap::from([("name".to_owned(), "Bo".to_owned())]))
            .unwrap()[0]
            .content,
        "Greet Bo warmly."
    );
    assert_eq!(
        render(&prompt.content, &BTreeMap::new()),
        Err(Error::MissingVariable { name: "name".into() })
    );
    assert!(matches!(
        client.get_prompt("nothing", None),
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        client.get_routing_rule("greeting", None),
        Err(Error::NotFound { .. })
    ));
    assert_eq!(client.get_config(None).unwrap().entries().count(), 1);
}

#[tokio::test]
async fn a_resource_missing_in_the_environment_reports_the_fallback_that_served_it() {
    let slipway = Slipway::start().await;
    let p = slipway.project("fallback").await;
    slipway.publish(&p, "greeting", "from prod", &["prod"]).await;
    let key = slipway.api_key(&p, &[]).await;
    let client = Client::builder(&slipway.base, &key)
        .environment("staging")
        .build()
        .await
        .unwrap();
    let prompt = client.get_prompt("greeting", None).unwrap();
    assert_eq!(prompt.environment, "staging");
    assert_eq!((prompt.served_from.as_str(), prompt.fell_back), ("prod", true));
    assert_eq!(prompt.content.messages[0].content, "from prod");

    // With no environment the client follows the gateway fallback, and a pin naming it works.
    let fallback = Client::builder(&slipway.base, &key).build().await.unwrap();
    assert_eq!(fallback.get_config(None).unwrap().environment(), "prod");
    assert!(!fallback.get_prompt("greeting", Some("prod")).unwrap().fell_back);
}

#[tokio::test]
async fn refusals_are_typed_and_never_show_the_key() {
    let slipway = Slipway::start().await;
    let p = slipway.project("refuse").await;
    slipway.publish(&p, "greeting", "hello", &["staging"]).await;
    let staging_only = slipway.api_key(&p, &["staging"]).await;

    let forbidden = Client::builder(&slipway.base, &staging_only)
        .environment("prod")
        .build()
        .await;
    let error = forbidden.unwrap_err();
    assert!(matches!(error, Error::Forbidden { .. }), "{error:?}");
    let unknown = Client::builder(&slipway.base, &staging_only)
        .environment("nope")
        .build()
        .await;
    assert!(matches!(unknown, Err(Error::NotFound { .. })), "{unknown:?}");
    let wrong_key = format!("{staging_only}x");
    let unauthenticated = Client::builder(&slipway.base, &wrong_key)
        .environment("staging")
        .build()
        .await;
    let error = unauthenticated.unwrap_err();
    assert_eq!(error, Error::Unauthenticated);

    let builder = Client::builder(&slipway.base, &staging_only).environment("staging");
    let secret = &staging_only["slw_".len()..];
    assert!(!format!("{builder:?}").contains(secret), "{builder:?}");
    let client = builder.build().await.unwrap();
    assert!(!format!("{client:?} {:?}", client.status(None)).contains(secret));
    for error in [error, not_found_error(&client)] {
        assert!(!format!("{error} {error:?}").contains(secret));
    }
    assert!(matches!(
        client.get_prompt("greeting", Some("prod")),
        Err(Error::NotFollowed(_))
    ));
}

fn not_found_error(client: &Client) -> Error {
    client.get_provider("greeting", None).unwrap_err()
}

#[tokio::test]
async fn without_waiting_the_client_starts_at_once_and_loads_in_the_background() {
    let slipway = Slipway::start().await;
    let p = slipway.project("nowait").await;
    slipway.publish(&p, "greeting", "hello", &["prod"]).await;
    let key = slipway.api_key(&p, &["prod"]).await;
    let client = Client::builder(&slipway.base, &key)
        .environment("prod")
        .wait(None)
        .build()
        .await
        .unwrap();
    let mut changes = client.subscribe();
    if client.get_config(None).is_err() {
        tokio::time::timeout(crate::server::PATIENCE, changes.recv())
            .await
            .unwrap()
            .unwrap();
    }
    assert_eq!(client.get_prompt("greeting", None).unwrap().version, 1);
}
