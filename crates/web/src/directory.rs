//! The directory query shared by the HTML page and the JSON API, so both answer alike.

use mosaique_domain::{Language, Level, OrgId, Organization, Province, Sector};
use mosaique_store::{OrgFilter, OrgSort, StoreError};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;

pub(crate) const PER_PAGE_DEFAULT: i64 = 20;
pub(crate) const PER_PAGE_MAX: i64 = 100;
/// Full-text hits considered before filtering; the directory is thousands of rows.
pub(crate) const MAX_HITS: usize = 1000;

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
    /// Page number, from 1.
    pub page: Option<String>,
    /// Results per page, 1 to 100 (default 20).
    pub per_page: Option<String>,
}

/// Validated parameters.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DirectoryQuery {
    pub q: Option<String>,
    pub province: Option<Province>,
    pub level: Option<Level>,
    pub sector: Option<Sector>,
    pub coalitions_only: bool,
    pub page: i64,
    pub per_page: i64,
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
    pub fn validate(&self) -> Result<DirectoryQuery, BadParam> {
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
        if !(1..=100_000).contains(&page) {
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
        Ok(DirectoryQuery {
            q,
            province: parse("province", &self.province)?,
            level: parse("level", &self.level)?,
            sector: parse("sector", &self.sector)?,
            coalitions_only,
            page,
            per_page,
        })
    }
}

#[derive(Debug, Clone)]
pub(crate) struct DirectoryResults {
    pub items: Vec<Organization>,
    pub total: i64,
    /// True when text search fell back to name matching because the index is not built yet.
    pub degraded: bool,
}

impl DirectoryResults {
    pub fn pages(&self, per_page: i64) -> i64 {
        ((self.total + per_page - 1) / per_page).max(1)
    }
}

pub(crate) async fn search(
    state: &AppState,
    query: &DirectoryQuery,
    lang: Language,
) -> Result<DirectoryResults, StoreError> {
    let mut filter = OrgFilter {
        province: query.province,
        level: query.level,
        sector: query.sector,
        coalitions_only: query.coalitions_only,
        sort: match lang {
            Language::Fr => OrgSort::NameFr,
            Language::En => OrgSort::NameEn,
        },
        limit: query.per_page,
        offset: (query.page - 1) * query.per_page,
        ..OrgFilter::default()
    };
    let Some(text) = &query.q else {
        let page = state.db.list_organizations(&filter).await?;
        return Ok(DirectoryResults {
            items: page.items,
            total: page.total,
            degraded: false,
        });
    };
    let Some(index) = state.search_index() else {
        filter.name_contains = Some(text.clone());
        let page = state.db.list_organizations(&filter).await?;
        return Ok(DirectoryResults {
            items: page.items,
            total: page.total,
            degraded: true,
        });
    };
    let ranked: Vec<OrgId> = match index.search(text, MAX_HITS) {
        Ok(ids) => ids,
        Err(error) => {
            tracing::warn!(%error, "search failed; falling back to name matching");
            filter.name_contains = Some(text.clone());
            let page = state.db.list_organizations(&filter).await?;
            return Ok(DirectoryResults {
                items: page.items,
                total: page.total,
                degraded: true,
            });
        }
    };
    // Apply the structured filters in SQL, then restore the relevance order and paginate.
    let offset = usize::try_from(filter.offset).unwrap_or(0);
    let limit = usize::try_from(filter.limit).unwrap_or(0);
    filter.ids = Some(ranked.clone());
    filter.offset = 0;
    filter.limit = MAX_HITS as i64;
    let mut matches = state.db.list_organizations(&filter).await?.items;
    matches.sort_by_key(|org| {
        ranked
            .iter()
            .position(|id| *id == org.id)
            .unwrap_or(usize::MAX)
    });
    let total = matches.len() as i64;
    let items = matches.into_iter().skip(offset).take(limit).collect();
    Ok(DirectoryResults {
        items,
        total,
        degraded: false,
    })
}

#[cfg(test)]
mod tests {
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
