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
login-title = Connexion
login-unavailable = Les comptes des intervenantes et intervenants ne sont pas encore ouverts sur cette instance. Le répertoire public reste accessible à toutes et à tous.

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
error-home-link = Retour à l’accueil

## API problems (RFC 9457 titles)
problem-not-found = Ressource introuvable
problem-bad-request = Requête invalide
problem-method-not-allowed = Méthode non permise
problem-unavailable = Service momentanément indisponible
problem-internal = Erreur interne
problem-method-detail = La méthode { $method } n’est pas permise sur cette ressource.
problem-route-not-found = Aucune route de l’API ne correspond à { $path }.
problem-organization-not-found = Aucun organisme ne porte l’identifiant { $id }.
