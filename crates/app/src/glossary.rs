//! The coalition's shared glossary: read by whoever reads the workspace, kept by those who
//! run it, one language for every member.

use mosaique_domain::coalition::glossary::{Entry, GlossaryProblem, NewEntry};
use mosaique_domain::policy::coalition::WorkspaceAction;
use mosaique_domain::policy::{Principal, offers};
use mosaique_domain::{GlossaryEntryId, OrgId};

use crate::coalitions::CoalitionRef;
use crate::{App, AppError, AppResult, Conflict, Invalid};

fn invalid(problems: Vec<GlossaryProblem>) -> AppError {
    AppError::Invalid(Invalid::Glossary(problems))
}

#[derive(Debug, Clone)]
pub struct GlossaryView {
    pub coalition: CoalitionRef,
    pub entries: Vec<Entry>,
    pub may_run: bool,
}

impl GlossaryView {
    pub fn entry(&self, id: GlossaryEntryId) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }
}

impl App {
    pub async fn glossary(&self, who: &Principal, coalition: OrgId) -> AppResult<GlossaryView> {
        let (found, workspace, permit) = self.enter(who, coalition, WorkspaceAction::View).await?;
        let mut tx = self.db.begin().await?;
        let entries = tx.glossary(&permit).await?;
        tx.commit().await?;
        Ok(GlossaryView {
            coalition: found,
            entries,
            may_run: offers(who, WorkspaceAction::Run, workspace),
        })
    }

