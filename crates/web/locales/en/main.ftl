## Shell
site-name = Mosaïque
site-tagline = The network of the coalition against human trafficking
skip-to-content = Skip to content
nav-label = Main navigation
nav-home = Home
nav-directory = Directory
nav-api = API
sign-in = Sign in
lang-switch-label = Language
lang-name-fr = Français
lang-name-en = English
footer-about = Mosaïque is free software for coalitions against human trafficking in Canada.
footer-emergency = If you are in immediate danger, call 911.
footer-api = API documentation (OpenAPI)

## Home
home-title = Home
home-intro = Mosaïque brings the coalition’s members together: who does what, where, and for whom. Find an organization, a coalition or a service, in French or in English.
help-now-title = Need help now?
help-now-emergency = Immediate danger: call
help-now-emergency-number = 911
help-now-hotline = Canadian Human Trafficking Hotline, 24 hours a day, 7 days a week, confidential, in more than 200 languages:
help-now-hotline-number = 1-833-900-1010
home-directory-title = The anti-trafficking mosaic
home-directory-text = The directory of organizations and coalitions working against trafficking, from national to local.
home-stats = { $organizations ->
    [one] { $organizations } organization or coalition
   *[other] { $organizations } organizations and coalitions
  } in the directory, including { $coalitions ->
    [one] { $coalitions } coordination body
   *[other] { $coalitions } coordination bodies
  }.
home-directory-link = Browse the directory

## Directory
dir-title = Directory of organizations
dir-intro = Organizations and coalitions of the anti-trafficking mosaic. Filter by province, level of action or sector.
dir-filters = Filters
dir-search-label = Search
dir-search-hint = Name or keyword, in French or in English
dir-province = Province or territory
dir-level = Level of action
dir-sector = Sector
dir-any = All
dir-coalitions-only = Coalitions and coordination bodies only
dir-submit = Filter
dir-reset = Clear filters
dir-results-count = { $count ->
    [one] { $count } organization
   *[other] { $count } organizations
  }
dir-no-results = No organization matches these criteria. Try a broader search.
dir-pagination = Result pages
dir-previous = Previous page
dir-next = Next page
dir-page = Page { $page } of { $pages }
dir-coalition-badge = Coalition
dir-founded = Founded in { $year }
dir-search-degraded = Full-text search is warming up; for now results match names only.

## Organization page
org-details = Details
org-province = Province or territory
org-level = Level of action
org-sector = Sector
org-founded = Year founded
org-kind = Kind
org-kind-coalition = Coalition or coordination body
org-kind-organization = Organization
org-not-given = Not given by the source
org-source = Source
org-updated = Updated on { $date }
org-back = Back to the directory
org-print = Print this page

## Vocabularies
province-AB = Alberta
province-BC = British Columbia
province-MB = Manitoba
province-NB = New Brunswick
province-NL = Newfoundland and Labrador
province-NS = Nova Scotia
province-NT = Northwest Territories
province-NU = Nunavut
province-ON = Ontario
province-PE = Prince Edward Island
province-QC = Quebec
province-SK = Saskatchewan
province-YT = Yukon
level-national = National
level-provincial = Provincial
level-regional = Regional
level-municipal = Municipal
level-local = Local
sector-community = Community
sector-health_social = Health and social services
sector-police = Police
sector-legal = Legal
sector-government = Government
sector-immigration = Immigration
sector-education = Education
sector-faith = Faith-based
sector-other = Other

