//! The coalition's workspace: memberships, meetings with their attendance and minutes, and
//! private calendar feeds. Every change is audited; a meeting changes only from the version
//! its writer read.

use jiff::civil::Date;
use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::coalition::mandates::MemberWork;
use mosaique_domain::coalition::meeting::{Meeting, MinutesStatus, NewMeeting, Presence, Schedule};
use mosaique_domain::coalition::{MemberRole, Membership, NewMembership};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::coalition::{Workspace, WorkspaceAction};
use mosaique_domain::{
    Bilingual, CalendarFeedId, MeetingId, MembershipId, OrgId, ServiceDomain, Timestamp, UserId,
};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::cases::parse_id;
use crate::permits::{require, user};
use crate::{Db, StoreError, Tx, now_ms};

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("coalition workspace: {what}"))
}

fn date(row: &AnyRow, column: &str) -> Result<Option<Date>, StoreError> {
    row.try_get::<Option<String>, _>(column)?
        .map(|d| d.parse().map_err(|_| corrupt(column)))
        .transpose()
}

/// A coalition of the directory: an organization marked as one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoalitionRef {
    pub id: OrgId,
    pub name: Bilingual<String>,
    pub slug: String,
}

impl Db {
    /// The coalitions of the directory, by French name.
    pub async fn coalitions(&self) -> Result<Vec<CoalitionRef>, StoreError> {
        sqlx::query(
            "SELECT id, name_fr, name_en, slug FROM organizations WHERE is_coalition = 1 \
             ORDER BY sort_key_fr, id",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(CoalitionRef {
                id: parse_id(r, "id")?,
                name: Bilingual::new(r.try_get("name_fr")?, r.try_get("name_en")?),
                slug: r.try_get("slug")?,
            })
        })
        .collect()
    }

    /// The coalitions `org` is a member of on `day` (the policy's fact).
    pub async fn coalitions_of(&self, org: OrgId, day: Date) -> Result<Vec<OrgId>, StoreError> {
        let day = day.to_string();
        sqlx::query(
            "SELECT DISTINCT coalition_id FROM coalition_memberships WHERE member_id = $1 \
             AND joined_on <= $2 AND (left_on IS NULL OR left_on >= $2)",
        )
        .bind(org.to_string())
        .bind(day)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| parse_id(r, "coalition_id"))
        .collect()
    }

    /// The coalition a meeting belongs to (the policy's fact), if it exists.
    pub async fn meeting_coalition(&self, id: MeetingId) -> Result<Option<OrgId>, StoreError> {
        sqlx::query("SELECT coalition_id FROM meetings WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .map(|r| parse_id(&r, "coalition_id"))
            .transpose()
    }

    /// The live feed a token's hash opens: its id, its person and its coalition.
    pub async fn calendar_feed(
        &self,
        token_hash: &str,
    ) -> Result<Option<(CalendarFeedId, UserId, OrgId)>, StoreError> {
        sqlx::query(
            "SELECT id, user_id, coalition_id FROM calendar_feeds \
             WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash.to_owned())
        .fetch_optional(self.pool())
        .await?
        .map(|r| {
            Ok((
                parse_id(&r, "id")?,
                parse_id(&r, "user_id")?,
                parse_id(&r, "coalition_id")?,
            ))
        })
        .transpose()
    }
}

const MEETING_COLUMNS: &str = "id, coalition_id, title, starts_at, ends_at, time_zone, place, \
    online_url, agenda, group_id, minutes, minutes_status, minutes_approved_by, attendance, sequence, \
    updated_at, version";

/// A meeting's attendance as stored: `ORG_ID=presence` separated by spaces.
fn attendance_text(attendance: &[(OrgId, Presence)]) -> String {
    attendance
        .iter()
        .map(|(org, p)| format!("{org}={}", p.key()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn parse_attendance(text: &str) -> Result<Vec<(OrgId, Presence)>, StoreError> {
    text.split_whitespace()
        .map(|pair| {
            let (org, presence) = pair.split_once('=').ok_or_else(|| corrupt("attendance"))?;
            Ok((
                org.parse()
                    .map_err(|_| corrupt("attendance organization"))?,
                Presence::from_key(presence).ok_or_else(|| corrupt("presence"))?,
            ))
        })
        .collect()
}

fn meeting_from_row(row: &AnyRow) -> Result<Meeting, StoreError> {
    Ok(Meeting {
        id: parse_id(row, "id")?,
        coalition: parse_id(row, "coalition_id")?,
        title: row.try_get("title")?,
        starts_at: Timestamp(row.try_get("starts_at")?),
        ends_at: Timestamp(row.try_get("ends_at")?),
        time_zone: row.try_get("time_zone")?,
        place: row.try_get("place")?,
        online_url: row.try_get("online_url")?,
        agenda: row.try_get("agenda")?,
        group: row
            .try_get::<Option<String>, _>("group_id")?
            .map(|g| g.parse().map_err(|_| corrupt("group")))
            .transpose()?,
        minutes: row.try_get("minutes")?,
        minutes_status: MinutesStatus::from_key(&row.try_get::<String, _>("minutes_status")?)
            .ok_or_else(|| corrupt("minutes status"))?,
        minutes_approved_by: row
            .try_get::<Option<String>, _>("minutes_approved_by")?
            .map(|u| u.parse().map_err(|_| corrupt("approved by")))
            .transpose()?,
        attendance: parse_attendance(&row.try_get::<String, _>("attendance")?)?,
        sequence: row.try_get("sequence")?,
        updated_at: Timestamp(row.try_get("updated_at")?),
        version: row.try_get("version")?,
    })
}

impl Tx {
    /// What each of `orgs` does (the permit's coalition's members): its mandates and the
    /// domains of its active services, by French name.
    pub async fn members_work(
        &mut self,
        permit: &Permit<Workspace>,
        orgs: &[OrgId],
    ) -> Result<Vec<MemberWork>, StoreError> {
        require(permit, &[WorkspaceAction::View])?;
        let ids: Vec<String> = orgs.iter().map(ToString::to_string).collect();
        let mut work: Vec<MemberWork> = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut sql = crate::Sql::new(
                "SELECT id, name_fr, name_en, sector, mandates, mandates_other, sort_key_fr \
                 FROM organizations WHERE id IN (",
            );
            sql.bind_list(chunk.iter().cloned()).push(")");
            for row in sql.query().fetch_all(self.conn()).await? {
                work.push(MemberWork {
                    member: parse_id(&row, "id")?,
                    name: Bilingual::new(row.try_get("name_fr")?, row.try_get("name_en")?),
                    sector: row
                        .try_get::<Option<String>, _>("sector")?
                        .and_then(|s| s.parse().ok()),
                    mandates: row
                        .try_get::<String, _>("mandates")?
                        .split_whitespace()
                        .filter_map(|m| m.parse().ok())
                        .collect(),
                    mandates_other: row.try_get("mandates_other")?,
                    domains: Vec::new(),
                });
            }
            let mut sql = crate::Sql::new(
                "SELECT org_id, domains FROM services WHERE status = 'active' AND org_id IN (",
            );
            sql.bind_list(chunk.iter().cloned()).push(")");
            for row in sql.query().fetch_all(self.conn()).await? {
                let org: OrgId = parse_id(&row, "org_id")?;
                let domains: String = row.try_get("domains")?;
                if let Some(w) = work.iter_mut().find(|w| w.member == org) {
                    // Taxonomy codes share the column; only the vocabulary's keys are domains.
                    w.domains.extend(
                        domains
                            .split_whitespace()
                            .filter_map(|d| d.parse::<ServiceDomain>().ok()),
                    );
                }
            }
        }
        for w in &mut work {
            w.domains.sort();
            w.domains.dedup();
        }
        work.sort_by(|a, b| (&a.name.fr, a.member).cmp(&(&b.name.fr, b.member)));
        Ok(work)
    }

    /// Every membership of the permit's coalition, current and past, by name then date.
    pub async fn memberships(
        &mut self,
        permit: &Permit<Workspace>,
    ) -> Result<Vec<Membership>, StoreError> {
        require(
            permit,
            &[
                WorkspaceAction::View,
                WorkspaceAction::Run,
                WorkspaceAction::ManageMembers,
            ],
        )?;
        let coalition = permit.resource().coalition;
        sqlx::query(
            "SELECT m.id, m.member_id, m.role, m.joined_on, m.left_on, o.name_fr, o.name_en \
             FROM coalition_memberships m JOIN organizations o ON o.id = m.member_id \
             WHERE m.coalition_id = $1 ORDER BY o.sort_key_fr, m.joined_on, m.id",
        )
        .bind(coalition.to_string())
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(|r| {
            Ok(Membership {
                id: parse_id(r, "id")?,
                coalition,
                member: parse_id(r, "member_id")?,
                member_name: Bilingual::new(r.try_get("name_fr")?, r.try_get("name_en")?),
                role: MemberRole::from_key(&r.try_get::<String, _>("role")?)
                    .ok_or_else(|| corrupt("role"))?,
                joined_on: date(r, "joined_on")?.ok_or_else(|| corrupt("joined on"))?,
                left_on: date(r, "left_on")?,
            })
        })
        .collect()
    }

    /// Whether `org` is an organization of the directory.
    pub async fn organization_exists(&mut self, org: OrgId) -> Result<bool, StoreError> {
        Ok(sqlx::query("SELECT 1 FROM organizations WHERE id = $1")
            .bind(org.to_string())
            .fetch_optional(self.conn())
            .await?
            .is_some())
    }

    /// Records a membership (checked by the caller against the others, in this transaction).
    pub async fn add_membership(
        &mut self,
        permit: &Permit<Workspace>,
        new: &NewMembership,
    ) -> Result<MembershipId, StoreError> {
        require(permit, &[WorkspaceAction::ManageMembers])?;
        let id = MembershipId::new();
        sqlx::query(
            "INSERT INTO coalition_memberships (id, coalition_id, member_id, role, joined_on, \
             left_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .bind(new.member.to_string())
        .bind(new.role.key())
        .bind(new.joined_on.to_string())
        .bind(new.left_on.map(|d| d.to_string()))
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        let event = AuditEvent::new("membership.add", "membership", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(id)
    }

    /// Ends a membership on `left_on` (it must not end before it started: checked by the
    /// caller). `false` when there is no such open membership in this coalition.
    pub async fn end_membership(
        &mut self,
        permit: &Permit<Workspace>,
        id: MembershipId,
        left_on: Date,
    ) -> Result<bool, StoreError> {
        require(permit, &[WorkspaceAction::ManageMembers])?;
        let ended = sqlx::query(
            "UPDATE coalition_memberships SET left_on = $3 \
             WHERE id = $1 AND coalition_id = $2 AND left_on IS NULL",
        )
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .bind(left_on.to_string())
        .execute(self.conn())
        .await?
        .rows_affected()
            == 1;
        if ended {
            let event = AuditEvent::new("membership.end", "membership", Outcome::Success)
                .by_maybe(permit.who().audit_actor())
                .target(id);
            self.audit(&event).await?;
        }
        Ok(ended)
    }

    /// The permit's coalition's meetings starting in `[from, to)`, earliest first, with
    /// their attendance.
    pub async fn meetings(
        &mut self,
        permit: &Permit<Workspace>,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Meeting>, StoreError> {
        require(permit, &[WorkspaceAction::View, WorkspaceAction::Subscribe])?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {MEETING_COLUMNS} FROM meetings WHERE coalition_id = $1 \
             AND starts_at >= $2 AND starts_at < $3 ORDER BY starts_at, id"
        )))
        .bind(permit.resource().coalition.to_string())
        .bind(from.0)
        .bind(to.0)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(meeting_from_row).collect()
    }

    /// One meeting of the permit's coalition.
    pub async fn meeting(
        &mut self,
        permit: &Permit<Workspace>,
        id: MeetingId,
    ) -> Result<Option<Meeting>, StoreError> {
        require(
            permit,
            &[
                WorkspaceAction::View,
                WorkspaceAction::Subscribe,
                WorkspaceAction::Run,
            ],
        )?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {MEETING_COLUMNS} FROM meetings WHERE id = $1 AND coalition_id = $2"
        )))
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .fetch_optional(self.conn())
        .await?;
        row.as_ref().map(meeting_from_row).transpose()
    }

    /// Schedules a meeting of the permit's coalition (checked by the caller).
    pub async fn schedule_meeting(
        &mut self,
        permit: &Permit<Workspace>,
        new: &NewMeeting,
        when: Schedule,
    ) -> Result<MeetingId, StoreError> {
        require(permit, &[WorkspaceAction::Run])?;
        let id = MeetingId::new();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO meetings (id, coalition_id, title, starts_at, ends_at, time_zone, place, \
             online_url, agenda, group_id, minutes, minutes_status, minutes_approved_by, attendance, \
             sequence, created_by, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $12, '', 'draft', NULL, '', 0, $10, $11, $11, 1)",
        )
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .bind(new.title.trim().to_owned())
        .bind(when.starts_at.0)
        .bind(when.ends_at.0)
        .bind(new.time_zone.trim().to_owned())
        .bind(new.place.trim().to_owned())
        .bind(new.online_url.trim().to_owned())
        .bind(new.agenda.trim().to_owned())
        .bind(permit.actor().map(|a| a.user_id.to_string()))
        .bind(now)
        .bind(new.group.map(|g| g.to_string()))
        .execute(self.conn())
        .await?;
        let event = AuditEvent::new("meeting.schedule", "meeting", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(id)
    }

    /// Writes the minutes (still a draft), or approves them, from `version`. `false` when
    /// the meeting changed since (or is not this coalition's).
    pub async fn write_minutes(
        &mut self,
        permit: &Permit<Workspace>,
        id: MeetingId,
        version: i64,
        minutes: &str,
        approve: bool,
    ) -> Result<bool, StoreError> {
        require(permit, &[WorkspaceAction::Run])?;
        // The command line (the demo) approves as nobody in particular.
        let approver = if approve {
            permit.actor().map(|a| a.user_id.to_string())
        } else {
            None
        };
        let status = if approve {
            MinutesStatus::Approved
        } else {
            MinutesStatus::Draft
        };
        let changed = sqlx::query(
            "UPDATE meetings SET minutes = $4, minutes_status = $5, minutes_approved_by = $6, \
             updated_at = $7, version = version + 1 \
             WHERE id = $1 AND coalition_id = $2 AND version = $3 AND minutes_status = 'draft'",
        )
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .bind(version)
        .bind(minutes.trim().to_owned())
        .bind(status.key())
        .bind(approver)
        .bind(now_ms())
        .execute(self.conn())
        .await?
        .rows_affected()
            == 1;
        if changed {
            let action = if approve {
                "meeting.minutes_approved"
            } else {
                "meeting.minutes_written"
            };
            let event = AuditEvent::new(action, "meeting", Outcome::Success)
                .by_maybe(permit.who().audit_actor())
                .target(id);
            self.audit(&event).await?;
        }
        Ok(changed)
    }

    /// Replaces the attendance of a meeting, from `version`. `false` when it changed since.
    pub async fn record_attendance(
        &mut self,
        permit: &Permit<Workspace>,
        id: MeetingId,
        version: i64,
        attendance: &[(OrgId, Presence)],
    ) -> Result<bool, StoreError> {
        require(permit, &[WorkspaceAction::Run])?;
        let changed = sqlx::query(
            "UPDATE meetings SET attendance = $4, updated_at = $5, version = version + 1 \
             WHERE id = $1 AND coalition_id = $2 AND version = $3",
        )
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .bind(version)
        .bind(attendance_text(attendance))
        .bind(now_ms())
        .execute(self.conn())
        .await?
        .rows_affected()
            == 1;
        if !changed {
            return Ok(false);
        }
        let event = AuditEvent::new("meeting.attendance", "meeting", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(true)
    }

    /// Gives the permit's person a private feed of the coalition's meetings, revoking any
    /// they had (one live address per person and coalition).
    pub async fn renew_calendar_feed(
        &mut self,
        permit: &Permit<Workspace>,
        token_hash: &str,
    ) -> Result<CalendarFeedId, StoreError> {
        require(permit, &[WorkspaceAction::Subscribe])?;
        let person = user(permit)?.user_id;
        let now = now_ms();
        self.revoke_feeds_of(person, permit.resource().coalition, now)
            .await?;
        let id = CalendarFeedId::new();
        sqlx::query(
            "INSERT INTO calendar_feeds (id, token_hash, user_id, coalition_id, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id.to_string())
        .bind(token_hash.to_owned())
        .bind(person.to_string())
        .bind(permit.resource().coalition.to_string())
        .bind(now)
        .execute(self.conn())
        .await?;
        let event = AuditEvent::new("calendar_feed.create", "calendar_feed", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(id)
    }

    /// Revokes the permit's person's feed of the coalition. `false` when there was none.
    pub async fn revoke_calendar_feed(
        &mut self,
        permit: &Permit<Workspace>,
    ) -> Result<bool, StoreError> {
        require(permit, &[WorkspaceAction::Subscribe])?;
        let person = user(permit)?.user_id;
        let revoked = self
            .revoke_feeds_of(person, permit.resource().coalition, now_ms())
            .await?;
        if revoked {
            let event = AuditEvent::new("calendar_feed.revoke", "calendar_feed", Outcome::Success)
                .by_maybe(permit.who().audit_actor())
                .target(permit.resource().coalition);
            self.audit(&event).await?;
        }
        Ok(revoked)
    }

    async fn revoke_feeds_of(
        &mut self,
        person: UserId,
        coalition: OrgId,
        now: i64,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE calendar_feeds SET revoked_at = $3 \
             WHERE user_id = $1 AND coalition_id = $2 AND revoked_at IS NULL",
        )
        .bind(person.to_string())
        .bind(coalition.to_string())
        .bind(now)
        .execute(self.conn())
        .await?
        .rows_affected()
            > 0)
    }
}
