//! The coalition's resource library: reading it (the public resources for anyone, every one
//! for the workspace's readers), adding a document or a link (to the library or to a
//! meeting), opening a file, withdrawing a resource. The shelf's policy decides each.

use mosaique_domain::coalition::library::{NewResource, Resource, ResourceProblem, Visibility};
use mosaique_domain::policy::coalition::{Shelf, ShelfAction};
use mosaique_domain::policy::{Principal, offers};
use mosaique_domain::{Bilingual, OrgId, ResourceId};
use std::collections::HashMap;

use mosaique_store::library::ResourceFacts;

use crate::coalitions::CoalitionRef;
use crate::{App, AppError, AppResult, Invalid};

fn invalid(problems: Vec<ResourceProblem>) -> AppError {
    AppError::Invalid(Invalid::Library(problems))
}

#[derive(Debug, Clone)]
pub struct LibraryView {
    pub coalition: CoalitionRef,
    /// Newest first: every one the reader reads.
    pub resources: Vec<Resource>,
    /// The reader reads the members' resources (else only the public ones).
    pub reads_members: bool,
    /// The names of the member organizations that shared them.
    pub owners: HashMap<OrgId, Bilingual<String>>,
    /// Those the reader may withdraw.
    pub withdrawable: Vec<ResourceId>,
    /// The reader may add resources for members, and public ones.
    pub may_add: bool,
    pub may_add_public: bool,
}

impl App {
    /// The policy's facts for one shelf of `coalition`, shared by the caller's organization
    /// (what a resource they add would be) unless `owner` is given.
    async fn shelf(
        &self,
        who: &Principal,
        coalition: OrgId,
        visibility: Visibility,
        owner: Option<Option<OrgId>>,
    ) -> AppResult<Shelf> {
        let workspace = self.workspace(who, coalition).await?;
        Ok(Shelf {
            coalition,
            caller_is_member: workspace.caller_is_member,
            visibility,
            owner: owner.unwrap_or_else(|| who.actor().and_then(|a| a.org_id)),
        })
    }

    /// The resources `who` reads (no error for a visitor: the public ones).
    pub async fn library(&self, who: &Principal, coalition: OrgId) -> AppResult<LibraryView> {
        let found = self.coalition(coalition).await?;
        let members = self
            .shelf(who, coalition, Visibility::Members, None)
            .await?;
        // A visitor reads the public shelf: asking for the members' one would only record
        // a refusal on every visit.
        let reads_members = offers(who, ShelfAction::Read, members);
        let reading = Shelf {
            visibility: if reads_members {
                Visibility::Members
            } else {
                Visibility::Public
            },
            ..members
        };
        let permit = self.authorize(who, ShelfAction::Read, reading).await?;
        let mut tx = self.db.begin().await?;
        let resources = tx.library(&permit).await?;
        let shared_by: Vec<OrgId> = resources.iter().filter_map(|r| r.owner).collect();
        let owners = tx
            .organization_facts(&shared_by)
            .await?
            .into_iter()
            .map(|(org, facts)| (org, facts.name))
            .collect();
        tx.commit().await?;
        let withdrawable = resources
            .iter()
            .filter(|r| {
                let shelf = Shelf {
                    visibility: r.visibility,
                    owner: r.owner,
                    ..members
                };
                offers(who, ShelfAction::Withdraw, shelf)
            })
            .map(|r| r.id)
            .collect();
        let public = Shelf {
            visibility: Visibility::Public,
            ..members
        };
        Ok(LibraryView {
            coalition: found,
            resources,
            owners,
            reads_members,
            withdrawable,
            may_add: offers(who, ShelfAction::Add, members),
            may_add_public: offers(who, ShelfAction::Add, public),
        })
    }

    /// Whether `who` may add a resource of `visibility` to the coalition's library, or the
    /// refusal (before a file is read).
    pub async fn may_add_resource(
        &self,
        who: &Principal,
        coalition: OrgId,
        visibility: Visibility,
    ) -> AppResult<()> {
        self.coalition(coalition).await?;
        let shelf = self.shelf(who, coalition, visibility, None).await?;
        self.authorize(who, ShelfAction::Add, shelf).await?;
        Ok(())
    }