## Sign-in
sign-out = Sign out
demo-banner = Demo instance: sample data only, never enter a real person here.
login-title = Sign in
login-email = Email address
login-password = Password
login-submit = Sign in
login-help = No account yet? Your organization’s or the coalition’s administrators send you an enrolment link.
login-failed = Wrong email or password.
login-throttled = Too many attempts. Wait a few minutes before trying again.
totp-title = Second factor
totp-intro = Enter the six-digit code from your authenticator app.
totp-code = Verification code
totp-code-hint = Or one of your recovery codes (with the dash).
totp-submit = Verify
totp-failed = This code is not valid or was already used.
totp-setup-title = Turn on the second factor
totp-setup-intro = Your role gives access to personal information: a second factor is required.
totp-setup-scan = Open your authenticator app and scan this QR code.
totp-setup-qr-label = QR code to scan with the authenticator app
totp-setup-manual = Or type this key by hand:
totp-setup-code = Code shown by the app
totp-setup-submit = Turn on
totp-setup-expired = The key being enrolled is no longer valid; here is a new one.
recovery-title = Recovery codes
recovery-intro = Keep these codes somewhere safe. Each works once, if you lose your device. They will not be shown again.
recovery-done = I have saved my codes
enrol-title = Create your password
enrol-intro = Choose a password for your Mosaïque account.
enrol-password = New password
enrol-password-hint = At least 12 characters; a passphrase is ideal.
enrol-confirm = Confirm the password
enrol-submit = Save
enrol-mismatch = The two passwords are not the same.
password-too-short = The password must have at least { $min } characters.
password-too-long = The password must have at most { $max } characters.
password-common = This password is among the most common ones; choose another.
password-contains-identity = The password must not contain your name or email.

## Account
account-title = My account
account-name = Name
account-email = Email
account-role = Role
account-organization = Organization
account-second-factor = Second factor
account-enable-totp = Turn on the second factor
account-sign-out-everywhere = Sign me out everywhere
account-no-organization = Organization not found
account-coalition-staff = Coalition coordination
account-totp-on = On ({ $codes ->
    [one] { $codes } recovery code left
   *[other] { $codes } recovery codes left
  })
account-totp-off = Off
role-coalition_admin = Coalition administration
role-coordinator = Coordination (point of entry)
role-caseworker = Caseworker
role-org_admin = Organization administration
role-police_liaison = Police liaison
role-privacy_officer = Privacy officer
role-analyst = Analyst (aggregate data)

## Error pages
error-not-found-title = Page not found
error-not-found-text = This page does not exist or has moved.
error-bad-request-title = Invalid request
error-bad-request-text = A parameter of the request is not valid: { $detail }
error-unavailable-title = Service temporarily unavailable
error-unavailable-text = The database is not answering. Try again in a moment; if the problem persists, tell the coalition’s administrators.
error-internal-title = Unexpected error
error-internal-text = An unexpected error occurred. Nothing was changed. Try again; if the problem persists, tell the coalition’s administrators.
error-method-not-allowed-title = Action not allowed
error-method-not-allowed-text = This address does not accept this kind of request.
error-unreadable-query = the address’s parameters cannot be read
error-forbidden-title = Access denied
error-conflict-title = Conflicting change
conflict-stale = Someone else just changed this. Reload the page and try again.
conflict-taken = This value is already taken ({ $what }).
conflict-instrument-retired = This version of the tool is retired: no new screening uses it.
conflict-account-disabled = This account is disabled.
error-forbidden-text = Your role does not allow opening this page.
error-cross-site-text = This request came from another site and was refused as a precaution. Go back to Mosaïque and try again.
error-unreadable-form = the submitted form cannot be read
error-home-link = Back to the home page

## API problems (RFC 9457 titles)
problem-not-found = Resource not found
problem-bad-request = Invalid request
problem-method-not-allowed = Method not allowed
problem-unavailable = Service temporarily unavailable
problem-unauthorized = Authentication required
problem-forbidden = Access denied
problem-internal = Internal error
problem-method-detail = Method { $method } is not allowed on this resource.
problem-route-not-found = No API route matches { $path }.
problem-organization-not-found = No organization has the identifier { $id }.

