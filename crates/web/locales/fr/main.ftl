## Shell
site-name = Mosaïque
site-tagline = Le réseau de la coalition contre la traite des personnes
skip-to-content = Aller au contenu
nav-label = Navigation principale
nav-home = Accueil
nav-directory = Répertoire
nav-api = API
sign-in = Se connecter
lang-switch-label = Langue
lang-name-fr = Français
lang-name-en = English
footer-about = Mosaïque est un logiciel libre pour les coalitions contre la traite des personnes au Canada.
footer-emergency = En cas de danger immédiat, composez le 911.
footer-api = Documentation de l’API (OpenAPI)

## Home
home-title = Accueil
home-intro = Mosaïque réunit les membres de la coalition : qui fait quoi, où, pour qui. Trouvez un organisme, une coalition ou un service, en français ou en anglais.
help-now-title = Besoin d’aide maintenant ?
help-now-emergency = Danger immédiat : appelez le
help-now-emergency-number = 911
help-now-hotline = Ligne d’urgence canadienne contre la traite des personnes, 24 h sur 24, 7 jours sur 7, confidentielle, dans plus de 200 langues :
help-now-hotline-number = 1-833-900-1010
home-directory-title = La mosaïque anti-traite
home-directory-text = Le répertoire des organismes et des coalitions qui agissent contre la traite, du national au local.
home-stats = { $organizations ->
    [one] { $organizations } organisme ou coalition
   *[other] { $organizations } organismes et coalitions
  } au répertoire, dont { $coalitions ->
    [one] { $coalitions } instance de concertation
   *[other] { $coalitions } instances de concertation
  }.
home-directory-link = Parcourir le répertoire

## Directory
dir-title = Répertoire des organismes
dir-intro = Organismes et coalitions membres de la mosaïque anti-traite. Filtrez par province, niveau d’action ou secteur.
dir-filters = Filtres
dir-search-label = Rechercher
dir-search-hint = Nom ou mot-clé, en français ou en anglais
dir-province = Province ou territoire
dir-level = Niveau d’action
dir-sector = Secteur
dir-any = Tous
dir-coalitions-only = Coalitions et instances de concertation seulement
dir-submit = Filtrer
dir-reset = Effacer les filtres
dir-results-count = { $count ->
    [one] { $count } organisme
   *[other] { $count } organismes
  }
dir-no-results = Aucun organisme ne correspond à ces critères. Essayez d’élargir la recherche.
dir-pagination = Pages de résultats
dir-previous = Page précédente
dir-next = Page suivante
dir-page = Page { $page } sur { $pages }
dir-coalition-badge = Coalition
dir-founded = Fondation : { $year }
dir-search-degraded = La recherche plein texte se prépare ; les résultats portent pour l’instant sur les noms seulement.

## Organization page
org-details = Renseignements
org-province = Province ou territoire
org-level = Niveau d’action
org-sector = Secteur
org-founded = Année de fondation
org-kind = Type
org-kind-coalition = Coalition ou instance de concertation
org-kind-organization = Organisme
org-not-given = Non précisé par la source
org-source = Source
org-updated = Mis à jour le { $date }
org-back = Retour au répertoire
org-print = Imprimer cette page

## Vocabularies
province-AB = Alberta
province-BC = Colombie-Britannique
province-MB = Manitoba
province-NB = Nouveau-Brunswick
province-NL = Terre-Neuve-et-Labrador
province-NS = Nouvelle-Écosse
province-NT = Territoires du Nord-Ouest
province-NU = Nunavut
province-ON = Ontario
province-PE = Île-du-Prince-Édouard
province-QC = Québec
province-SK = Saskatchewan
province-YT = Yukon
level-national = National
level-provincial = Provincial
level-regional = Régional
level-municipal = Municipal
level-local = Local
sector-community = Communautaire
sector-health_social = Santé et services sociaux
sector-police = Police
sector-legal = Juridique
sector-government = Gouvernement
sector-immigration = Immigration
sector-education = Éducation
sector-faith = Confessionnel
sector-other = Autre

