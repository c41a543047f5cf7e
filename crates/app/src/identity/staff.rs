//! Administering accounts: coalition admins for everyone, organization admins for their own
//! staff, and the command line (an operator). One flow for the pages and the command line:
//! creating an account (with its enrolment link), disabling one, issuing a reset link.

use mosaique_crypto::{random_token, token_hash};
use mosaique_domain::identity::{DISPLAY_NAME_MAX, LinkPurpose, normalize_email};
use mosaique_domain::policy::identity::{
    StaffAccount, StaffAction, StaffList, StaffListAction, administered_staff, grantable_roles,
};
use mosaique_domain::policy::{Permit, Principal, offers};
use mosaique_domain::{OrgId, Organization, Role, User, UserId};
use mosaique_store::OrgFilter;

use crate::{AccountProblem, App, AppError, AppResult, Conflict, Invalid};

/// An account of a staff list, and whether the reader may administer it.
#[derive(Debug, Clone)]
pub struct StaffMember {
    pub user: User,
    pub manageable: bool,
}

/// The staff list page: the accounts, the roles the reader may grant and the organizations
/// they may place an account in.
#[derive(Debug, Clone)]
pub struct StaffView {
    pub members: Vec<StaffMember>,
    pub roles: Vec<Role>,
    /// `None` first when the reader may create the coalition's own staff.
    pub organizations: Vec<Option<Organization>>,
    /// The name of every organization an account belongs to.
    pub names: Vec<Organization>,
}

/// An account to create, as typed.
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub email: String,
    pub display_name: String,
    /// `None`: a role the form or command line did not recognize.
    pub role: Option<Role>,
    /// An organization's slug; empty for the coalition's own staff.
    pub organization: String,
}

/// An account just created, with the one-time link that lets its holder set a password.
#[derive(Debug, Clone)]
pub struct CreatedAccount {
    pub user: User,
    pub link: String,
}

/// A reset link issued, with the account it is for.
#[derive(Debug, Clone)]
pub struct IssuedLink {
    pub user: User,
    pub link: String,
}

impl App {
    /// The staff list the reader administers. Reading it is audited.
    pub async fn staff(&self, who: &Principal) -> AppResult<StaffView> {
        let list = match who.actor() {
            Some(actor) => administered_staff(actor),
            None => StaffList { org_id: None },
        };
        let permit = self.authorize(who, StaffListAction::View, list).await?;
        let mut tx = self.db.begin().await?;
        let users = tx.list_users(&permit).await?;
        tx.commit().await?;
        let all = self.all_organization_names().await?;
        let members = users
            .into_iter()
            .map(|user| {
                let account = StaffAccount {
                    id: Some(user.id),
                    org_id: user.org_id,
                    role: user.role,
                };
                StaffMember {
                    manageable: offers(who, StaffAction::Disable, account),
                    user,
                }
            })
            .collect();
        let organizations = match list.org_id {
            None => std::iter::once(None)
                .chain(all.iter().cloned().map(Some))
                .collect(),
            Some(id) => all
                .iter()
                .filter(|o| o.id == id)
                .cloned()
                .map(Some)
                .collect(),
        };
        Ok(StaffView {
            members,
            roles: grantable_roles(who, list.org_id),
            organizations,
            names: all,
        })
    }

    async fn all_organization_names(&self) -> AppResult<Vec<Organization>> {
        Ok(self
            .db
            .list_organizations(&OrgFilter {
                limit: 1000,
                ..OrgFilter::default()
            })
            .await?
            .items)
    }