## Administration
nav-admin-users = Accounts
nav-audit = Audit trail
admin-users-title = Staff accounts
admin-users-caption = Accounts you administer
admin-status = Status
admin-actions = Actions
admin-status-disabled = Disabled
admin-status-invited = Invited (enrolment pending)
admin-status-active = Active
admin-status-active-totp = Active, second factor on
admin-reset = Reset link
admin-disable = Disable
admin-reset-for = Create a password reset link for { $name }
admin-disable-for = Disable { $name }’s account
admin-create-title = Invite someone
admin-create-submit = Create the account and its enrolment link
admin-created = Account created for { $email }. Send them this enrolment link through a safe channel:
admin-reset-issued = Reset link created for { $email } (valid for 24 hours):
admin-link-once = This link is shown only once and works only once.
admin-error-email = The email address is not valid.
admin-error-name = Give a name (200 characters at most).
admin-error-role = Choose a role.
admin-error-org = This organization does not exist.
admin-error-needs-org = This role belongs to an organization: choose one.
admin-error-exists = An account already exists for this address.
reset-title = New password
audit-title = Audit trail
audit-intro = Who viewed or changed what, and when. Every look at this trail is itself recorded in it.
audit-caption = Entries, newest first
audit-target = Target
audit-target-hint = For example user:email@example.org or case:identifier.
audit-actor = Person (email)
audit-verify = Verify the chain’s integrity
audit-when = When (UTC)
audit-action = Action
audit-outcome = Outcome
audit-system = System
audit-intact = Chain intact: { $entries } entries, { $checkpoints } signed checkpoints verified.
audit-broken = Chain altered at entry { $seq } ({ $problem }). Tell the privacy officer.
reauth-title = Confirm it is you
reauth-intro = This action is sensitive: confirm it with your second factor (or your password if your role has none). You will not be asked again for ten minutes.
reauth-submit = Confirm
nav-admin-orgs = Organizations
admin-orgs-title = Directory organizations
admin-org-new = Add an organization
admin-org-edit = Edit the organization
admin-org-slug = Identifier
admin-org-slug-hint = Lower-case letters, digits and hyphens (it forms the page’s address); it cannot change afterwards.
admin-org-name-fr = Name in French
admin-org-name-en = Name in English
admin-org-description-fr = Description in French
admin-org-description-en = Description in English
admin-org-source-hint = Where this information comes from (document, website, contact person).
admin-org-save = Save
admin-org-error-slug = The identifier must be 2 to 64 lower-case letters, digits or hyphens.
admin-org-error-taken = Another organization already has this identifier.
admin-org-error-missing = Required field: { $field }.
admin-org-error-too-long = Text too long: { $field }.
admin-org-error-year = The founding year must be a number between 1800 and 2100.
admin-org-error-province = Choose a province or territory from the list.
admin-org-error-level = Choose a level of action from the list.
admin-org-error-sector = Choose a sector from the list.
admin-org-error-value = A chosen value does not exist.

## Screening
nav-screening = Screening
screening-title = Screening for situations of exploitation
screening-intro = Tools that help notice possible exploitation, grounded in Canadian law and published indicator lists. They help offer services; they never conclude.
screening-anonymous-note = This screening is anonymous: it records no name, date of birth or contact details. Do not write anything that could identify the person.
screening-instruments = Tools
screening-start = Start
screening-version = version { $version }
screening-questions-count = { $count ->
    [one] { $count } question
   *[other] { $count } questions
  }
