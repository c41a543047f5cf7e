//! Reading HTML forms whose checkbox groups repeat a key (which `axum::Form` refuses).

/// Form pairs, repeated keys kept (checkbox groups).
pub(super) struct Pairs(pub(super) Vec<(String, String)>);

impl Pairs {
    pub(super) fn parse(body: &[u8]) -> Pairs {
        Pairs(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub(super) fn get(&self, key: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    }

    pub(super) fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    }

    pub(super) fn on(&self, key: &str) -> bool {
        matches!(self.get(key).as_str(), "true" | "on" | "1")
    }
}
