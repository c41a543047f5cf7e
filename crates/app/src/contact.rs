//! Writing to the coalition through its public form, and its administrators' inbox.

use std::net::IpAddr;

use mosaique_crypto::sha256_hex;
use mosaique_domain::ContactMessageId;
use mosaique_domain::contact::{self, Closing, ContactDraft, ContactMessage, Verdict};
use mosaique_domain::policy::Principal;
use mosaique_domain::policy::contact::{CoalitionInbox, ContactAction};

use crate::{App, AppError, AppResult, Invalid};

/// How sending went, when it was not refused as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// Kept in the inbox (or dropped unseen as a robot's: the sender cannot tell).
    Delivered,
    /// Too many messages lately from this address, or from everyone (`everyone`): wait this
    /// long.
    TooMany { retry_after_s: u64, everyone: bool },
}

/// The throttle key of an address. Addresses are personal data: the throttle only needs to
/// tell them apart. One IPv6 subscriber holds a whole /64, so it counts as one address.
fn address_key(address: &IpAddr) -> String {
    let counted = match address {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        IpAddr::V4(v4) => v4.to_string(),
    };
    format!("contact-address:{}", sha256_hex(counted.as_bytes()))
}

const EVERYONE_KEY: &str = "contact-everyone";

impl App {
    /// Sends a message to the coalition's inbox, within the limits per address and overall.
    pub async fn send_contact_message(
        &self,
        who: &Principal,
        draft: &ContactDraft,
        address: IpAddr,
    ) -> AppResult<Sent> {
        let permit = self
            .authorize(who, ContactAction::Send, CoalitionInbox)
            .await?;
        let (topic, body) = match draft.check() {
            Ok(Verdict::Accept(topic, body)) => (topic, body),
            Ok(Verdict::Discard) => return Ok(Sent::Delivered),
            Err(problems) => return Err(AppError::Invalid(Invalid::Contact(problems))),
        };
        // Counted before the message is kept, so parallel messages cannot all pass a check
        // made before any of them counted; an address over its limit never uses up the
        // allowance everyone shares.
        let address = address_key(&address);
        let from_address = self
            .db
            .register_throttled_attempt(&address, &contact::PER_ADDRESS)
            .await?;
        let over_everyone = from_address <= contact::PER_ADDRESS.free
            && self
                .db
                .register_throttled_attempt(EVERYONE_KEY, &contact::FROM_EVERYONE)
                .await?
                > contact::FROM_EVERYONE.free;
        if from_address > contact::PER_ADDRESS.free || over_everyone {
            let key = if over_everyone {
                EVERYONE_KEY
            } else {
                &address
            };
            let retry_after_s = self.wait_for(&[key]).await?.unwrap_or(60);
            return Ok(Sent::TooMany {
                retry_after_s,
                everyone: over_everyone,
            });
        }
        let mut tx = self.db.begin().await?;
        tx.add_contact_message(&permit, topic, &body).await?;
        tx.commit().await?;
        Ok(Sent::Delivered)
    }

    /// The coalition's inbox, unanswered first (the reading is audited).
    pub async fn contact_messages(&self, who: &Principal) -> AppResult<Vec<ContactMessage>> {
        let permit = self
            .authorize(who, ContactAction::Read, CoalitionInbox)
            .await?;
        let mut tx = self.db.begin().await?;
        let messages = tx.contact_messages(&permit).await?;
        tx.commit().await?;
        Ok(messages)
    }

    /// Marks a message answered, or deletes it (`confirmed`: a deletion needs it). `NotFound`
    /// if it is gone (or, to mark it, already was).
    pub async fn close_contact_message(
        &self,
        who: &Principal,
        id: ContactMessageId,
        closing: Closing,
        confirmed: bool,
    ) -> AppResult<()> {
        let permit = self
            .authorize(who, ContactAction::Handle, CoalitionInbox)
            .await?;
        contact::check_closing(closing, confirmed)
            .map_err(|problem| AppError::Invalid(Invalid::Contact(vec![problem])))?;
        let mut tx = self.db.begin().await?;
        let done = tx.close_contact_message(&permit, id, closing).await?;
        tx.commit().await?;
        done.then_some(()).ok_or(AppError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_subscriber_counts_as_one_address() {
        let key = |a: &str| address_key(&a.parse().unwrap());
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:bbbb::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:203.0.113.7"), key("203.0.113.7"));
        assert_ne!(key("203.0.113.7"), key("203.0.113.8"));
    }
}