screening-status-pilot = Pilot
screening-in-progress = Interviews in progress
screening-recent = Recent results
screening-none-in-progress = No interview in progress.
screening-none-recent = No results yet.
screening-resume = Resume
screening-discard = Delete this interview
screening-view-result = See the result
screening-updated = Updated { $date }
screening-not-validated = Not a validated tool: no study covers this version, population and language. It is our own adaptation of public sources.
screening-validated = Validated for this version, population and language.
screening-progress = Question { $current } of about { $total }
screening-progress-label = Progress
screening-mode-asked = Ask the person
screening-mode-observed = Your observation (do not read to the person)
screening-answer-yes = Yes
screening-answer-no = No
screening-answer-unknown = Don’t know
screening-answer-declined = Prefers not to answer
screening-answer-not_asked = Not asked
screening-answer-legend = Answer
screening-next = Save and continue
screening-skip = Skip this question
screening-back = Previous question
screening-save-later = Finish later
screening-saved-note = Every answer is saved: you can resume this interview later from the Screening page.
screening-review-title = Review the answers
screening-review-text = Every question has been seen. Check the answers, then show the result. After that, the answers can no longer be changed.
screening-edit = Change
screening-finish = Show the result
screening-result-title = Screening result
screening-safety-alert = Safety alert: immediate risk reported.
screening-safety-alert-action = Go to immediate safety first: safety plan, 911 if the person wishes, the hotline, emergency shelter.
screening-band-label = Level of concern: { $band } of 3
screening-band-0 = No indicators noted with this tool. This does not rule out exploitation.
screening-band-1 = Vulnerability factors only.
screening-band-2 = Possible indicators of exploitation; a fuller assessment is recommended.
screening-band-3 = Several strong indicators across dimensions; priority referral to specialised services.
screening-action-0 = Give information, including the hotline; screen again if the situation changes.
screening-action-1 = Offer prevention and support services.
screening-action-2 = With the person’s consent, offer a referral to a specialised assessment.
screening-action-3 = Refer the same day; review the safety plan.
screening-next-step = Next step:
screening-start-named = Start: { $title }
screening-edit-named = Change the answer: { $question }
screening-indicators-noted = Indicators noted
screening-no-indicators = No indicators noted.
screening-safety-trigger = safety trigger
screening-elements-title = Legal elements and the answers that support them
screening-elements-intro = This table shows which answers support each element. It is not a legal conclusion.
screening-element = Element
screening-element-status = Finding
screening-domains-title = Services to offer
screening-domains-consent = Every referral needs the person’s consent, unless the law requires otherwise (youth protection, for example).
screening-no-domains = No particular domain: give general information and the hotline.
screening-see-services = See matching services
screening-possibly-minor = The person may be a minor: youth protection is always among the services offered.
screening-completeness = { $unanswered ->
    [0] Every question shown has an answer ({ $shown }).
    [one] { $unanswered } of { $shown } questions unanswered.
   *[other] { $unanswered } of { $shown } questions unanswered.
  }
screening-not-proof = A positive result does not prove that human trafficking or any crime took place. A negative result does not rule it out.
screening-who-decides = The courts decide whether a crime was committed; police and Crown prosecutors decide on investigations and charges; IRCC decides on temporary resident permits; the DPJ (youth protection) decides on youth protection; the person decides whether to contact police and which services to accept.
screening-footer = This result supports referral only. It is not a diagnosis, a legal determination or evidence.
screening-instrument-line = Tool: { $title }, version { $version }.
screening-engine-line = Rules engine { $engine }; tool fingerprint { $hash }.
screening-print = Print
screening-back-to-list = Back to screening
screening-hotline = Canadian Human Trafficking Hotline: 1-833-900-1010, 24 hours a day.
screening-error-answer = Choose one of the answers offered.
screening-error-closed = This interview is complete or no longer exists.
screening-error-instrument = This tool is not available.
screening-not-complete = This interview is not complete.
framework-criminal_code = Criminal Code, s. 279.01 and 279.04
framework-criminal_code_minors = Criminal Code, s. 279.011 (person under 18)
framework-documents_279_03 = Criminal Code, s. 279.03 (documents)
framework-irpa_118 = Immigration and Refugee Protection Act, s. 118
framework-palermo = Palermo Protocol, art. 3
element-criminal_code-act = Act: recruiting, transporting, harbouring, or controlling, directing or influencing movements
element-criminal_code-safety_fear = Fear for own or someone’s safety if they refused (s. 279.04(1))
element-criminal_code-force_or_coercion = Factor: force, threat or other coercion
element-criminal_code-deception = Factor: deception
element-criminal_code-abuse_of_position = Factor: abuse of a position of trust, power or authority
element-criminal_code_minors-minor = Person under 18
element-criminal_code_minors-act = Act (as in s. 279.01)
element-criminal_code_minors-safety_fear = Fear for own or someone’s safety if they refused
element-documents_279_03-documents = Travel or identity documents concealed, removed, withheld or destroyed
element-irpa_118-coming_into_canada = Coming into Canada organized by someone
element-irpa_118-means = Abduction, fraud, deception, force or coercion
element-palermo-act = Act
element-palermo-means = Means
element-palermo-purpose = Purpose of exploitation
element-status-supported = Supported by answers
element-status-unknown = Unknown: answers missing
element-status-not_noted = Nothing noted
element-status-not_applicable = Does not apply: the person is an adult
element-status-not_required = Not required for a minor
domain-immediate_safety = Immediate safety
domain-housing_short_term = Short-term housing
domain-housing_long_term = Long-term housing
domain-health = Health
domain-material_needs = Material needs
domain-psychological_support = Psychological support
domain-youth_protection = Youth protection
domain-immigration = Immigration
domain-work = Work
domain-legal_aid = Legal aid
domain-spiritual_support = Spiritual support
domain-education = Education
problem-unprocessable = Invalid content
problem-conflict = Conflict
problem-instrument-not-found = No tool “{ $key }” in version { $version }.
problem-instrument-retired = Tool “{ $key }” version { $version } is retired: use the newest version.
problem-case-not-found = No case “{ $id }”.
problem-screening-answers = Invalid answers: { $detail }
problem-answer-unknown-question = “{ $question }” is not a question of this tool
problem-answer-bad-value = “{ $question }” cannot be “{ $value }”
problem-unreadable-json = The request body is not valid JSON of the expected shape: { $detail }

