//! Matching a need of a case to services, on the directory's search engine: the person's
//! situation (as far as the referrer may see it) gives the hard filters the engine applies,
//! then each service is scored — distance, open now or 24/7, room, wait, language, dedicated,
//! and how it answered past referrals — and says why. Services of the domain that a filter
//! excluded are listed with their reasons.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use mosaique_domain::case::{CategorySet, DataCategory};
use mosaique_domain::directory::geo::Point;
use mosaique_domain::directory::places::gazetteer;
use mosaique_domain::policy::Principal;
use mosaique_domain::policy::case::CaseAction;
use mosaique_domain::referral::Urgency;
use mosaique_domain::referral::matching::{
    AnswerRecord, Candidate, Exclusion, Requirements, Score, exclusions, score,
};
use mosaique_domain::referral::situation::Situation;
use mosaique_domain::service::Capacity;
use mosaique_domain::{Bilingual, CaseId, Language, OrgId, ServiceDomain, ServiceId, Timestamp};
use mosaique_search::{ServiceQuery, Sort};

use crate::{App, AppError, AppResult};

/// How far a person is asked to travel when the referrer does not say.
pub const DEFAULT_RADIUS_KM: f64 = 50.0;
/// How far a person may be asked to travel, in kilometres.
pub const RADIUS_KM: std::ops::RangeInclusive<f64> = 1.0..=1_000.0;
/// The most matches and exclusions shown.
const SHOWN: usize = 20;
/// How many candidates the engine hands to the score: the nearest (or best) 300 of the
/// domain that pass the filters; the score picks among them.
const CANDIDATES: usize = 300;
/// How long a server keeps the services' answer records before reading them again.
const RECORDS_FOR: Duration = Duration::from_secs(60);

/// Where to look, as the referrer asks it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MatchRequest {
    pub domain: Option<ServiceDomain>,
    /// A place name (a town, a city); by default the town the person stays in, when the
    /// referrer may see it.
    pub place: Option<String>,
    pub radius_km: Option<f64>,
}

/// One service that may take the person, and why it ranks where it does.
#[derive(Debug, Clone)]
pub struct Match {
    pub service: ServiceId,
    pub name: Bilingual<String>,
    pub organization: OrgId,
    pub organization_name: Bilingual<String>,
    pub distance_km: Option<f64>,
    pub open_now: bool,
    pub capacity: Option<Capacity>,
    pub score: Score,
    /// A live consent lets the person be referred to its organization.
    pub consented: bool,
}

/// A service of the domain that a hard filter left out, and which.
#[derive(Debug, Clone)]
pub struct Excluded {
    pub service: ServiceId,
    pub name: Bilingual<String>,
    pub organization_name: Bilingual<String>,
    pub reasons: Vec<Exclusion>,
}

/// The answer: what was asked of services, what the referrer could not see (so filtered
/// nothing), where, and the ranked matches.
#[derive(Debug, Clone)]
pub struct Matches {
    pub domain: ServiceDomain,
    pub urgency: Urgency,
    pub requirements: Requirements,
    /// The situation's categories the referrer is not disclosed: unknown, not "no".
    pub unknown: CategorySet,
    pub near: Option<(String, Point)>,
    pub radius_km: f64,
    pub matches: Vec<Match>,
    pub excluded: Vec<Excluded>,
}

/// What `place` is, or why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchProblem {
    /// No such place in the gazetteer.
    UnknownPlace,
    /// The radius is not between 1 and 1,000 km.
    BadRadius,
    /// No need of the case and no domain asked.
    NoDomain,
}

type Records = Arc<HashMap<ServiceId, AnswerRecord>>;

/// The services' answer records, kept a minute.
#[derive(Debug, Default)]
pub struct AnswerRecords {
    cached: RwLock<Option<(Instant, Records)>>,
}

fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