## Sign-in
sign-out = Se déconnecter
demo-banner = Instance de démonstration : données d’exemple seulement, n’y inscrivez jamais une vraie personne.
login-title = Connexion
login-email = Adresse courriel
login-password = Mot de passe
login-submit = Se connecter
login-help = Pas encore de compte ? L’administration de votre organisme ou de la coalition vous envoie un lien d’inscription.
login-failed = Courriel ou mot de passe incorrect.
login-throttled = Trop de tentatives. Attendez quelques minutes avant de réessayer.
totp-title = Deuxième facteur
totp-intro = Entrez le code à six chiffres de votre application d’authentification.
totp-code = Code de vérification
totp-code-hint = Ou l’un de vos codes de récupération (avec le tiret).
totp-submit = Valider
totp-failed = Ce code n’est pas valide ou a déjà servi.
totp-setup-title = Activer le deuxième facteur
totp-setup-intro = Votre rôle donne accès à des renseignements personnels : un deuxième facteur est obligatoire.
totp-setup-scan = Ouvrez votre application d’authentification et balayez ce code QR.
totp-setup-qr-label = Code QR à balayer avec l’application d’authentification
totp-setup-manual = Ou entrez cette clé à la main :
totp-setup-code = Code affiché par l’application
totp-setup-submit = Activer
totp-setup-expired = La clé en cours d’inscription n’est plus valide ; en voici une nouvelle.
recovery-title = Codes de récupération
recovery-intro = Conservez ces codes en lieu sûr. Chacun ne sert qu’une fois, si vous perdez votre appareil. Ils ne seront plus affichés.
recovery-done = J’ai conservé mes codes
enrol-title = Créer votre mot de passe
enrol-intro = Choisissez un mot de passe pour votre compte Mosaïque.
enrol-password = Nouveau mot de passe
enrol-password-hint = Au moins 12 caractères ; une phrase de passe est idéale.
enrol-confirm = Confirmez le mot de passe
enrol-submit = Enregistrer
enrol-mismatch = Les deux mots de passe ne sont pas identiques.
password-too-short = Le mot de passe doit compter au moins { $min } caractères.
password-too-long = Le mot de passe doit compter au plus { $max } caractères.
password-common = Ce mot de passe figure parmi les plus courants ; choisissez-en un autre.
password-contains-identity = Le mot de passe ne doit pas contenir votre nom ni votre courriel.

## Account
account-title = Mon compte
account-name = Nom
account-email = Courriel
account-role = Rôle
account-organization = Organisme
account-second-factor = Deuxième facteur
account-enable-totp = Activer le deuxième facteur
account-sign-out-everywhere = Me déconnecter partout
account-no-organization = Organisme introuvable
account-coalition-staff = Coordination de la coalition
account-totp-on = Activé ({ $codes ->
    [one] { $codes } code de récupération restant
   *[other] { $codes } codes de récupération restants
  })
account-totp-off = Non activé
role-coalition_admin = Administration de la coalition
role-coordinator = Coordination (point d’entrée)
role-caseworker = Intervenant·e
role-org_admin = Administration d’organisme
role-police_liaison = Agent·e de liaison policière
role-privacy_officer = Responsable de la protection des renseignements personnels
role-analyst = Analyste (données agrégées)

## Error pages
error-not-found-title = Page introuvable
error-not-found-text = Cette page n’existe pas ou a été déplacée.
error-bad-request-title = Demande invalide
error-bad-request-text = Un paramètre de la demande n’est pas valide : { $detail }
error-unavailable-title = Service momentanément indisponible
error-unavailable-text = La base de données ne répond pas. Réessayez dans un instant ; si le problème persiste, prévenez l’administration de la coalition.
error-internal-title = Erreur inattendue
error-internal-text = Une erreur inattendue s’est produite. Rien n’a été modifié. Réessayez ; si le problème persiste, prévenez l’administration de la coalition.
error-method-not-allowed-title = Action non permise
error-method-not-allowed-text = Cette adresse n’accepte pas ce type de demande.
error-unreadable-query = les paramètres de l’adresse ne peuvent pas être lus
error-forbidden-title = Accès refusé
error-conflict-title = Modification en conflit
conflict-stale = Quelqu’un d’autre vient de modifier cet élément. Rechargez la page et recommencez.
conflict-taken = Cette valeur est déjà prise ({ $what }).
conflict-instrument-retired = Cette version de l’outil est retirée : aucun nouveau repérage ne l’utilise.
conflict-account-disabled = Ce compte est désactivé.
error-forbidden-text = Votre rôle ne permet pas d’ouvrir cette page.
error-cross-site-text = Cette demande provient d’un autre site et a été refusée par précaution. Revenez à Mosaïque et recommencez.
error-unreadable-form = le formulaire envoyé ne peut pas être lu
error-home-link = Retour à l’accueil

