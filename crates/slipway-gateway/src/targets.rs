//! Finding what an attempt calls in the environment's view: the live activation of the target's
//! provider, which must enable the target's model.

use slipway_domain::ResourceKind;
use slipway_domain::content::{Content, ProviderActivation};
use slipway_service::snapshot::EnvironmentView;

/// The live activation of provider `key` in `view`.
pub(crate) fn activation<'a>(view: &'a EnvironmentView, key: &str) -> Option<&'a ProviderActivation> {
    match &view
        .entries
        .get(&(ResourceKind::Provider, key.to_owned()))?
        .version
        .content
    {
        Content::Provider(activation) => Some(activation),
        _ => None,
    }
}

/// The key of the first provider (in key order) whose live activation in `view` enables
/// `model`: where a prompt without a routing rule is sent.
pub fn provider_for_model(view: &EnvironmentView, model: &str) -> Option<String> {
    view.entries
        .iter()
        .filter(|((kind, _), _)| *kind == ResourceKind::Provider)
        .find(
            |(_, entry)| matches!(&entry.version.content, Content::Provider(a) if a.models.iter().any(|m| m == model)),
        )
        .map(|((_, key), _)| key.clone())
}
