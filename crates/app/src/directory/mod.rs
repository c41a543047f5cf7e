//! The directory ("la mosaïque anti-traite"): reading it (public: no permit), seeing a
//! confidential site's address (a permit, audited), and editing organizations, services and
//! sites ([`editing`]); importing another directory ([`App::import_directory`]).

pub mod editing;

use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::directory::sync::ImportSource;
use mosaique_domain::directory::to_classify::ToClassify;
use mosaique_domain::policy::directory::{Directory, DirectoryAction, Listing, ListingAction};
use mosaique_domain::policy::{Principal, can};
use mosaique_domain::service::{Location, Service, Site};
use mosaique_domain::{
    Language, Level, Mandate, OrgId, Organization, Province, Sector, ServiceDomain, ServiceId,
};
pub use mosaique_store::services::{DirectoryRecord, Loaded, RecordIds};
pub use mosaique_store::{OrgFilter, OrgPage, OrgSort};

use crate::{App, AppError, AppResult};

/// Full-text hits considered before filtering; the directory is thousands of rows.
pub const MAX_HITS: usize = 1000;

/// A validated query of the organization directory.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgQuery {
    pub q: Option<String>,
    pub province: Option<Province>,
    pub level: Option<Level>,
    pub sector: Option<Sector>,
    pub mandate: Option<Mandate>,
    pub coalitions_only: bool,
    pub page: i64,
    pub per_page: i64,
}

/// How many coalitions the public page names; the directory lists the rest.
const COALITIONS_SHOWN: i64 = 50;

#[derive(Debug, Clone)]
pub struct OrgResults {
    pub items: Vec<Organization>,
    pub total: i64,
    /// Text search fell back to name matching (the index is not built yet).
    pub degraded: bool,
}

impl OrgResults {
    pub fn pages(&self, per_page: i64) -> i64 {
        ((self.total + per_page - 1) / per_page).max(1)
    }
}

impl App {
    /// One page of the organization directory: ranked by relevance with words, by name in
    /// the reader's language without.
    pub async fn find_organizations(
        &self,
        query: &OrgQuery,
        lang: Language,
    ) -> AppResult<OrgResults> {
        let mut filter = OrgFilter {
            province: query.province,
            level: query.level,
            sector: query.sector,
            mandate: query.mandate,
            coalitions_only: query.coalitions_only,
            sort: OrgSort::by_name_in(lang),
            limit: query.per_page,
            offset: (query.page - 1) * query.per_page,
            ..OrgFilter::default()
        };
        let degraded = |page: OrgPage| OrgResults {
            items: page.items,
            total: page.total,
            degraded: true,
        };
        let Some(text) = &query.q else {
            let page = self.db.list_organizations(&filter).await?;
            return Ok(OrgResults {
                items: page.items,
                total: page.total,
                degraded: false,
            });
        };
        let ranked = match self
            .search
            .organizations()
            .map(|i| i.search(text, MAX_HITS))
        {
            Some(Ok(ids)) => ids,
            Some(Err(error)) => {
                tracing::warn!(%error, "search failed; falling back to name matching");
                filter.name_contains = Some(text.clone());
                return Ok(degraded(self.db.list_organizations(&filter).await?));
            }
            None => {
                filter.name_contains = Some(text.clone());
                return Ok(degraded(self.db.list_organizations(&filter).await?));
            }
        };
        // The structured filters in SQL, then the relevance order back, then the page.
        let offset = usize::try_from(filter.offset).unwrap_or(0);
        let limit = usize::try_from(filter.limit).unwrap_or(0);
        filter.ids = Some(ranked.clone());
        filter.offset = 0;
        filter.limit = MAX_HITS as i64;
        let mut matches = self.db.list_organizations(&filter).await?.items;
        matches.sort_by_key(|org| {
            ranked
                .iter()
                .position(|id| *id == org.id)
                .unwrap_or(usize::MAX)
        });
        let total = matches.len() as i64;
        let items = matches.into_iter().skip(offset).take(limit).collect();
        Ok(OrgResults {
            items,
            total,
            degraded: false,
        })
    }

    /// Organizations as the filter selects them (the HSDS feed's lists).
    pub async fn list_organizations(&self, filter: &OrgFilter) -> AppResult<OrgPage> {
        Ok(self.db.list_organizations(filter).await?)
    }

    /// How many organizations the directory lists, and how many of them are coalitions.
    pub async fn directory_counts(&self) -> AppResult<(i64, i64)> {
        let count = |coalitions_only| OrgFilter {
            limit: 0,
            coalitions_only,
            ..OrgFilter::default()
        };
        let all = self.db.list_organizations(&count(false)).await?.total;
        let coalitions = self.db.list_organizations(&count(true)).await?.total;
        Ok((all, coalitions))
    }

    /// The coalition's public page: how many members the directory lists and how many hold
    /// each mandate (who does what), and its coalitions and coordination bodies, by name.
    pub async fn coalition_overview(
        &self,
        lang: Language,
    ) -> AppResult<(i64, Vec<(Mandate, i64)>, OrgPage)> {
        let (members, mandates) = self.db.mandate_counts().await?;
        let coalitions = self
            .db
            .list_organizations(&OrgFilter {
                coalitions_only: true,
                sort: OrgSort::by_name_in(lang),
                limit: COALITIONS_SHOWN,
                ..OrgFilter::default()
            })
            .await?;
        Ok((members, mandates, coalitions))
    }

    pub async fn organization(&self, id: OrgId) -> AppResult<Organization> {
        self.db.organization(id).await?.ok_or(AppError::NotFound)
    }