## API problems (RFC 9457 titles)
problem-not-found = Ressource introuvable
problem-bad-request = Requête invalide
problem-method-not-allowed = Méthode non permise
problem-unavailable = Service momentanément indisponible
problem-unauthorized = Authentification requise
problem-forbidden = Accès refusé
problem-internal = Erreur interne
problem-method-detail = La méthode { $method } n’est pas permise sur cette ressource.
problem-route-not-found = Aucune route de l’API ne correspond à { $path }.
problem-organization-not-found = Aucun organisme ne porte l’identifiant { $id }.

## Administration
nav-admin-users = Comptes
nav-audit = Journal d’audit
admin-users-title = Comptes du personnel
admin-users-caption = Comptes que vous administrez
admin-status = État
admin-actions = Actions
admin-status-disabled = Désactivé
admin-status-invited = Invité (inscription en attente)
admin-status-active = Actif
admin-status-active-totp = Actif, deuxième facteur activé
admin-reset = Lien de réinitialisation
admin-disable = Désactiver
admin-reset-for = Créer un lien de réinitialisation du mot de passe pour { $name }
admin-disable-for = Désactiver le compte de { $name }
admin-create-title = Inviter une personne
admin-create-submit = Créer le compte et le lien d’inscription
admin-created = Compte créé pour { $email }. Transmettez-lui ce lien d’inscription par un canal sûr :
admin-reset-issued = Lien de réinitialisation créé pour { $email } (valable 24 heures) :
admin-link-once = Ce lien n’est affiché qu’une fois et ne sert qu’une fois.
admin-error-email = L’adresse courriel n’est pas valide.
admin-error-name = Indiquez un nom (200 caractères au plus).
admin-error-role = Choisissez un rôle.
admin-error-org = Cet organisme n’existe pas.
admin-error-needs-org = Ce rôle appartient à un organisme : choisissez-en un.
admin-error-exists = Un compte existe déjà pour cette adresse.
reset-title = Nouveau mot de passe
audit-title = Journal d’audit
audit-intro = Qui a consulté ou modifié quoi, et quand. Chaque consultation de ce journal y est elle-même inscrite.
audit-caption = Entrées, les plus récentes d’abord
audit-target = Cible
audit-target-hint = Par exemple user:courriel@exemple.org ou case:identifiant.
audit-actor = Personne (courriel)
audit-verify = Vérifier l’intégrité de la chaîne
audit-when = Quand (UTC)
audit-action = Action
audit-outcome = Résultat
audit-system = Système
audit-intact = Chaîne intacte : { $entries } entrées, { $checkpoints } points de contrôle signés vérifiés.
audit-broken = Chaîne altérée à l’entrée { $seq } ({ $problem }). Prévenez la personne responsable de la protection des renseignements personnels.
reauth-title = Confirmer votre identité
reauth-intro = Cette action est sensible : confirmez-la avec votre deuxième facteur (ou votre mot de passe si votre rôle n’en a pas). Vous n’aurez pas à le refaire pendant dix minutes.
reauth-submit = Confirmer
nav-admin-orgs = Organismes
admin-orgs-title = Organismes du répertoire
admin-org-new = Ajouter un organisme
admin-org-edit = Modifier l’organisme
admin-org-slug = Identifiant
admin-org-slug-hint = Lettres minuscules, chiffres et traits d’union (il forme l’adresse de la page) ; il ne change plus ensuite.
admin-org-name-fr = Nom en français
admin-org-name-en = Nom en anglais
admin-org-description-fr = Description en français
admin-org-description-en = Description en anglais
admin-org-source-hint = D’où viennent ces renseignements (document, site, personne-ressource).
admin-org-save = Enregistrer
admin-org-error-slug = L’identifiant doit compter de 2 à 64 lettres minuscules, chiffres ou traits d’union.
admin-org-error-taken = Cet identifiant est déjà pris par un autre organisme.
admin-org-error-missing = Champ obligatoire : { $field }.
admin-org-error-too-long = Texte trop long : { $field }.
admin-org-error-year = L’année de fondation doit être un nombre entre 1800 et 2100.
admin-org-error-province = Choisissez une province ou un territoire de la liste.
admin-org-error-level = Choisissez un niveau d’action de la liste.
admin-org-error-sector = Choisissez un secteur de la liste.
admin-org-error-value = Une valeur choisie n’existe pas.

