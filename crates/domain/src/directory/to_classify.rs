//! Services an import could not place in any domain: kept as read, for a coalition
//! administrator to classify, and out of every public view (search, HSDS, matching) until
//! then — the services table keeps its rule that a service has at least one domain.

use crate::service::{NewService, ServiceError};
use crate::{LocationId, OrgId, ServiceDomain, ServiceId, Timestamp};

/// A service as an import read it, waiting for its domains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToClassify {
    /// The id the service will keep (the package's).
    pub id: ServiceId,
    pub org: OrgId,
    /// As read, with no domain.
    pub service: NewService,
    pub locations: Vec<LocationId>,
    /// The domain the service's own words suggest, if any (the import's mapping).
    pub suggested: Option<ServiceDomain>,
    /// Where it came from: the import's source.
    pub source: String,
    /// When it was queued (set by the store).
    pub queued_at: Timestamp,
}

impl ToClassify {
    /// The service with the domains an administrator chose, checked as any service is.
    pub fn classified(&self, domains: &[ServiceDomain]) -> Result<NewService, Vec<ServiceError>> {
        let mut service = self.service.clone();
        service.domains = Vec::new();
        for domain in domains {
            if !service.domains.contains(domain) {
                service.domains.push(*domain);
            }
        }
        service.validate()?;
        Ok(service)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::tests::shelter;

    #[test]
    fn a_service_is_classified_only_with_a_domain() {
        let mut read = shelter();
        read.domains.clear();
        read.terms.clear();
        let item = ToClassify {
            id: ServiceId::default(),
            org: OrgId::default(),
            service: read,
            locations: Vec::new(),
            suggested: None,
            source: "test".into(),
            queued_at: Timestamp::from_millis(0),
        };
        assert_eq!(
            item.classified(&[]).unwrap_err(),
            vec![ServiceError::NoDomain]
        );
        let classified = item
            .classified(&[ServiceDomain::Work, ServiceDomain::Work])
            .expect("valid");
        assert_eq!(classified.domains, [ServiceDomain::Work]);
    }
}
