//! Editing the directory: coalition admins add organizations and edit any of them; an
//! organization's admins edit its profile, services and sites; its staff say how many places
//! are free tonight. Every change is audited by the store and reaches every server's search
//! within its refresh interval.

use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::policy::directory::{Directory, DirectoryAction, Listing, ListingAction};
use mosaique_domain::policy::{Permit, Principal, Resource, offers};
use mosaique_domain::service::{CapacityUnit, Location, NewLocation, NewService, Service};
use mosaique_domain::{LocationId, NewOrganization, OrgId, Organization, ServiceId};
use mosaique_store::OrgFilter;

use crate::{App, AppError, AppResult, CapacityProblem, Invalid};

/// The organizations someone may edit, and whether they may add one.
#[derive(Debug, Clone)]
pub struct Editable {
    pub organizations: Vec<Organization>,
    pub may_create: bool,
}

/// "Our services": an organization's services and sites, for its editors and its staff.
#[derive(Debug, Clone)]
pub struct OurServices {
    pub organization: Organization,
    pub services: Vec<Service>,
    pub sites: Vec<Location>,
    /// Services and sites may be edited (not only capacity updated).
    pub may_edit: bool,
}

/// A form for an organization's service or site: the organization and its sites.
#[derive(Debug, Clone)]
pub struct ListingForm {
    pub organization: Organization,
    pub sites: Vec<Location>,
}

/// Whether `who` looks after this organization's services (edits them, or updates their
/// capacity): for showing the way to "Our services".
pub fn manages_services(who: &Principal, org: OrgId) -> bool {
    let listing = Listing { org };
    offers(who, ListingAction::EditServices, listing)
        || offers(who, ListingAction::UpdateCapacity, listing)
}

impl App {
    /// The organizations `who` may edit. Someone who may edit none and add none is refused.
    pub async fn editable_organizations(&self, who: &Principal) -> AppResult<Editable> {
        let all = self
            .db
            .list_organizations(&OrgFilter {
                limit: 1000,
                ..OrgFilter::default()
            })
            .await?
            .items;
        let organizations: Vec<Organization> = all
            .into_iter()
            .filter(|o| offers(who, ListingAction::EditProfile, Listing { org: o.id }))
            .collect();
        let may_create = offers(who, DirectoryAction::CreateOrganization, Directory);
        if organizations.is_empty() && !may_create {
            // The policy's own refusal, with its reason.
            self.authorize(who, DirectoryAction::CreateOrganization, Directory)
                .await?;
        }
        Ok(Editable {
            organizations,
            may_create,
        })
    }

    /// Opens the form for a new organization (adding it asks for a recent second factor).
    pub async fn new_organization_form(&self, who: &Principal) -> AppResult<()> {
        self.offered(who, DirectoryAction::CreateOrganization, Directory)
            .await
    }

    /// The organization at `slug`, to edit its profile.
    pub async fn organization_to_edit(
        &self,
        who: &Principal,
        slug: &str,
    ) -> AppResult<Organization> {
        let org = self.organization_by_slug(slug).await?;
        self.offered(who, ListingAction::EditProfile, Listing { org: org.id })
            .await?;
        Ok(org)
    }

    /// `who` may do `action` once they confirm their second factor: forms are shown before,
    /// the change asks for it.
    async fn offered<R: Resource + Copy>(
        &self,
        who: &Principal,
        action: R::Action,
        resource: R,
    ) -> AppResult<()> {
        if offers(who, action, resource) {
            Ok(())
        } else {
            self.authorize(who, action, resource).await.map(|_| ())
        }
    }

    /// Adds an organization to the directory.
    pub async fn create_organization(
        &self,
        who: &Principal,
        new: &NewOrganization,
    ) -> AppResult<Organization> {
        let permit = self
            .authorize(who, DirectoryAction::CreateOrganization, Directory)
            .await?;
        new.validate()
            .map_err(|problems| AppError::Invalid(Invalid::Organization(problems)))?;
        let mut tx = self.db.begin().await?;
        let id = tx.create_organization(&permit, new).await?;
        tx.commit().await?;
        self.organization(id).await
    }