## Screening
nav-screening = Repérage
screening-title = Repérage de situations d’exploitation
screening-intro = Des outils d’aide au repérage, fondés sur le droit canadien et des listes d’indicateurs publiées. Ils servent à proposer des services, jamais à conclure.
screening-anonymous-note = Ce repérage est anonyme : il n’enregistre ni nom, ni date de naissance, ni coordonnées. N’inscrivez rien qui permettrait de reconnaître la personne.
screening-instruments = Outils
screening-start = Commencer
screening-version = version { $version }
screening-questions-count = { $count ->
    [one] { $count } question
   *[other] { $count } questions
  }
screening-status-pilot = En essai
screening-in-progress = Entrevues en cours
screening-recent = Résultats récents
screening-none-in-progress = Aucune entrevue en cours.
screening-none-recent = Aucun résultat pour l’instant.
screening-resume = Reprendre
screening-discard = Supprimer cette entrevue
screening-view-result = Voir le résultat
screening-updated = Modifiée le { $date }
screening-not-validated = Outil non validé : aucune étude ne couvre cette version, cette population et cette langue. Il s’agit de notre propre adaptation de sources publiques.
screening-validated = Outil validé pour cette version, cette population et cette langue.
screening-progress = Question { $current } sur environ { $total }
screening-progress-label = Progression
screening-mode-asked = Question à poser à la personne
screening-mode-observed = Votre observation (ne pas lire à la personne)
screening-answer-yes = Oui
screening-answer-no = Non
screening-answer-unknown = Ne sait pas
screening-answer-declined = Préfère ne pas répondre
screening-answer-not_asked = Question non posée
screening-answer-legend = Réponse
screening-next = Enregistrer et continuer
screening-skip = Passer cette question
screening-back = Question précédente
screening-save-later = Finir plus tard
screening-saved-note = Chaque réponse est enregistrée : vous pouvez reprendre cette entrevue plus tard depuis la page Repérage.
screening-review-title = Vérifier les réponses
screening-review-text = Toutes les questions ont été vues. Vérifiez les réponses, puis affichez le résultat. Après, les réponses ne peuvent plus être modifiées.
screening-edit = Modifier
screening-finish = Afficher le résultat
screening-result-title = Résultat du repérage
screening-safety-alert = Alerte sécurité : risque immédiat signalé.
screening-safety-alert-action = Passez d’abord par la sécurité immédiate : plan de sécurité, 911 si la personne le souhaite, ligne d’urgence, hébergement d’urgence.
screening-band-label = Niveau de préoccupation : { $band } sur 3
screening-band-0 = Aucun indicateur relevé avec cet outil, ce qui n’exclut pas une situation d’exploitation.
screening-band-1 = Facteurs de vulnérabilité seulement.
screening-band-2 = Indicateurs possibles d’exploitation; une évaluation approfondie est recommandée.
screening-band-3 = Plusieurs indicateurs forts dans plusieurs dimensions; orientation prioritaire vers des services spécialisés.
screening-action-0 = Donnez de l’information, dont la ligne d’urgence; refaites le repérage si la situation change.
screening-action-1 = Proposez des services de prévention et de soutien.
screening-action-2 = Proposez, avec le consentement de la personne, une orientation vers une évaluation spécialisée.
screening-action-3 = Orientation le jour même; revoyez le plan de sécurité.
screening-next-step = Prochaine étape :
screening-start-named = Commencer : { $title }
screening-edit-named = Modifier la réponse : { $question }
screening-indicators-noted = Indicateurs relevés
screening-no-indicators = Aucun indicateur relevé.
screening-safety-trigger = déclencheur d’alerte
screening-elements-title = Éléments juridiques et réponses qui les appuient
screening-elements-intro = Ce tableau montre quelles réponses appuient chaque élément. Ce n’est pas une conclusion juridique.
screening-element = Élément
screening-element-status = Constat
screening-domains-title = Services à proposer
screening-domains-consent = Chaque orientation demande le consentement de la personne, sauf obligation légale (par exemple, la protection de la jeunesse).
screening-no-domains = Aucun domaine particulier : donnez l’information générale et la ligne d’urgence.
screening-see-services = Voir les services correspondants
screening-possibly-minor = La personne est peut-être mineure : la protection de la jeunesse fait toujours partie des services proposés.
screening-completeness = { $unanswered ->
    [0] Toutes les questions affichées ont une réponse ({ $shown }).
    [one] { $unanswered } question sans réponse sur { $shown }.
   *[other] { $unanswered } questions sans réponse sur { $shown }.
  }