## Services
nav-services = Services
svc-title = Find a service
svc-intro = The services of the coalition’s organizations: immediate safety, housing, health, immigration, work, legal aid and more. Shelter addresses are never published.
svc-search-label = Search
svc-search-hint = For example: women shelter, legal clinic, listening line. Accents and one typo are forgiven.
svc-domains = Domains
svc-near = Near
svc-near-hint = A town, a postal code or “latitude, longitude”.
svc-near-found = Distances from { $place }.
svc-radius = Maximum distance
svc-radius-km = { $km } km
svc-gender = Gender
svc-gender-all = Anyone
svc-gender-women = Women
svc-gender-men = Men
svc-gender-gender_diverse = Trans and non-binary people
svc-age = Person’s age
svc-languages = Languages
svc-language-fr = French
svc-language-en = English
svc-language-es = Spanish
svc-language-ar = Arabic
svc-language-zh = Chinese
svc-language-pt = Portuguese
svc-language-ru = Russian
svc-language-uk = Ukrainian
svc-language-tl = Tagalog
svc-language-ht = Haitian Creole
svc-language-fa = Persian
svc-language-vi = Vietnamese
svc-sort = Sort by
svc-sort-relevance = Relevance
svc-sort-distance = Distance
svc-sort-name = Name
svc-conditions = Who is accepted
svc-flag-open_now = Open now
svc-flag-always_open = Open 24 hours, 7 days
svc-flag-substance_use = Accepts people who use substances
svc-flag-any_status = Regardless of immigration status
svc-flag-minors = Accepts minors
svc-flag-dedicated = Dedicated to human trafficking
svc-results-count = { $count ->
    [one] { $count } service
   *[other] { $count } services
  }
svc-no-results = No service matches. Try fewer filters or a larger distance.
svc-phone = Phone
svc-phone-label = Phone:
svc-email = Email
svc-website = Website
svc-why = Why this result
svc-distance = { $km } km away
svc-always-open = Open 24/7
svc-open-now = Open now
svc-closed-now = Closed right now
svc-dedicated = Trafficking-dedicated
svc-referral-only = By referral only
capacity-updated-now = updated less than an hour ago
capacity-updated-hours = { $hours ->
    [one] updated { $hours } hour ago
   *[other] updated { $hours } hours ago
  }
capacity-updated-days = { $days ->
    [one] updated { $days } day ago
   *[other] updated { $days } days ago
  }
capacity-available = { $unit ->
    [beds] { $count ->
        [one] { $count } bed available
       *[other] { $count } beds available
      }
    [places] { $count ->
        [one] { $count } place available
       *[other] { $count } places available
      }
   *[appointments] { $count ->
        [one] { $count } appointment available
       *[other] { $count } appointments available
      }
  } ({ $ago })