impl App {
    async fn answer_records(&self) -> AppResult<Records> {
        if let Ok(cached) = self.records.cached.read()
            && let Some((at, records)) = cached.as_ref()
            && at.elapsed() < RECORDS_FOR
        {
            return Ok(records.clone());
        }
        let year_ago = App::now_ms() - 365 * 86_400_000;
        let mut by_service: HashMap<ServiceId, (u32, u32, Vec<f64>)> = HashMap::new();
        for (service, accepted, hours) in self.db.referral_answers(year_ago).await? {
            let entry = by_service.entry(service).or_default();
            entry.0 += 1;
            entry.1 += u32::from(accepted);
            entry.2.push(hours);
        }
        let records: HashMap<_, _> = by_service
            .into_iter()
            .map(|(service, (answered, accepted, mut hours))| {
                let record = AnswerRecord {
                    answered,
                    accepted,
                    median_hours: median(&mut hours),
                };
                (service, record)
            })
            .collect();
        let records = Arc::new(records);
        if let Ok(mut cached) = self.records.cached.write() {
            *cached = Some((Instant::now(), records.clone()));
        }
        Ok(records)
    }

    /// The services that may answer a need of the case, ranked, for someone who may refer
    /// from it. The situation is read as consent lets the referrer see it (audited).
    pub async fn matches(
        &self,
        who: &Principal,
        case: CaseId,
        request: MatchRequest,
        language: Language,
    ) -> AppResult<Result<Matches, MatchProblem>> {
        let (permit, resource) = self.case_permit(who, case, CaseAction::Refer).await?;
        let disclosed = resource
            .disclosure(who)
            .map_or(CategorySet::EMPTY, |d| d.categories);
        let mut tx = self.db.begin().await?;
        let facts = tx.matching_facts(&permit).await?;
        tx.commit().await?;
        // The need: the domain asked, or the most urgent open need's.
        let domain = match request
            .domain
            .or_else(|| facts.open_needs.first().map(|n| n.0))
        {
            Some(domain) => domain,
            None => return Ok(Err(MatchProblem::NoDomain)),
        };
        let urgency = facts
            .open_needs
            .iter()
            .filter(|n| n.0 == domain)
            .map(|n| n.1)
            .min()
            .unwrap_or(Urgency::Later);
        let radius_km = request.radius_km.unwrap_or(DEFAULT_RADIUS_KM);
        if !RADIUS_KM.contains(&radius_km) {
            return Ok(Err(MatchProblem::BadRadius));
        }
        let place = request
            .place
            .filter(|p| !p.trim().is_empty())
            .or(facts.city);
        let near = match place {
            Some(name) => match gazetteer().place(&name, None) {
                Some(found) => Some((found.name.clone(), found.point)),
                None => return Ok(Err(MatchProblem::UnknownPlace)),
            },
            None => None,
        };
        let situation = facts.situation;
        let requirements = Requirements::of(&situation);
        let records = self.answer_records().await?;
        let mut found = self.rank(
            domain,
            urgency,
            &requirements,
            &situation,
            near.as_ref().map(|n| n.1),
            radius_km,
            &records,
            language,
        )?;
        // Whether the person agreed to be referred to each match's organization (their
        // sectors read at once: a consent may name a sector).
        let mut orgs: Vec<OrgId> = found.0.iter().map(|m| m.organization).collect();
        orgs.sort_unstable();
        orgs.dedup();
        let sectors = self.db.sectors_of(&orgs).await?;
        for m in &mut found.0 {
            let to = mosaique_domain::case::PartyFacts {
                party: mosaique_domain::case::Party::Organization(m.organization),
                sector: sectors.get(&m.organization).copied().flatten(),
            };
            m.consented = resource.access.referral_consent(to, resource.now).is_some();
        }
        let situation_categories: CategorySet = [
            DataCategory::Identity,
            DataCategory::Health,
            DataCategory::Immigration,
        ]
        .into_iter()
        .collect();
        Ok(Ok(Matches {
            domain,
            urgency,
            requirements,
            unknown: situation_categories.difference(disclosed),
            near,
            radius_km,
            matches: found.0,
            excluded: found.1,
        }))
    }