screening-not-proof = Un résultat positif ne prouve pas qu’il y a eu traite de personnes ou un crime. Un résultat négatif ne l’exclut pas.
screening-who-decides = Les tribunaux décident s’il y a eu un crime; la police et les procureur·e·s décident des enquêtes et des accusations; IRCC décide des permis de séjour temporaire; la DPJ décide en matière de protection de la jeunesse; la personne décide si elle contacte la police et quels services elle accepte.
screening-footer = Ce résultat sert uniquement à l’orientation. Il ne constitue ni un diagnostic, ni une détermination juridique, ni une preuve.
screening-instrument-line = Outil : { $title }, version { $version }.
screening-engine-line = Moteur de règles { $engine }; empreinte de l’outil { $hash }.
screening-print = Imprimer
screening-back-to-list = Retour au repérage
screening-hotline = Ligne d’urgence canadienne contre la traite des personnes : 1-833-900-1010, 24 h sur 24.
screening-error-answer = Choisissez une des réponses proposées.
screening-error-closed = Cette entrevue est terminée ou n’existe plus.
screening-error-instrument = Cet outil n’est pas offert.
screening-not-complete = Cette entrevue n’est pas terminée.
framework-criminal_code = Code criminel, art. 279.01 et 279.04
framework-criminal_code_minors = Code criminel, art. 279.011 (personne de moins de 18 ans)
framework-documents_279_03 = Code criminel, art. 279.03 (documents)
framework-irpa_118 = Loi sur l’immigration et la protection des réfugiés, art. 118
framework-palermo = Protocole de Palerme, art. 3
element-criminal_code-act = Acte : recruter, transporter, héberger, ou contrôler, diriger ou influencer les déplacements
element-criminal_code-safety_fear = Crainte pour sa sécurité ou celle d’un proche en cas de refus (art. 279.04(1))
element-criminal_code-force_or_coercion = Facteur : force, menace ou autre contrainte
element-criminal_code-deception = Facteur : tromperie
element-criminal_code-abuse_of_position = Facteur : abus de confiance, de pouvoir ou d’autorité
element-criminal_code_minors-minor = Personne de moins de 18 ans
element-criminal_code_minors-act = Acte (comme à l’art. 279.01)
element-criminal_code_minors-safety_fear = Crainte pour sa sécurité ou celle d’un proche en cas de refus
element-documents_279_03-documents = Documents de voyage ou d’identité cachés, retirés, retenus ou détruits
element-irpa_118-coming_into_canada = Venue au Canada organisée par quelqu’un
element-irpa_118-means = Enlèvement, fraude, tromperie, force ou contrainte
element-palermo-act = Acte
element-palermo-means = Moyen
element-palermo-purpose = Fin d’exploitation
element-status-supported = Appuyé par des réponses
element-status-unknown = Inconnu : réponses manquantes
element-status-not_noted = Rien de relevé
element-status-not_applicable = Ne s’applique pas : personne majeure
element-status-not_required = Non requis pour une personne mineure
domain-immediate_safety = Sécurité immédiate
domain-housing_short_term = Hébergement à court terme
domain-housing_long_term = Logement à long terme
domain-health = Santé
domain-material_needs = Besoins matériels
domain-psychological_support = Soutien psychologique
domain-youth_protection = Protection de la jeunesse
domain-immigration = Immigration
domain-work = Travail
domain-legal_aid = Aide juridique
domain-spiritual_support = Soutien spirituel
domain-education = Éducation
problem-unprocessable = Contenu non valide
problem-conflict = Conflit
problem-instrument-not-found = Aucun outil « { $key } » en version { $version }.
problem-instrument-retired = L’outil « { $key } » version { $version } est retiré : utilisez la version la plus récente.
problem-case-not-found = Aucun dossier « { $id } ».
problem-screening-answers = Réponses non valides : { $detail }
problem-answer-unknown-question = « { $question } » n’est pas une question de cet outil
problem-answer-bad-value = « { $question } » ne peut pas valoir « { $value } »
problem-unreadable-json = Le corps de la requête n’est pas un JSON valide de la forme attendue : { $detail }