    /// Updates the profile of the organization at `slug` (which stays its address).
    pub async fn update_organization(
        &self,
        who: &Principal,
        slug: &str,
        new: &NewOrganization,
    ) -> AppResult<Organization> {
        let org = self.organization_by_slug(slug).await?;
        let permit = self
            .authorize(who, ListingAction::EditProfile, Listing { org: org.id })
            .await?;
        let new = NewOrganization {
            slug: org.slug.clone(),
            ..new.clone()
        };
        new.validate()
            .map_err(|problems| AppError::Invalid(Invalid::Organization(problems)))?;
        let mut tx = self.db.begin().await?;
        tx.update_organization(&permit, &new).await?;
        tx.commit().await?;
        self.organization(org.id).await
    }

    /// "Our services" of the organization at `slug`, for its editors and for the staff who
    /// update its capacity.
    pub async fn our_services(&self, who: &Principal, slug: &str) -> AppResult<OurServices> {
        let org = self.organization_by_slug(slug).await?;
        let listing = Listing { org: org.id };
        let may_edit = offers(who, ListingAction::EditServices, listing);
        if !may_edit {
            self.authorize(who, ListingAction::UpdateCapacity, listing)
                .await?;
        }
        Ok(OurServices {
            services: self.db.services_of(org.id).await?,
            sites: self.db.locations_of(org.id).await?,
            organization: org,
            may_edit,
        })
    }

    /// The permit to edit the services and sites of the organization at `slug`.
    async fn editor(
        &self,
        who: &Principal,
        slug: &str,
    ) -> AppResult<(Organization, Permit<Listing>)> {
        let org = self.organization_by_slug(slug).await?;
        let permit = self
            .authorize(who, ListingAction::EditServices, Listing { org: org.id })
            .await?;
        Ok((org, permit))
    }

    /// A service and its organization, with the permit for `action` on it.
    async fn service_with(
        &self,
        who: &Principal,
        id: ServiceId,
        action: ListingAction,
    ) -> AppResult<(Service, Organization, Permit<Listing>)> {
        let service = self.db.service(id).await?.ok_or(AppError::NotFound)?;
        let org = self.organization(service.org_id).await?;
        let permit = self.authorize(who, action, Listing { org: org.id }).await?;
        Ok((service, org, permit))
    }

    /// Opens the form for a new service of the organization at `slug`.
    pub async fn new_service_form(&self, who: &Principal, slug: &str) -> AppResult<ListingForm> {
        let (organization, _) = self.editor(who, slug).await?;
        let sites = self.db.locations_of(organization.id).await?;
        Ok(ListingForm {
            organization,
            sites,
        })
    }

    /// A service to edit, with its organization's sites.
    pub async fn service_to_edit(
        &self,
        who: &Principal,
        id: ServiceId,
    ) -> AppResult<(Service, ListingForm)> {
        let (service, organization, _) = self
            .service_with(who, id, ListingAction::EditServices)
            .await?;
        let sites = self.db.locations_of(organization.id).await?;
        Ok((
            service,
            ListingForm {
                organization,
                sites,
            },
        ))
    }

    /// Adds a service to the organization at `slug`, at some of its sites.
    pub async fn create_service(
        &self,
        who: &Principal,
        slug: &str,
        new: &NewService,
        sites: &[LocationId],
    ) -> AppResult<(Organization, ServiceId)> {
        let (org, permit) = self.editor(who, slug).await?;
        let id = self.write_service(&permit, None, new, sites).await?;
        Ok((org, id))
    }

    /// Saves an existing service.
    pub async fn update_service(
        &self,
        who: &Principal,
        id: ServiceId,
        new: &NewService,
        sites: &[LocationId],
    ) -> AppResult<(Organization, ServiceId)> {
        let (_, org, permit) = self
            .service_with(who, id, ListingAction::EditServices)
            .await?;
        let id = self.write_service(&permit, Some(id), new, sites).await?;
        Ok((org, id))
    }