    /// Adds a document or a link, shared by the caller's organization (the coalition's own
    /// for its staff); a meeting's document must be of one of the coalition's meetings.
    pub async fn add_resource(
        &self,
        who: &Principal,
        coalition: OrgId,
        new: NewResource,
    ) -> AppResult<ResourceId> {
        self.coalition(coalition).await?;
        let shelf = self.shelf(who, coalition, new.visibility, None).await?;
        let permit = self.authorize(who, ShelfAction::Add, shelf).await?;
        let meeting = new.meeting;
        let mut checked = new.check();
        if let Some(meeting) = meeting
            && self.db.meeting_coalition(meeting).await? != Some(coalition)
        {
            let mut problems = checked.err().unwrap_or_default();
            problems.push(ResourceProblem::UnknownMeeting);
            checked = Err(problems);
        }
        let checked = checked.map_err(invalid)?;
        let mut tx = self.db.begin().await?;
        let id = tx.add_resource(&permit, &checked).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The shelf a resource is on, for `who`, and its facts (`NotFound`: no such resource;
    /// but a visitor who would change one is asked to sign in first, as for one that exists).
    async fn shelf_of(
        &self,
        who: &Principal,
        id: ResourceId,
        action: ShelfAction,
    ) -> AppResult<(Shelf, ResourceFacts)> {
        let Some(facts) = self.db.resource_facts(id).await? else {
            if action != ShelfAction::Read && who.actor().is_none() {
                // No resource to name: any shelf refuses a visitor (never audited).
                let anywhere = Shelf {
                    coalition: OrgId::new(),
                    caller_is_member: false,
                    visibility: Visibility::Members,
                    owner: None,
                };
                self.authorize(who, action, anywhere).await?;
            }
            return Err(AppError::NotFound);
        };
        let shelf = self
            .shelf(who, facts.coalition, facts.visibility, Some(facts.owner))
            .await?;
        Ok((shelf, facts))
    }

    /// One resource and, for a file, its bytes.
    pub async fn resource(
        &self,
        who: &Principal,
        id: ResourceId,
    ) -> AppResult<(Resource, Option<Vec<u8>>)> {
        let (shelf, _) = self.shelf_of(who, id, ShelfAction::Read).await?;
        let permit = self.authorize(who, ShelfAction::Read, shelf).await?;
        let mut tx = self.db.begin().await?;
        let found = tx.resource(&permit, id).await?;
        tx.commit().await?;
        found.ok_or(AppError::NotFound)
    }

    /// Withdraws a resource and its file for good; returns its coalition and meeting.
    pub async fn withdraw_resource(
        &self,
        who: &Principal,
        id: ResourceId,
    ) -> AppResult<(OrgId, Option<mosaique_domain::MeetingId>)> {
        let (shelf, facts) = self.shelf_of(who, id, ShelfAction::Withdraw).await?;
        let permit = self.authorize(who, ShelfAction::Withdraw, shelf).await?;
        let mut tx = self.db.begin().await?;
        if !tx.withdraw_resource(&permit, id).await? {
            return Err(AppError::NotFound);
        }
        tx.commit().await?;
        Ok((facts.coalition, facts.meeting))
    }
}

/// The demo library: two public links anyone may follow (the national hotline, the
/// Criminal Code), a members' aide-mémoire, and a document of the last meeting held.
pub(crate) mod demo {
    use mosaique_domain::coalition::library::{
        Audience, NewFile, NewResource, ResourceLanguage, Theme, Visibility,
    };
    use mosaique_domain::policy::Principal;
    use mosaique_domain::{Bilingual, OrgId, Timestamp};

    use crate::{App, AppResult};

    fn text(fr: &str, en: &str) -> Bilingual<String> {
        Bilingual::new(fr.to_owned(), en.to_owned())
    }

    impl App {
        pub(crate) async fn load_demo_library(&self, coalition: OrgId) -> AppResult<()> {
            let who = Principal::Operator;
            let now = App::now_ms();
            let year = 365 * 24 * 3600 * 1000;
            let held = self
                .meetings(&who, coalition, Timestamp(now - year), Timestamp(now))
                .await?
                .meetings
                .into_iter()
                .rfind(|m| m.group.is_none() && m.ends_at.0 < now);
            let mut resources = vec![
                NewResource {
                    title: text(
                        "Exemple — Ligne d’urgence canadienne contre la traite des personnes",
                        "Example — Canadian Human Trafficking Hotline",
                    ),
                    summary: text(
                        "Ligne confidentielle, 24 heures sur 24, en plus de 200 langues : 1-833-900-1010.",
                        "Confidential, 24 hours a day, in over 200 languages: 1-833-900-1010.",
                    ),
                    audiences: vec![Audience::GeneralPublic, Audience::Survivors, Audience::FrontLine],
                    themes: vec![Theme::Identification, Theme::SafetyPlanning],
                    visibility: Visibility::Public,
                    language: ResourceLanguage::Both,
                    meeting: None,
                    link: "https://www.canadianhumantraffickinghotline.ca/".to_owned(),
                    file: None,
                },
                NewResource {
                    title: text(
                        "Exemple — Code criminel (Lois du Canada)",
                        "Example — Criminal Code (Justice Laws)",
                    ),
                    summary: text(
                        "Le texte officiel ; la traite des personnes aux articles 279.01 à 279.04.",
                        "The official text; trafficking in persons at sections 279.01 to 279.04.",
                    ),
                    audiences: vec![Audience::Legal, Audience::Police, Audience::FrontLine],
                    themes: vec![Theme::LegalFramework],
                    visibility: Visibility::Public,
                    language: ResourceLanguage::Both,
                    meeting: None,
                    link: "https://laws-lois.justice.gc.ca/eng/acts/C-46/".to_owned(),
                    file: None,
                },
                NewResource {
                    title: text(
                        "Exemple — Aide-mémoire du premier contact",
                        "Example — First-contact aide-memoire",
                    ),
                    summary: text(
                        "Une page pour l’accueil : sécurité d’abord, besoins immédiats, consentement.",
                        "One page for intake: safety first, immediate needs, consent.",
                    ),
                    audiences: vec![Audience::FrontLine, Audience::HealthSocial],
                    themes: vec![Theme::Identification, Theme::TraumaInformed],
                    visibility: Visibility::Members,
                    language: ResourceLanguage::Both,
                    meeting: None,
                    link: String::new(),
                    file: Some(NewFile {
                        name: "aide-memoire-premier-contact.txt".to_owned(),
                        bytes: "Exemple — Aide-mémoire du premier contact\n\
                                1. La sécurité d’abord : la personne peut-elle parler maintenant ?\n\
                                2. Les besoins immédiats : hébergement, santé, argent, enfants.\n\
                                3. Le consentement : ce qui est noté, ce qui est partagé, avec qui.\n\n\
                                Example — First-contact aide-memoire\n\
                                1. Safety first: can the person talk now?\n\
                                2. Immediate needs: shelter, health, money, children.\n\
                                3. Consent: what is noted, what is shared, with whom.\n"
                            .as_bytes()
                            .to_vec(),
                    }),
                },
            ];
            if let Some(meeting) = held {
                resources.push(NewResource {
                    title: text(
                        "Exemple — Ordre du jour annoté",
                        "Example — Annotated agenda",
                    ),
                    summary: text("", ""),
                    audiences: vec![Audience::FrontLine],
                    themes: vec![Theme::Coordination],
                    visibility: Visibility::Members,
                    language: ResourceLanguage::French,
                    meeting: Some(meeting.id),
                    link: String::new(),
                    file: Some(NewFile {
                        name: "ordre-du-jour-annote.txt".to_owned(),
                        bytes: format!(
                            "{}\n1. Tour de table des membres.\n2. Bilan des références du mois.\n3. Prochaines formations.\n",
                            meeting.title
                        )
                        .into_bytes(),
                    }),
                });
            }
            for new in resources {
                self.add_resource(&who, coalition, new).await?;
            }
            Ok(())
        }
    }
}