## Services
nav-services = Services
svc-title = Trouver un service
svc-intro = Les services des organismes de la coalition : sécurité immédiate, hébergement, santé, immigration, travail, aide juridique et plus. Les adresses des maisons d’hébergement ne sont jamais publiées.
svc-search-label = Rechercher
svc-search-hint = Par exemple : hébergement femmes, clinique juridique, ligne d’écoute. Les accents et une faute de frappe sont pardonnés.
svc-domains = Domaines
svc-near = Près de
svc-near-hint = Une ville, un code postal ou « latitude, longitude ».
svc-near-found = Distances mesurées depuis { $place }.
svc-radius = Distance maximale
svc-radius-km = { $km } km
svc-gender = Genre
svc-gender-all = Toute personne
svc-gender-women = Femmes
svc-gender-men = Hommes
svc-gender-gender_diverse = Personnes trans et non binaires
svc-age = Âge de la personne
svc-languages = Langues
svc-language-fr = Français
svc-language-en = Anglais
svc-language-es = Espagnol
svc-language-ar = Arabe
svc-language-zh = Chinois
svc-language-pt = Portugais
svc-language-ru = Russe
svc-language-uk = Ukrainien
svc-language-tl = Tagalog
svc-language-ht = Créole haïtien
svc-language-fa = Persan
svc-language-vi = Vietnamien
svc-sort = Trier par
svc-sort-relevance = Pertinence
svc-sort-distance = Distance
svc-sort-name = Nom
svc-conditions = Conditions d’accueil
svc-flag-open_now = Ouvert maintenant
svc-flag-always_open = Ouvert 24 h sur 24, 7 jours sur 7
svc-flag-substance_use = Accepte les personnes qui consomment
svc-flag-any_status = Sans égard au statut d’immigration
svc-flag-minors = Accepte les personnes mineures
svc-flag-dedicated = Dédié à la traite des personnes
svc-results-count = { $count ->
    [one] { $count } service
   *[other] { $count } services
  }
svc-no-results = Aucun service ne correspond. Essayez moins de filtres ou une distance plus grande.
svc-phone = Téléphone
svc-phone-label = Téléphone :
svc-email = Courriel
svc-website = Site web
svc-why = Pourquoi ce résultat
svc-distance = à { $km } km
svc-always-open = Ouvert 24/7
svc-open-now = Ouvert maintenant
svc-closed-now = Fermé en ce moment
svc-dedicated = Dédié à la traite
svc-referral-only = Sur référence seulement
capacity-updated-now = mis à jour il y a moins d’une heure
capacity-updated-hours = { $hours ->
    [one] mis à jour il y a { $hours } heure
   *[other] mis à jour il y a { $hours } heures
  }
capacity-updated-days = { $days ->
    [one] mis à jour il y a { $days } jour
   *[other] mis à jour il y a { $days } jours
  }
capacity-available = { $unit ->
    [beds] { $count ->
        [one] { $count } lit disponible
       *[other] { $count } lits disponibles
      }
    [places] { $count ->
        [one] { $count } place disponible
       *[other] { $count } places disponibles
      }
   *[appointments] { $count ->
        [one] { $count } rendez-vous disponible
       *[other] { $count } rendez-vous disponibles
      }
  } ({ $ago })
capacity-stale = à confirmer par téléphone
why-word-name = « { $word } » dans le nom
why-word-text = « { $word } » dans la description ou les catégories
why-domain = Domaine : { $domain }
why-open-now = Ouvert maintenant
why-always-open = Ouvert 24 h sur 24
why-substance-use = Accepte les personnes qui consomment
why-any-status = Sans égard au statut d’immigration
why-minors = Accepte les personnes mineures
why-dedicated = Dédié à la traite des personnes
why-language = Offert en { $language }
why-distance = À { $km } km
why-serves = Dessert { $place }
error-bad-params = Paramètres non valides : { $params }
problem-service-not-found = Aucun service ne porte l’identifiant { $id }.
svc-back = Retour aux services
svc-contact = Joindre le service
svc-who = Pour qui
svc-hours = Heures d’ouverture
svc-locations = Où
svc-no-location = Service offert par téléphone ou en ligne.
svc-confidential-shown = Adresse confidentielle : ne la transmettez qu’aux personnes qui en ont besoin. Cette consultation est journalisée.
svc-confidential-hidden = Adresse confidentielle, communiquée par téléphone.
svc-needs-review = à revoir (plus de 180 jours)
svc-reviewed = Informations vérifiées le { $date }
svc-yes = Oui
svc-no = Non
svc-terms = Catégories
svc-ages = Âges
svc-ages-range = de { $min } à { $max } ans
svc-ages-from = { $min } ans et plus
svc-ages-to = jusqu’à { $max } ans
svc-ages-any = tous les âges
svc-cost = Coût
svc-cost-free = Gratuit
svc-cost-sliding_scale = Selon le revenu
svc-cost-fee = Payant
svc-access = Accès
svc-access-self_referral = La personne peut s’adresser directement au service
svc-access-referral_only = Sur référence d’un ou d’une intervenante seulement
svc-wait = Attente habituelle
svc-wait-days = { $days ->
    [0] aucune
    [one] { $days } jour
   *[other] { $days } jours
  }
