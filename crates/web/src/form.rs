//! Reading HTML forms whose checkbox groups repeat a key (which `axum::Form` refuses).

/// Form pairs, repeated keys kept (checkbox groups).
pub(crate) struct Pairs(pub(crate) Vec<(String, String)>);

impl Pairs {
    pub(crate) fn parse(body: &[u8]) -> Pairs {
        Pairs(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub(crate) fn get(&self, key: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    }

    pub(crate) fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    }

    pub(crate) fn on(&self, key: &str) -> bool {
        matches!(self.get(key).as_str(), "true" | "on" | "1")
    }
}