capacity-stale = confirm by phone
why-word-name = “{ $word }” in the name
why-word-text = “{ $word }” in the description or categories
why-domain = Domain: { $domain }
why-open-now = Open now
why-always-open = Open around the clock
why-substance-use = Accepts people who use substances
why-any-status = Regardless of immigration status
why-minors = Accepts minors
why-dedicated = Dedicated to human trafficking
why-language = Offered in { $language }
why-distance = { $km } km away
why-serves = Serves { $place }
error-bad-params = Invalid parameters: { $params }
problem-service-not-found = No service has the id { $id }.
svc-back = Back to services
svc-contact = Contact
svc-who = Who it is for
svc-hours = Opening hours
svc-locations = Where
svc-no-location = Given by phone or online.
svc-confidential-shown = Confidential address: share it only with people who need it. This reading is logged.
svc-confidential-hidden = Confidential address, given by phone.
svc-needs-review = due for review (over 180 days)
svc-reviewed = Information checked on { $date }
svc-yes = Yes
svc-no = No
svc-terms = Categories
svc-ages = Ages
svc-ages-range = { $min } to { $max }
svc-ages-from = { $min } and over
svc-ages-to = up to { $max }
svc-ages-any = all ages
svc-cost = Cost
svc-cost-free = Free
svc-cost-sliding_scale = Sliding scale
svc-cost-fee = Fee
svc-access = Access
svc-access-self_referral = People may contact the service directly
svc-access-referral_only = By a worker’s referral only
svc-wait = Typical wait
svc-wait-days = { $days ->
    [0] none
    [one] { $days } day
   *[other] { $days } days
  }
svc-status-active = Active
svc-status-temporarily_closed = Temporarily closed
svc-status-inactive = Inactive service
day-mon = Monday
day-tue = Tuesday
day-wed = Wednesday
day-thu = Thursday
day-fri = Friday
day-sat = Saturday
day-sun = Sunday
adm-svc-title = Our services
adm-svc-new = Add a service
adm-svc-edit = Edit the service
adm-svc-none = No services yet.
adm-svc-due = { $count ->
    [one] { $count } service has not been reviewed for over 180 days: check it, then click “Mark as checked”.
   *[other] { $count } services have not been reviewed for over 180 days: check them, then click “Mark as checked”.
  }
