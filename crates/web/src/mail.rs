//! E-mail about the inbox, when SMTP is configured: a message that says only that something
//! waits in Mosaïque, in French then English, with a link to the inbox. It never says what
//! or who: a mailbox can be read by someone else, or forwarded.
//!
//! The notices are taken from the outbox by the use case (one statement, so servers sharing
//! a database mail each once), one message per person per round; a message that cannot be
//! sent gives its notices back for the next round.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use mosaique_app::App;
use mosaique_app::inbox::MailDue;
use mosaique_domain::Language;

use crate::i18n::{Arg, Tr};

/// How the server sends mail: the SMTP relay, the sender's address, how often it looks.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    every: Duration,
}

impl std::fmt::Debug for Mailer {
    // The transport holds the relay's credentials.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("every", &self.every)
            .finish_non_exhaustive()
    }
}

/// Why the mail settings cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailSetupProblem {
    /// The SMTP URL does not parse (`smtp://`, `smtps://`, with `?tls=required`...).
    SmtpUrl(String),
    /// The sender is not an address (`Name <address>` or `address`).
    From(String),
}

impl Mailer {
    /// A mailer for `smtp_url` (`smtp://user:password@host:587?tls=required`, `smtps://…`,
    /// or `smtp://host:port` without TLS for a relay on the same machine), sending as
    /// `from`, looking for notices every `every`.
    pub fn new(smtp_url: &str, from: &str, every: Duration) -> Result<Mailer, MailSetupProblem> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| MailSetupProblem::SmtpUrl(e.to_string()))?
            // A relay that hangs must not hold the round (and the next people's mail).
            .timeout(Some(Duration::from_secs(15)))
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| MailSetupProblem::From(e.to_string()))?;
        Ok(Mailer {
            transport,
            from,
            every,
        })
    }
}

/// Mails what waits every round until the task is aborted.
pub(crate) async fn run(app: App, mailer: Mailer, public_url: String) {
    let mut interval = tokio::time::interval(mailer.every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let inbox_url = format!("{}/inbox", public_url.trim_end_matches('/'));
    loop {
        interval.tick().await;
        let due = match app.take_mail_due().await {
            Ok(due) => due,
            Err(error) => {
                tracing::warn!(?error, "mail round could not read the outbox");
                continue;
            }
        };
        let mut sent = 0usize;
        for person in &due {
            match send(&mailer, person, &inbox_url).await {
                Ok(()) => sent += 1,
                Err(error) => {
                    // The address is personal data of a worker: the log names the account.
                    tracing::warn!(user = %person.user, %error, "notice e-mail not sent; retried next round");
                    if let Err(error) = app.give_back_mail(person).await {
                        tracing::warn!(?error, "notice e-mail could not be given back");
                    }
                }
            }
        }
        if sent > 0 {
            tracing::info!(sent, "notice e-mails sent");
        }
    }
}

async fn send(mailer: &Mailer, person: &MailDue, inbox_url: &str) -> Result<(), String> {
    let to = person
        .email
        .parse::<Mailbox>()
        .map_err(|e| format!("address: {e}"))?;
    let message = waiting_message(mailer.from.clone(), to, inbox_url)?;
    mailer
        .transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// "Something is waiting for you", French first then English (accounts have no language
/// of their own; the person reading may be either).
fn waiting_message(from: Mailbox, to: Mailbox, inbox_url: &str) -> Result<Message, String> {
    let (subject, body) = waiting_text(inbox_url);
    Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| e.to_string())
}

/// The subject and the body of the message.
fn waiting_text(inbox_url: &str) -> (String, String) {
    let (fr, en) = (Tr::new(Language::Fr), Tr::new(Language::En));
    let body = |tr: Tr| tr.t_args("mail-waiting-body", &[("url", Arg::Text(inbox_url.into()))]);
    (
        format!(
            "{} / {}",
            fr.t("mail-waiting-subject"),
            en.t("mail-waiting-subject")
        ),
        format!("{}\n\n———\n\n{}\n", body(fr), body(en)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_is_in_both_languages_and_links_the_inbox() {
        let url = "https://mosaique.example.org/inbox";
        let (subject, body) = waiting_text(url);
        let (fr, en) = (Tr::new(Language::Fr), Tr::new(Language::En));
        assert!(
            subject.starts_with(&fr.t("mail-waiting-subject")),
            "{subject}"
        );
        assert!(
            subject.ends_with(&en.t("mail-waiting-subject")),
            "{subject}"
        );
        let french = body.find("Mosaïque").unwrap();
        assert!(
            french < body.find("Something").unwrap(),
            "French first: {body}"
        );
        assert_eq!(body.matches(url).count(), 2, "{body}");
        let message = waiting_message(
            "Mosaïque <mosaique@example.org>".parse().unwrap(),
            "worker@example.org".parse().unwrap(),
            url,
        )
        .unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        assert!(raw.contains("To: worker@example.org"), "{raw}");
    }

    #[test]
    fn bad_settings_are_named() {
        let every = Duration::from_secs(10);
        assert!(matches!(
            Mailer::new("http://relay", "a@b.example", every),
            Err(MailSetupProblem::SmtpUrl(_))
        ));
        assert!(matches!(
            Mailer::new("smtp://127.0.0.1:2525", "not an address", every),
            Err(MailSetupProblem::From(_))
        ));
        assert!(Mailer::new("smtps://user:pw@relay.example:465", "a@b.example", every).is_ok());
        assert!(
            Mailer::new(
                "smtp://relay.example:587?tls=required",
                "Mosaïque <a@b.example>",
                every
            )
            .is_ok()
        );
    }
}