    /// The two steps on this server's snapshot of the directory.
    #[allow(clippy::too_many_arguments)]
    pub fn rank(
        &self,
        domain: ServiceDomain,
        urgency: Urgency,
        requirements: &Requirements,
        situation: &Situation,
        near: Option<Point>,
        radius_km: f64,
        records: &HashMap<ServiceId, AnswerRecord>,
        language: Language,
    ) -> AppResult<(Vec<Match>, Vec<Excluded>)> {
        let index = self.search.services().ok_or(AppError::Unavailable)?;
        let now_ms = App::now_ms();
        let now = Timestamp(now_ms);
        let base = ServiceQuery {
            domains: vec![domain],
            near,
            radius_km: near.map(|_| radius_km),
            sort: if near.is_some() {
                Sort::Distance
            } else {
                Sort::Relevance
            },
            now_ms,
            language_of_names: language,
            limit: CANDIDATES,
            ..ServiceQuery::default()
        };
        let filtered = ServiceQuery {
            minors: requirements.minors,
            gender: requirements.gender,
            substance_use: requirements.substance_use,
            any_status: requirements.any_status,
            language: requirements.language.clone(),
            ..base.clone()
        };
        let results = index.search(&filtered).map_err(|error| {
            tracing::error!(%error, "matching search failed");
            AppError::Internal
        })?;
        let mut matches: Vec<Match> = results
            .hits
            .iter()
            // Full where capacity is tracked: not a match (listed below with its reason).
            .filter(|hit| {
                hit.service
                    .capacity
                    .as_ref()
                    .is_none_or(|c| c.available > 0)
            })
            .map(|hit| {
                let service = hit.service;
                let candidate = Candidate {
                    distance_km: hit.distance_km,
                    open_now: hit.open_now,
                    always_open: service.schedule.always_open,
                    capacity: service.capacity.as_ref(),
                    wait_days: service.wait_days,
                    languages: &service.languages,
                    dedicated: service.eligibility.dedicated,
                    record: records.get(&service.id).copied(),
                };
                Match {
                    service: service.id,
                    name: service.name.clone(),
                    organization: service.org_id,
                    organization_name: hit.org_name.map(str::to_owned),
                    distance_km: hit.distance_km,
                    open_now: hit.open_now,
                    capacity: service.capacity.clone(),
                    score: score(&candidate, situation.languages(), urgency, now),
                    consented: false,
                }
            })
            .collect();
        matches.sort_by(|a, b| {
            b.score.points.cmp(&a.score.points).then(
                a.distance_km
                    .unwrap_or(f64::MAX)
                    .total_cmp(&b.distance_km.unwrap_or(f64::MAX)),
            )
        });
        matches.truncate(SHOWN);
        // The same domain and area without the person's filters, inactive ones too: those
        // a filter left out, with its reason.
        let everyone = ServiceQuery {
            any_status_of_service: true,
            limit: SHOWN * 4,
            ..base
        };
        let all = index.search(&everyone).map_err(|error| {
            tracing::error!(%error, "matching search failed");
            AppError::Internal
        })?;
        let kept: Vec<ServiceId> = matches.iter().map(|m| m.service).collect();
        let excluded = all
            .hits
            .iter()
            .filter(|hit| !kept.contains(&hit.service.id))
            .filter_map(|hit| {
                let reasons = exclusions(requirements, hit.service);
                (!reasons.is_empty()).then(|| Excluded {
                    service: hit.service.id,
                    name: hit.service.name.clone(),
                    organization_name: hit.org_name.map(str::to_owned),
                    reasons,
                })
            })
            .take(SHOWN)
            .collect();
        Ok((matches, excluded))
    }
}