    async fn write_service(
        &self,
        permit: &Permit<Listing>,
        id: Option<ServiceId>,
        new: &NewService,
        sites: &[LocationId],
    ) -> AppResult<ServiceId> {
        new.validate()
            .map_err(|problems| AppError::Invalid(Invalid::Service(problems)))?;
        let mut tx = self.db.begin().await?;
        let id = tx.save_service(permit, id, new, sites).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Opens the form for a new site of the organization at `slug`.
    pub async fn new_site_form(&self, who: &Principal, slug: &str) -> AppResult<Organization> {
        let (org, _) = self.editor(who, slug).await?;
        Ok(org)
    }

    /// A site of the organization at `slug`, as its editor typed it (its exact address
    /// included: the editor's permit allows it). Another organization's site is not found.
    pub async fn site_to_edit(
        &self,
        who: &Principal,
        slug: &str,
        id: LocationId,
    ) -> AppResult<(Organization, NewLocation)> {
        let (org, permit) = self.editor(who, slug).await?;
        let site = self.db.location(id).await?.ok_or(AppError::NotFound)?;
        let typed = site.to_new(&permit).ok_or(AppError::NotFound)?;
        if site.confidential {
            // A shelter's exact address, opened: who, when, which site.
            let event = AuditEvent::new("location.read_confidential", "location", Outcome::Success)
                .by_maybe(permit.who().audit_actor())
                .target(site.id);
            self.db.audit(&event).await?;
        }
        Ok((org, typed))
    }

    /// Creates (`id` None) or updates a site of the organization at `slug`.
    pub async fn save_site(
        &self,
        who: &Principal,
        slug: &str,
        id: Option<LocationId>,
        new: &NewLocation,
    ) -> AppResult<Organization> {
        let (org, permit) = self.editor(who, slug).await?;
        if let Some(id) = id {
            // Only this organization's own sites are reached through its address.
            let existing = self.db.location(id).await?.ok_or(AppError::NotFound)?;
            if existing.org_id != org.id {
                return Err(AppError::NotFound);
            }
        }
        new.validate()
            .map_err(|problems| AppError::Invalid(Invalid::Location(problems)))?;
        let mut tx = self.db.begin().await?;
        tx.save_location(&permit, id, new).await?;
        tx.commit().await?;
        Ok(org)
    }

    /// The one-click update: how many places a service has free now.
    pub async fn update_capacity(
        &self,
        who: &Principal,
        id: ServiceId,
        unit: CapacityUnit,
        available: u32,
        total: Option<u32>,
    ) -> AppResult<Organization> {
        let (_, org, permit) = self
            .service_with(who, id, ListingAction::UpdateCapacity)
            .await?;
        if total.is_some_and(|t| available > t) {
            return Err(AppError::Invalid(Invalid::Capacity(
                CapacityProblem::OverTotal,
            )));
        }
        let mut tx = self.db.begin().await?;
        tx.set_capacity(&permit, id, unit, available, total).await?;
        tx.commit().await?;
        Ok(org)
    }

    /// The organization a service belongs to (public).
    pub async fn service_organization(&self, id: ServiceId) -> AppResult<Organization> {
        let service = self.db.service(id).await?.ok_or(AppError::NotFound)?;
        self.organization(service.org_id).await
    }

    /// Whether `who` may update this service's capacity (to show its list again when what
    /// they typed does not parse).
    pub async fn may_update_capacity(&self, who: &Principal, id: ServiceId) -> AppResult<()> {
        self.service_with(who, id, ListingAction::UpdateCapacity)
            .await
            .map(|_| ())
    }

    /// Says a service's details are still right (the 180-day review).
    pub async fn confirm_reviewed(
        &self,
        who: &Principal,
        id: ServiceId,
    ) -> AppResult<Organization> {
        let (_, org, permit) = self
            .service_with(who, id, ListingAction::ConfirmReviewed)
            .await?;
        let mut tx = self.db.begin().await?;
        tx.mark_service_reviewed(&permit, id).await?;
        tx.commit().await?;
        Ok(org)
    }
}