    /// Creates an account and its enrolment link. Someone who may grant no role at all is
    /// refused before anything they sent is read.
    pub async fn create_account(
        &self,
        who: &Principal,
        new: &NewAccount,
    ) -> AppResult<CreatedAccount> {
        let own_org = who.actor().and_then(|a| a.org_id);
        if *who != Principal::Operator && grantable_roles(who, own_org).is_empty() {
            let any = StaffAccount {
                id: None,
                org_id: own_org,
                role: new.role.unwrap_or(Role::Caseworker),
            };
            self.authorize(who, StaffAction::Create, any).await?;
        }
        let mut problems = Vec::new();
        let email = normalize_email(&new.email);
        if email.is_none() {
            problems.push(AccountProblem::BadEmail);
        }
        let name = new.display_name.trim();
        let name = if name.is_empty() {
            // The command line may leave it out: the address's local part stands in.
            email
                .as_deref()
                .and_then(|e| e.split('@').next())
                .unwrap_or_default()
                .to_owned()
        } else {
            name.to_owned()
        };
        if name.is_empty() || name.chars().count() > DISPLAY_NAME_MAX {
            problems.push(AccountProblem::BadName);
        }
        let org_id = self
            .organization_named(&new.organization, &mut problems)
            .await?;
        if new.role.is_some_and(|r| r.needs_organization()) && org_id.is_none() {
            problems.push(AccountProblem::NeedsOrganization);
        }
        let (Some(email), Some(role), true) = (email, new.role, problems.is_empty()) else {
            if new.role.is_none() {
                problems.push(AccountProblem::UnknownRole);
            }
            return Err(AppError::Invalid(Invalid::Account(problems)));
        };
        let account = StaffAccount {
            id: None,
            org_id,
            role,
        };
        let permit = self.authorize(who, StaffAction::Create, account).await?;
        let token = random_token();
        let mut tx = self.db.begin().await?;
        let user = tx
            .create_user(&permit, &email, &name, &token_hash(&token))
            .await?;
        tx.commit().await?;
        Ok(CreatedAccount {
            user,
            link: self.link_url(LinkPurpose::Enrolment, &token),
        })
    }

    async fn organization_named(
        &self,
        slug: &str,
        problems: &mut Vec<AccountProblem>,
    ) -> AppResult<Option<OrgId>> {
        let slug = slug.trim();
        if slug.is_empty() {
            return Ok(None);
        }
        match self.db.organization_by_slug(slug).await? {
            Some(org) => Ok(Some(org.id)),
            None => {
                problems.push(AccountProblem::UnknownOrganization);
                Ok(None)
            }
        }
    }

    /// The permit for `action` on an account. An account that does not exist is decided on
    /// as one outside every organization, so only those who may administer every account
    /// learn that it does not exist; anyone else is refused as for any account not theirs.
    async fn administer(
        &self,
        who: &Principal,
        action: StaffAction,
        id: UserId,
    ) -> AppResult<(Permit<StaffAccount>, bool)> {
        let facts = self.db.account_facts(id).await?;
        let account = facts.map_or(
            StaffAccount {
                id: Some(id),
                org_id: None,
                role: Role::CoalitionAdmin,
            },
            |f| f.account,
        );
        let permit = self.authorize(who, action, account).await?;
        match facts {
            Some(facts) => Ok((permit, facts.disabled)),
            None => Err(AppError::NotFound),
        }
    }

    /// Disables an account and ends all its sessions at once.
    pub async fn disable_account(&self, who: &Principal, id: UserId) -> AppResult<User> {
        let (permit, _) = self.administer(who, StaffAction::Disable, id).await?;
        let mut tx = self.db.begin().await?;
        tx.disable_user(&permit).await?;
        let user = tx.staff_user(&permit).await?.ok_or(AppError::NotFound)?;
        tx.commit().await?;
        Ok(user)
    }

    /// Issues a one-time link to set a new password (only the newest link works).
    pub async fn issue_reset_link(&self, who: &Principal, id: UserId) -> AppResult<IssuedLink> {
        let (permit, disabled) = self
            .administer(who, StaffAction::IssueResetLink, id)
            .await?;
        if disabled {
            return Err(AppError::Conflict(Conflict::AccountDisabled));
        }
        let token = random_token();
        let mut tx = self.db.begin().await?;
        tx.issue_reset_link(&permit, &token_hash(&token)).await?;
        let user = tx.staff_user(&permit).await?.ok_or(AppError::NotFound)?;
        tx.commit().await?;
        Ok(IssuedLink {
            user,
            link: self.link_url(LinkPurpose::PasswordReset, &token),
        })
    }

    /// The account with this e-mail (the command line names accounts so).
    pub async fn account_id_by_email(&self, email: &str) -> AppResult<UserId> {
        let email = normalize_email(email).ok_or(AppError::NotFound)?;
        self.db
            .account_facts_by_email(&email)
            .await?
            .and_then(|facts| facts.account.id)
            .ok_or(AppError::NotFound)
    }

    fn link_url(&self, purpose: LinkPurpose, token: &str) -> String {
        format!(
            "{}{}/{token}",
            self.config.public_url.trim_end_matches('/'),
            purpose.path()
        )
    }
}