    /// The glossary of the coalition an entry belongs to (`NotFound`: no such entry).
    pub async fn glossary_of(
        &self,
        who: &Principal,
        id: GlossaryEntryId,
    ) -> AppResult<GlossaryView> {
        let coalition = self
            .db
            .glossary_entry_coalition(id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.glossary(who, coalition).await
    }

    /// Whether `who` may change an entry, or the refusal (`NotFound`: no such entry).
    pub async fn may_run_glossary_entry(
        &self,
        who: &Principal,
        id: GlossaryEntryId,
    ) -> AppResult<()> {
        let coalition = self
            .db
            .glossary_entry_coalition(id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.may_run(who, coalition).await
    }

    pub async fn add_glossary_entry(
        &self,
        who: &Principal,
        coalition: OrgId,
        new: NewEntry,
    ) -> AppResult<GlossaryEntryId> {
        let (_, _, permit) = self.enter(who, coalition, WorkspaceAction::Run).await?;
        let mut tx = self.db.begin().await?;
        let others = tx.glossary(&permit).await?;
        new.check(&others).map_err(invalid)?;
        let id = tx.add_glossary_entry(&permit, &new).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes an entry's term and definitions, from the version the writer read.
    pub async fn change_glossary_entry(
        &self,
        who: &Principal,
        id: GlossaryEntryId,
        version: i64,
        new: NewEntry,
    ) -> AppResult<()> {
        let coalition = self.db.glossary_entry_coalition(id).await?;
        let (_, _, permit) = self.enter_of(who, coalition, WorkspaceAction::Run).await?;
        let mut tx = self.db.begin().await?;
        let mut others = tx.glossary(&permit).await?;
        let Some(current) = others.iter().position(|e| e.id == id) else {
            return Err(AppError::NotFound);
        };
        if others.remove(current).version != version {
            return Err(AppError::Conflict(Conflict::Stale));
        }
        new.check(&others).map_err(invalid)?;
        if !tx.change_glossary_entry(&permit, id, version, &new).await? {
            return Err(AppError::Conflict(Conflict::Stale));
        }
        tx.commit().await?;
        Ok(())
    }
}

/// The demo glossary: the words the talk says members must share, each under the
/// frameworks that define it. Summaries, each with its reference, never the legal text.
pub(crate) mod demo {
    use mosaique_domain::Bilingual;
    use mosaique_domain::OrgId;
    use mosaique_domain::coalition::glossary::{Definition, Framework, NewEntry};
    use mosaique_domain::policy::Principal;

    use crate::{App, AppResult};

    fn define(framework: Framework, fr: &str, en: &str, reference: &str) -> Definition {
        Definition {
            framework,
            text: Bilingual::new(fr.to_owned(), en.to_owned()),
            reference: reference.to_owned(),
        }
    }

    impl App {
        pub(crate) async fn load_demo_glossary(&self, coalition: OrgId) -> AppResult<()> {
            let entries = [
                NewEntry {
                    term: Bilingual::new(
                        "Traite de personnes".to_owned(),
                        "Trafficking in persons".to_owned(),
                    ),
                    definitions: vec![
                        define(
                            Framework::CriminalCode,
                            "Recruter, transporter, transférer, recevoir, détenir, cacher ou héberger une personne, ou exercer un contrôle, une direction ou une influence sur ses mouvements, en vue de l’exploiter ou de faciliter son exploitation. Aucun déplacement n’est exigé, et le consentement de la personne n’est pas valable.",
                            "Recruiting, transporting, transferring, receiving, holding, concealing or harbouring a person, or exercising control, direction or influence over their movements, for the purpose of exploiting them or facilitating their exploitation. No movement is required, and the person's consent is not valid.",
                            "Code criminel / Criminal Code, art. 279.01 (résumé / summary)",
                        ),
                        define(
                            Framework::Irpa,
                            "Organiser sciemment l’entrée au Canada de personnes par enlèvement, fraude, tromperie, ou par la force ou la menace ou la coercition. Infraction transnationale : l’exploitation n’en est pas un élément.",
                            "Knowingly organizing the coming into Canada of persons by abduction, fraud, deception, or use or threat of force or coercion. A transnational offence: exploitation is not one of its elements.",
                            "LIPR / IRPA, art. 118 (résumé / summary)",
                        ),
                        define(
                            Framework::Palermo,
                            "Trois éléments : un acte (recruter, transporter, transférer, héberger ou accueillir), un moyen (menace, force, contrainte, enlèvement, fraude, tromperie, abus d’autorité ou de vulnérabilité, paiements) et une fin d’exploitation. Pour un enfant, l’acte et la fin suffisent.",
                            "Three elements: an act (recruitment, transportation, transfer, harbouring or receipt), a means (threat, force, coercion, abduction, fraud, deception, abuse of power or vulnerability, payments) and a purpose of exploitation. For a child, the act and the purpose suffice.",
                            "Protocole de Palerme / Palermo Protocol, art. 3 (résumé / summary)",
                        ),
                    ],
                },
                NewEntry {
                    term: Bilingual::new(
                        "Exploitation".to_owned(),
                        "Exploitation (criminal law)".to_owned(),
                    ),
                    definitions: vec![
                        define(
                            Framework::CriminalCode,
                            "Amener une personne à fournir ou offrir son travail ou ses services par des agissements qui, dans les circonstances, peuvent raisonnablement lui faire croire qu’un refus menacerait sa sécurité ou celle d’une personne qu’elle connaît. Le tribunal peut tenir compte de la force ou de la menace, de la tromperie, de l’abus de confiance, de pouvoir ou d’autorité.",
                            "Causing a person to provide or offer labour or a service by conduct that, in all the circumstances, could reasonably be expected to make them believe that refusing would threaten their safety or that of someone they know. The court may consider force or threats, deception, and abuse of trust, power or authority.",
                            "Code criminel / Criminal Code, art. 279.04 (résumé / summary)",
                        ),
                        define(
                            Framework::Palermo,
                            "Comprend au minimum l’exploitation de la prostitution d’autrui ou d’autres formes d’exploitation sexuelle, le travail ou les services forcés, l’esclavage ou les pratiques analogues, la servitude et le prélèvement d’organes.",
                            "Includes at a minimum the exploitation of the prostitution of others or other forms of sexual exploitation, forced labour or services, slavery or similar practices, servitude and the removal of organs.",
                            "Protocole de Palerme / Palermo Protocol, art. 3 a) (résumé / summary)",
                        ),
                    ],
                },
                NewEntry {
                    term: Bilingual::new(
                        "Passage de clandestins".to_owned(),
                        "Human smuggling".to_owned(),
                    ),
                    definitions: vec![define(
                        Framework::Practice,
                        "Faire franchir une frontière à une personne, en général contre paiement. À ne pas confondre avec la traite : la traite n’exige pas de frontière, et c’est l’exploitation qui la définit. Une même situation peut toutefois devenir de la traite.",
                        "Getting a person across a border, usually for payment. Not to be confused with trafficking: trafficking needs no border, and exploitation is what defines it. A situation may still turn into trafficking.",
                        "Usage de la coalition / The coalition's usage",
                    )],
                },
            ];
            for new in entries {
                self.add_glossary_entry(&Principal::Operator, coalition, new)
                    .await?;
            }
            Ok(())
        }
    }
}
