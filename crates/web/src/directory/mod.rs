//! The directory's pages and API: organizations, the service search, "Our services" and the
//! HSDS feed; and the organization query the page and the API share, so both answer alike.

pub(crate) mod editing;
pub(crate) mod hsds;
pub(crate) mod organizations;
pub(crate) mod organizations_api;
pub(crate) mod query;
pub(crate) mod services;
pub(crate) mod services_api;

use axum::Router;
use axum::routing::{get, post};
use mosaique_app::directory::OrgQuery;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;

pub(crate) const PER_PAGE_DEFAULT: i64 = 20;
pub(crate) const PER_PAGE_MAX: i64 = 100;
pub(crate) const PAGE_MAX: i64 = 100_000;

pub(crate) fn router() -> Router<AppState> {
    use editing::{location_form, organizations as admin, our_services, service_form, to_classify};
    Router::new()
        .route("/organizations", get(organizations::list))
        .route("/organizations/{slug}", get(organizations::show))
        .route("/services", get(services::search))
        .route("/services/{id}", get(services::show))
        .route("/admin/organizations", get(admin::list))
        .route(
            "/admin/to-classify",
            get(to_classify::show).post(to_classify::classify),
        )
        .route(
            "/admin/organizations/new",
            get(admin::new_form).post(admin::create),
        )
        .route(
            "/admin/organizations/{slug}",
            get(admin::edit_form).post(admin::update),
        )
        .route(
            "/admin/organizations/{slug}/services",
            get(our_services::list),
        )
        .route(
            "/admin/organizations/{slug}/services/new",
            get(service_form::new_form).post(service_form::create),
        )
        .route(
            "/admin/organizations/{slug}/locations/new",
            get(location_form::new_form).post(location_form::create),
        )
        .route(
            "/admin/organizations/{slug}/locations/{id}",
            get(location_form::edit_form).post(location_form::update),
        )
        .route(
            "/admin/services/{id}",
            get(service_form::edit_form).post(service_form::update),
        )
        .route(
            "/admin/services/{id}/capacity",
            post(our_services::capacity),
        )
        .route(
            "/admin/services/{id}/reviewed",
            post(our_services::reviewed),
        )
}

/// Raw query-string parameters. Everything is text so a bad value gets a clear message
/// naming the parameter, and an empty form field means "any".
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DirectoryParams {
    /// Words to find in either language (names and descriptions); accents and case are ignored.
    pub q: Option<String>,
    /// Two-letter province or territory code, e.g. `QC`.
    #[param(example = "QC")]
    pub province: Option<String>,
    /// `national`, `provincial`, `regional`, `municipal` or `local`.
    pub level: Option<String>,
    /// `community`, `health_social`, `police`, `legal`, `government`, `immigration`, `education`, `faith` or `other`.
    pub sector: Option<String>,
    /// `true` to list only coalitions and coordination bodies.
    pub coalitions: Option<String>,
    /// What the organizations do in the coalition: one mandate key, e.g. `training`.
    pub mandate: Option<String>,
    /// Page number, from 1.
    pub page: Option<String>,
    /// Results per page, 1 to 100 (default 20).
    pub per_page: Option<String>,
}

/// A parameter that does not parse: which one, and the value given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadParam {
    pub name: &'static str,
    pub value: String,
}

impl BadParam {
    pub fn message(&self) -> String {
        format!("{}={:?}", self.name, self.value)
    }

    /// Every bad parameter in one sentence, for a page or a problem's detail.
    pub fn explain(tr: &crate::i18n::Tr, bad: &[BadParam]) -> String {
        let list: Vec<String> = bad.iter().map(BadParam::message).collect();
        tr.with("error-bad-params", "params", &list.join(", "))
    }
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn parse<T: std::str::FromStr>(
    name: &'static str,
    value: &Option<String>,
) -> Result<Option<T>, BadParam> {
    present(value)
        .map(|v| {
            v.parse::<T>().map_err(|_| BadParam {
                name,
                value: v.to_owned(),
            })
        })
        .transpose()
}

impl DirectoryParams {
    pub fn validate(&self) -> Result<OrgQuery, BadParam> {
        let coalitions_only = match present(&self.coalitions) {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") | Some("on") => true,
            Some(other) => {
                return Err(BadParam {
                    name: "coalitions",
                    value: other.to_owned(),
                });
            }
        };
        let page: i64 = parse("page", &self.page)?.unwrap_or(1);
        if !(1..=PAGE_MAX).contains(&page) {
            return Err(BadParam {
                name: "page",
                value: page.to_string(),
            });
        }
        let per_page: i64 = parse("per_page", &self.per_page)?.unwrap_or(PER_PAGE_DEFAULT);
        if !(1..=PER_PAGE_MAX).contains(&per_page) {
            return Err(BadParam {
                name: "per_page",
                value: per_page.to_string(),
            });
        }
        let q = present(&self.q).map(|q| q.chars().take(200).collect::<String>());
        Ok(OrgQuery {
            q,
            province: parse("province", &self.province)?,
            level: parse("level", &self.level)?,
            sector: parse("sector", &self.sector)?,
            mandate: parse("mandate", &self.mandate)?,
            coalitions_only,
            page,
            per_page,
        })
    }
}

#[cfg(test)]
mod tests {
    use mosaique_domain::{Level, Province};

    use super::*;

    fn params(pairs: &[(&str, &str)]) -> DirectoryParams {
        let mut p = DirectoryParams::default();
        for (k, v) in pairs {
            let v = Some((*v).to_owned());
            match *k {
                "q" => p.q = v,
                "province" => p.province = v,
                "level" => p.level = v,
                "sector" => p.sector = v,
                "coalitions" => p.coalitions = v,
                "mandate" => p.mandate = v,
                "page" => p.page = v,
                "per_page" => p.per_page = v,
                _ => unreachable!(),
            }
        }
        p
    }

    #[test]
    fn empty_fields_mean_any() {
        let q = params(&[("q", "  "), ("province", ""), ("coalitions", "")])
            .validate()
            .unwrap();
        assert_eq!(
            (q.q, q.province, q.coalitions_only, q.page, q.per_page),
            (None, None, false, 1, PER_PAGE_DEFAULT)
        );
    }

    #[test]
    fn bad_values_name_the_parameter() {
        let cases = [
            (("province", "XX"), "province"),
            (("level", "planetary"), "level"),
            (("page", "0"), "page"),
            (("page", "abc"), "page"),
            (("per_page", "1000"), "per_page"),
            (("coalitions", "maybe"), "coalitions"),
        ];
        for ((k, v), name) in cases {
            assert_eq!(
                params(&[(k, v)]).validate().unwrap_err().name,
                name,
                "{k}={v}"
            );
        }
    }

    #[test]
    fn valid_filters_parse() {
        let q = params(&[
            ("province", "QC"),
            ("level", "provincial"),
            ("coalitions", "on"),
            ("page", "2"),
        ])
        .validate()
        .unwrap();
        assert_eq!(
            (q.province, q.level, q.coalitions_only, q.page),
            (Some(Province::Qc), Some(Level::Provincial), true, 2)
        );
    }
}
