//! Editing the directory: organizations (coalition admins, an organization's admins) and
//! "Our services" — an organization's list of services with its one-click capacity update,
//! the service form and the site form.

pub(crate) mod location_form;
pub(crate) mod organizations;
pub(crate) mod our_services;
pub(crate) mod service_form;
pub(crate) mod to_classify;

/// A checkbox (or option) of a form's group.
pub(crate) struct Check {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

pub(crate) fn check(value: &str, label: String, checked: bool) -> Check {
    Check {
        value: value.to_owned(),
        label,
        checked,
    }
}