adm-svc-find = Find a service by its name
adm-svc-due-only = Only those due for review
adm-svc-filter = Show
adm-svc-count = { $count ->
    [0] No service matches.
    [one] One service
   *[other] { $count } services
}
adm-svc-saved = Places updated: { $name }.
adm-svc-available = Available tonight
adm-svc-total = In all
adm-svc-unit = Unit
adm-svc-unit-beds = beds
adm-svc-unit-places = places
adm-svc-unit-appointments = appointments
adm-svc-capacity-save = Update
adm-svc-capacity-bad = Enter how many places are available (0 or more).
adm-svc-capacity-over = The number available is above the total.
adm-svc-mark-reviewed = Mark as checked
adm-svc-name-fr = Name (French)
adm-svc-name-en = Name (English)
adm-svc-description-fr = Description (French)
adm-svc-description-en = Description (English)
adm-svc-phone = Phone
adm-svc-email = Email
adm-svc-website = Website
adm-svc-status = Status
adm-svc-age-min = Minimum age
adm-svc-age-max = Maximum age
adm-svc-languages-hint = Two-letter language codes, separated by spaces: fr en es.
adm-svc-time-zone = Time zone
adm-svc-hours-row = Time slot { $n }
adm-svc-opens = Opens at
adm-svc-closes = Closes at
adm-svc-wait = Typical wait (days)
adm-svc-areas = Area served
adm-svc-provinces = Provinces and territories
adm-svc-regions = Québec administrative regions
adm-svc-municipalities = Municipalities (comma-separated)
adm-svc-save = Save
adm-svc-cancel = Cancel
adm-svc-error-missing = { $field } is required.
adm-svc-error-too-long = { $field } is longer than { $max } characters.
adm-svc-error-domain = Choose at least one domain.
adm-svc-error-term = Each category must belong to a checked domain.
adm-svc-error-language = “{ $code }” is not a two-letter language code.
adm-svc-error-age = Check the ages: the minimum is not above the maximum, and an age under 18 needs minors to be accepted.
adm-svc-error-wait = The wait is a number of days.
adm-svc-error-hours = Check the hours: each slot has at least one day and times as HH:MM.
adm-svc-error-area = “{ $code }” is not a known area.
adm-svc-error-choice = One of the values chosen is not valid.
adm-svc-error-location = One of the locations chosen does not belong to the organization.
adm-loc-new = Add a location
adm-loc-none = No location: add one to place the services.
adm-loc-confidential = confidential address
adm-loc-name-fr = Location name (French)
adm-loc-name-en = Location name (English)
adm-loc-address = Address
adm-loc-city = Municipality
adm-loc-postal-code = Postal code
adm-loc-latitude = Latitude
adm-loc-longitude = Longitude
adm-loc-confidential-label = Confidential address (shelter)
adm-loc-confidential-hint = The address and coordinates will be shown only to the organization’s staff and the coalition’s coordination team; the public will see only the municipality and region.
adm-loc-error-province = Choose a province or territory.
adm-loc-error-point = Latitude and longitude: two valid numbers, or neither.
adm-loc-error-city = “{ $city }” is not a known municipality of this province.
org-our-services = Manage our services
org-services = Services offered
# HSDS: phrases published for plain-HSDS consumers
hsds-redacted-region = Confidential location, region: { $region }
hsds-redacted-province = Confidential location, province: { $province }
hsds-gender-all = All gender identities
hsds-gender-women = Women
hsds-gender-men = Men
hsds-gender-gender_diverse = Trans and non-binary people
hsds-age-range = Ages { $min } to { $max }
hsds-age-min = Ages { $min } and up
hsds-age-max = Up to age { $max }
hsds-minors = Accepts minors
hsds-substance-use = Accepts people who use substances
hsds-any-status = Regardless of immigration status
hsds-dedicated = Dedicated to people affected by trafficking
hsds-access-self_referral = People may contact the service directly.
hsds-access-referral_only = By referral from an organization only.
hsds-cost-free = Free
hsds-cost-sliding_scale = Sliding scale
hsds-cost-fee = Fee
hsds-unit-beds = Beds
hsds-unit-places = Spaces
hsds-unit-appointments = Appointments
# HSDS import: what is wrong with a file
hsds-read-not-utf8 = the file is not UTF-8 (byte { $offset }).
hsds-read-windows-1252 = the file looks saved as Windows-1252 (byte { $offset }): save it as UTF-8.
hsds-read-bad-json = invalid JSON ({ $detail }).
hsds-read-bad-csv = invalid CSV ({ $detail }).
hsds-read-shape = expected { $expected }.
hsds-read-missing = { $field } is missing.
hsds-read-bad-id = { $field }: “{ $value }” is not a UUID.
hsds-read-bad-value = { $field }: the value “{ $value }” is not allowed.
hsds-read-too-long = { $field } is longer than { $max } characters.
hsds-read-duplicate = id { $id } is used twice (first at { $first }).
hsds-read-dangling = { $field } { $id } refers to nothing in the package.
hsds-read-no-domain = no Mosaïque domain: give mosaique_domains or an attribute with a term of our taxonomy.
hsds-read-invalid = rejected: { $detail }
hsds-read-empty = no file of the package was found (organizations.json, organizations.csv…).
# Organization details: constitution, mandates, contacts, areas served
org-formal = Constitution
org-formal-true = Formal organization
org-formal-false = Informal group
org-mandates = Mandates
org-areas = Area served
org-contacts = How to reach them
org-website = Website
org-email = E-mail
org-phone = Phone
admin-org-mandates-other = Other mandates (in your own words)
admin-org-error-email = The e-mail address is not valid.
admin-org-error-website = The website address is not valid.
admin-org-error-area = “{ $area }” is not a known municipality.
mandate-direct_services = Direct services
mandate-case_management = Direct accompaniment (case management)
mandate-referrals = Referrals to services
mandate-service_coordination = Service coordination
mandate-emergency_assistance = Emergency financial assistance
mandate-awareness = Awareness
mandate-training = Training
mandate-intervention_tools = Intervention tools
mandate-networking = Networking and information exchange
mandate-advice = Advice and information
mandate-advocacy = Advocacy
mandate-research = Research
mandate-prevention = Prevention
mandate-protection = Protection
mandate-prosecution = Prosecution
mandate-partnership = Partnership
adm-loc-edit = Edit the location