svc-status-active = Actif
svc-status-temporarily_closed = Fermé temporairement
svc-status-inactive = Service inactif
day-mon = lundi
day-tue = mardi
day-wed = mercredi
day-thu = jeudi
day-fri = vendredi
day-sat = samedi
day-sun = dimanche
adm-svc-title = Nos services
adm-svc-new = Ajouter un service
adm-svc-edit = Modifier le service
adm-svc-none = Aucun service pour l’instant.
adm-svc-due = { $count ->
    [one] { $count } service n’a pas été revu depuis plus de 180 jours : vérifiez-le puis cliquez sur « Marquer comme vérifié ».
   *[other] { $count } services n’ont pas été revus depuis plus de 180 jours : vérifiez-les puis cliquez sur « Marquer comme vérifié ».
  }
adm-svc-find = Trouver un service par son nom
adm-svc-due-only = Seulement ceux à revoir
adm-svc-filter = Afficher
adm-svc-count = { $count ->
    [0] Aucun service ne correspond.
    [one] Un service
   *[other] { $count } services
}
adm-svc-saved = Places mises à jour : { $name }.
adm-svc-available = Disponibles ce soir
adm-svc-total = Au total
adm-svc-unit = Unité
adm-svc-unit-beds = lits
adm-svc-unit-places = places
adm-svc-unit-appointments = rendez-vous
adm-svc-capacity-save = Mettre à jour
adm-svc-capacity-bad = Indiquez un nombre de places disponibles (0 ou plus).
adm-svc-capacity-over = Le nombre disponible dépasse le total.
adm-svc-mark-reviewed = Marquer comme vérifié
adm-svc-name-fr = Nom (français)
adm-svc-name-en = Nom (anglais)
adm-svc-description-fr = Description (français)
adm-svc-description-en = Description (anglais)
adm-svc-phone = Téléphone
adm-svc-email = Courriel
adm-svc-website = Site web
adm-svc-status = État
adm-svc-age-min = Âge minimum
adm-svc-age-max = Âge maximum
adm-svc-languages-hint = Codes de langue à deux lettres, séparés par des espaces : fr en es.
adm-svc-time-zone = Fuseau horaire
adm-svc-hours-row = Plage horaire { $n }
adm-svc-opens = Ouvre à
adm-svc-closes = Ferme à
adm-svc-wait = Attente habituelle (jours)
adm-svc-areas = Territoire desservi
adm-svc-provinces = Provinces et territoires
adm-svc-regions = Régions administratives du Québec
adm-svc-municipalities = Municipalités (séparées par des virgules)
adm-svc-save = Enregistrer
adm-svc-cancel = Annuler
adm-svc-error-missing = { $field } est obligatoire.
adm-svc-error-too-long = { $field } dépasse { $max } caractères.
adm-svc-error-domain = Choisissez au moins un domaine.
adm-svc-error-term = Chaque catégorie doit appartenir à un domaine coché.
adm-svc-error-language = « { $code } » n’est pas un code de langue à deux lettres.
adm-svc-error-age = Vérifiez les âges : le minimum ne dépasse pas le maximum, et un âge sous 18 ans demande d’accepter les personnes mineures.
adm-svc-error-wait = L’attente est un nombre de jours.
adm-svc-error-hours = Vérifiez les heures : chaque plage a au moins un jour et des heures au format HH:MM.
adm-svc-error-area = « { $code } » n’est pas un territoire connu.
adm-svc-error-choice = Une des valeurs choisies n’est pas valide.
adm-svc-error-location = Un des lieux choisis n’appartient pas à l’organisme.
adm-loc-new = Ajouter un lieu
adm-loc-none = Aucun lieu : ajoutez-en un pour situer les services.
adm-loc-confidential = adresse confidentielle
adm-loc-name-fr = Nom du lieu (français)
adm-loc-name-en = Nom du lieu (anglais)
adm-loc-address = Adresse
adm-loc-city = Municipalité
adm-loc-postal-code = Code postal
adm-loc-latitude = Latitude
adm-loc-longitude = Longitude
adm-loc-confidential-label = Adresse confidentielle (maison d’hébergement)
adm-loc-confidential-hint = L’adresse et les coordonnées ne seront montrées qu’au personnel de l’organisme et à l’équipe de coordination de la coalition; le public ne verra que la municipalité et la région.
adm-loc-error-province = Choisissez une province ou un territoire.
adm-loc-error-point = Latitude et longitude : deux nombres valides, ou aucun.
adm-loc-error-city = « { $city } » n’est pas une municipalité connue de cette province.
org-our-services = Gérer nos services
org-services = Services offerts
# HSDS: phrases published for plain-HSDS consumers
hsds-redacted-region = Lieu confidentiel, région : { $region }
hsds-redacted-province = Lieu confidentiel, province : { $province }
hsds-gender-all = Toutes les identités de genre
hsds-gender-women = Femmes
hsds-gender-men = Hommes
hsds-gender-gender_diverse = Personnes trans et non binaires
hsds-age-range = De { $min } à { $max } ans
hsds-age-min = { $min } ans et plus
hsds-age-max = Jusqu’à { $max } ans
hsds-minors = Accepte les personnes mineures
hsds-substance-use = Accepte les personnes qui consomment
hsds-any-status = Quel que soit le statut d’immigration
hsds-dedicated = Service dédié aux personnes touchées par la traite
hsds-access-self_referral = On peut s’adresser directement au service.
hsds-access-referral_only = Sur référence d’un organisme seulement.
hsds-cost-free = Gratuit
hsds-cost-sliding_scale = Selon le revenu
hsds-cost-fee = Payant
hsds-unit-beds = Lits
hsds-unit-places = Places
hsds-unit-appointments = Rendez-vous
# HSDS import: what is wrong with a file
hsds-read-not-utf8 = le fichier n’est pas en UTF-8 (octet { $offset }).
hsds-read-windows-1252 = le fichier semble enregistré en Windows-1252 (octet { $offset }) : enregistrez-le en UTF-8.
hsds-read-bad-json = JSON non valide ({ $detail }).
hsds-read-bad-csv = CSV non valide ({ $detail }).
hsds-read-shape = on attendait { $expected }.
hsds-read-missing = { $field } manque.
hsds-read-bad-id = { $field } : « { $value } » n’est pas un UUID.
hsds-read-bad-value = { $field } : la valeur « { $value } » n’est pas permise.
hsds-read-too-long = { $field } dépasse { $max } caractères.
hsds-read-duplicate = l’identifiant { $id } sert deux fois (d’abord à { $first }).
hsds-read-dangling = { $field } { $id } ne renvoie à rien dans le paquet.
hsds-read-no-domain = aucun domaine Mosaïque : donnez mosaique_domains ou un attribut avec un terme de notre taxonomie.
hsds-read-invalid = donnée refusée : { $detail }
hsds-read-empty = aucun fichier du paquet n’a été trouvé (organizations.json, organizations.csv…).
# Organization details: constitution, mandates, contacts, areas served
org-formal = Constitution
org-formal-true = Organisation formelle
org-formal-false = Groupe informel
org-mandates = Mandats
org-areas = Territoire desservi
org-contacts = Pour joindre l’organisme
org-website = Site web
org-email = Courriel
org-phone = Téléphone
admin-org-mandates-other = Autres mandats (dans vos mots)
admin-org-error-email = L’adresse courriel n’est pas valide.
admin-org-error-website = L’adresse du site web n’est pas valide.
admin-org-error-area = « { $area } » n’est pas une municipalité connue.
mandate-direct_services = Services directs
mandate-case_management = Accompagnement direct (suivi de cas)
mandate-referrals = Orientation vers les services
mandate-service_coordination = Concertation des services
mandate-emergency_assistance = Aide financière d’urgence
mandate-awareness = Sensibilisation
mandate-training = Formation
mandate-intervention_tools = Outils d’intervention
mandate-networking = Réseautage et échange d’information
mandate-advice = Conseil et information
mandate-advocacy = Défense des droits
mandate-research = Recherche
mandate-prevention = Prévention
mandate-protection = Protection
mandate-prosecution = Poursuites
mandate-partnership = Partenariats
adm-loc-edit = Modifier le point de service