    pub async fn organization_by_slug(&self, slug: &str) -> AppResult<Organization> {
        self.db
            .organization_by_slug(slug)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// An organization's services (its public page).
    pub async fn services_of(&self, org: OrgId) -> AppResult<Vec<Service>> {
        Ok(self.db.services_of(org).await?)
    }

    /// Every organization (the HSDS feed and export).
    pub async fn all_organizations(&self) -> AppResult<Vec<Organization>> {
        Ok(self.db.all_organizations().await?)
    }

    /// Every service (the HSDS export).
    pub async fn all_services(&self) -> AppResult<Vec<Service>> {
        Ok(self.db.all_services().await?)
    }

    /// Every site; what a reader sees of each is [`Location::public_site`] unless a
    /// permit says otherwise.
    pub async fn all_locations(&self) -> AppResult<Vec<Location>> {
        Ok(self.db.all_locations().await?)
    }

    /// An organization's sites.
    pub async fn sites_of(&self, org: OrgId) -> AppResult<Vec<Location>> {
        Ok(self.db.locations_of(org).await?)
    }

    /// What `who` may see of each site: everything for a public site; for a confidential one
    /// (a shelter), its exact address only with a permit — each such read is audited — and
    /// otherwise nothing beyond its town (`None`).
    pub async fn disclose_sites<'a>(
        &self,
        who: &Principal,
        sites: &[&'a Location],
    ) -> AppResult<Vec<Option<&'a Site>>> {
        let mut disclosed = Vec::with_capacity(sites.len());
        for location in sites {
            if !location.confidential {
                disclosed.push(location.public_site());
                continue;
            }
            let listing = Listing {
                org: location.org_id,
            };
            let site = match can(who, ListingAction::ViewConfidentialSites, listing) {
                Ok(permit) => {
                    // Reading a shelter's address is sensitive: who, when, which site.
                    let event =
                        AuditEvent::new("location.read_confidential", "location", Outcome::Success)
                            .by_maybe(permit.who().audit_actor())
                            .target(location.id);
                    self.db.audit(&event).await?;
                    location.site(&permit)
                }
                // The ordinary public view, not a refused request: no audit.
                Err(_) => location.public_site(),
            };
            disclosed.push(site);
        }
        Ok(disclosed)
    }

    /// Loads another directory's organizations, sites and services all or nothing (an HSDS
    /// import), with the services no domain placed queued for classification, calling
    /// `progress(rows written, rows to write)` as it goes. Importing the same `source` again
    /// writes only what it changed, keeps what was edited here unless told otherwise, and
    /// reports what it no longer sends without deleting it.
    pub async fn import_directory(
        &self,
        who: &Principal,
        source: &ImportSource,
        records: &[DirectoryRecord],
        to_classify: &[ToClassify],
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> AppResult<Loaded> {
        let permit = self
            .authorize(who, DirectoryAction::Import, Directory)
            .await?;
        Ok(self
            .db
            .load_directory_with_progress(&permit, records, to_classify, Some(source), progress)
            .await?)
    }

    /// The services an import could not place in any domain, oldest first.
    pub async fn services_to_classify(&self, who: &Principal) -> AppResult<Vec<ToClassify>> {
        let permit = self
            .authorize(who, DirectoryAction::Classify, Directory)
            .await?;
        Ok(self.db.services_to_classify(&permit).await?)
    }

    /// Gives a waiting service its domains, in one audited transaction: it becomes public at
    /// the next search refresh. `NotFound` when it is no longer waiting.
    pub async fn classify_service(
        &self,
        who: &Principal,
        id: ServiceId,
        domains: &[ServiceDomain],
    ) -> AppResult<ServiceId> {
        let permit = self
            .authorize(who, DirectoryAction::Classify, Directory)
            .await?;
        // The import checked everything else; the one thing missing is a domain.
        if domains.is_empty() {
            return Err(AppError::Invalid(crate::Invalid::Service(vec![
                mosaique_domain::service::ServiceError::NoDomain,
            ])));
        }
        let mut tx = self.db.begin().await?;
        let classified = tx.classify_service(&permit, id, domains).await?;
        tx.commit().await?;
        classified.ok_or(AppError::NotFound)
    }

    /// Loads the demo coalition: the organizations named in the source, the fictitious
    /// example services, one account per role. Returns what it changed.
    pub async fn load_demo(&self, who: &Principal) -> AppResult<DemoLoaded> {
        let permit = self
            .authorize(who, DirectoryAction::Import, Directory)
            .await?;
        let organizations = mosaique_store::demo::load(&self.db, &permit).await?;
        // The services bring the example organizations the partner caseworkers work for.
        let services = mosaique_store::demo_services::load(&self.db, &permit).await?;
        let accounts = mosaique_store::demo_accounts::load(&self.db, &permit).await?;
        let cases = self.load_demo_cases().await?;
        self.load_demo_coalition().await?;
        if organizations.created + organizations.updated + accounts > 0 {
            let event = AuditEvent::new("demo.load", "directory", Outcome::Success)
                .by_maybe(who.audit_actor());
            self.db.audit(&event).await?;
        }
        Ok(DemoLoaded {
            created: organizations.created,
            updated: organizations.updated,
            unchanged: organizations.unchanged,
            accounts,
            services,
            cases,
        })
    }

    /// Whether the database holds the demo accounts, whose passwords are public.
    pub async fn demo_accounts_exist(&self) -> AppResult<bool> {
        Ok(self.db.demo_accounts_exist().await?)
    }
}

/// What loading the demo did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoLoaded {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub accounts: usize,
    pub services: usize,
    /// Fictitious cases opened for the demo caseworkers.
    pub cases: usize,
}
