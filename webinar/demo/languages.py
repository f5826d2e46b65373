"""The demo talks' texts in French and German, for the talks offered in them.

Keyed by slug; each language gives the talk's own texts, the speakers' roles
in the speakers' order and the slides' title. Written for this project in
formal address (vous, Sie).
"""

from __future__ import annotations

STEP_DESCRIPTION_FR = """\
L'Europe veut garder la maîtrise des technologies dont son industrie aura
besoin pendant des décennies. La plateforme « Technologies stratégiques pour
l'Europe » (STEP) est la réponse de l'UE : plutôt que d'ouvrir un programme de
financement de plus, elle oriente les fonds européens existants vers
l'investissement dans les technologies critiques et les chaînes de valeur qui
les produisent.

Lors de cette conférence, la task force STEP de la Commission présente le
fonctionnement de la plateforme, puis quatre praticiens de clusters du
Danemark, des Pays-Bas, d'Allemagne et de Grèce examinent ce qu'elle peut
apporter aux entreprises qu'ils accompagnent.

STEP se concentre sur trois familles de technologies :

- **Technologies numériques et de pointe**
    - microélectronique, calcul à haute performance et calcul quantique
    - informatique en nuage et en périphérie, intelligence artificielle, cybersécurité
    - robotique, 5G et connectivité avancée, réalités virtuelles
- **Technologies propres**
    - énergies renouvelables, stockage d'électricité et de chaleur, pompes à chaleur, réseau
    - carburants renouvelables, électrolyseurs et piles à combustible, hydrogène
    - captage, utilisation et stockage du carbone ; efficacité énergétique
    - purification et dessalement de l'eau, matériaux avancés
- **Biotechnologies**
    - biomolécules et leurs applications
    - produits pharmaceutiques et technologies médicales
    - biotechnologies végétales

## Au programme

1. Une brève présentation de STEP et des fonds sur lesquels elle s'appuie.
2. Une table ronde d'organisations de clusters :
    - comment elles repèrent les membres actifs dans les technologies critiques
    - comment elles aident les petites entreprises à transformer une idée en projet finançable
    - quels partenariats entre pays et chaînes de valeur ont fait leurs preuves
3. Les questions du public.
"""

STEP_DESCRIPTION_DE = """\
Europa will die Technologien in der Hand behalten, auf die seine Industrie in
den kommenden Jahrzehnten angewiesen ist. Die Plattform „Strategische
Technologien für Europa“ (STEP) ist der Weg der EU dorthin: Statt ein
weiteres Förderprogramm aufzulegen, lenkt sie Mittel aus bestehenden
EU-Fonds in Investitionen in kritische Technologien und die
Wertschöpfungsketten, die sie hervorbringen.

In dieser Veranstaltung erläutert die STEP-Taskforce der Kommission, wie die
Plattform aufgebaut ist. Anschließend erörtern vier Clusterpraktiker aus
Dänemark, den Niederlanden, Deutschland und Griechenland, was sie für die
Unternehmen bedeuten kann, mit denen sie arbeiten.

STEP konzentriert sich auf drei Technologiefelder:

- **Deep-Tech und digitale Technologien**
    - Mikroelektronik, Hochleistungs- und Quantencomputing
    - Cloud- und Edge-Computing, künstliche Intelligenz, Cybersicherheit
    - Robotik, 5G und fortgeschrittene Konnektivität, virtuelle Realitäten
- **Saubere Technologien**
    - erneuerbare Energien, Strom- und Wärmespeicher, Wärmepumpen, Netze
    - erneuerbare Kraftstoffe, Elektrolyseure und Brennstoffzellen, Wasserstoff
    - CO₂-Abscheidung, -Nutzung und -Speicherung; Energieeffizienz
    - Wasseraufbereitung und Entsalzung, fortgeschrittene Werkstoffe
- **Biotechnologien**
    - Biomoleküle und ihre Anwendungen
    - Arzneimittel und Medizintechnik
    - Pflanzenbiotechnologie

## Was Sie erwartet

1. Eine kurze Einführung in STEP und die Fonds, auf die es zurückgreift.
2. Eine Podiumsrunde von Clusterorganisationen:
    - wie sie Mitglieder erkennen, die an kritischen Technologien arbeiten
    - wie sie kleinen Unternehmen helfen, aus einer Idee ein förderfähiges Projekt zu machen
    - welche Partnerschaften über Grenzen und Wertschöpfungsketten hinweg sich bewährt haben
3. Fragen aus dem Publikum.
"""

STEP_POST_SUMMARY_FR = """\
Merci à toutes celles et à tous ceux qui étaient présents. L'enregistrement et
les diapositives se trouvent sur cette page.

## À retenir

- **STEP s'appuie sur l'existant.** Elle ne crée pas de nouveau fonds ; elle
  oriente les programmes européens existants vers les mêmes technologies
  critiques, si bien qu'une bonne idée de projet peut frapper à plusieurs portes.
- **Trois domaines, une même logique.** Les technologies numériques et de
  pointe, propres et biologiques sont concernées lorsqu'un projet renforce les
  chaînes de valeur européennes ou réduit des dépendances.
- **Les clusters sont des intermédiaires naturels.** Ils savent lesquels de
  leurs membres travaillent sur ces technologies et peuvent les réunir.
- **Partir de la chaîne de valeur, pas de l'appel.** Un projet qui nomme la
  lacune d'une chaîne d'approvisionnement européenne qu'il comble est le plus
  convaincant.
"""

STEP_POST_SUMMARY_DE = """\
Vielen Dank an alle, die dabei waren. Die Aufzeichnung und die Folien finden
Sie auf dieser Seite.

## Das Wichtigste in Kürze

- **STEP baut auf Bestehendem auf.** Es entsteht kein neuer Fonds; bestehende
  EU-Programme werden auf dieselben kritischen Technologien ausgerichtet, so
  dass eine gute Projektidee an mehr als eine Tür klopfen kann.
- **Drei Bereiche, eine Logik.** Deep-Tech und digitale, saubere und
  Biotechnologien kommen in Frage, wenn ein Projekt europäische
  Wertschöpfungsketten stärkt oder Abhängigkeiten verringert.
- **Cluster sind geborene Vermittler.** Sie wissen, welche ihrer Mitglieder an
  diesen Technologien arbeiten, und können sie zusammenbringen.
- **Von der Wertschöpfungskette ausgehen, nicht von der Ausschreibung.** Am
  überzeugendsten ist ein Projekt, das die Lücke in einer europäischen
  Lieferkette benennt, die es schließt.
"""

HYDROGEN_DESCRIPTION_FR = """\
Une vallée de l'hydrogène est une région où l'hydrogène est produit, stocké,
transporté et utilisé à courte distance. Pour en bâtir une, un électrolyseur
ne suffit pas : il faut des acheteurs, des infrastructures et des personnes
qualifiées, et tout cela en même temps.

Nos invités dirigent des clusters dans trois de ces régions. Ils aborderont :

- **La demande d'abord**
    - trouver des utilisateurs industriels avant la construction de la première usine
    - des contrats qui rendent les premiers projets finançables
- **Les infrastructures**
    - canalisations, stockage et stations de ravitaillement, et qui les finance
- **Les compétences**
    - former techniciens et ingénieurs en même temps que les projets avancent
"""

HYDROGEN_DESCRIPTION_DE = """\
Ein Wasserstofftal ist eine Region, in der Wasserstoff auf kurzem Weg erzeugt,
gespeichert, transportiert und genutzt wird. Dafür braucht es mehr als einen
Elektrolyseur: Abnehmer, Infrastruktur und Fachkräfte, und zwar alles
gleichzeitig.

Unsere Gäste leiten Cluster in drei solchen Regionen. Sie sprechen über:

- **Zuerst die Nachfrage**
    - industrielle Abnehmer finden, bevor die erste Anlage gebaut ist
    - Verträge, die frühe Projekte finanzierbar machen
- **Infrastruktur**
    - Leitungen, Speicher und Tankstellen, und wer sie bezahlt
- **Menschen**
    - Technikerinnen, Techniker und Ingenieure parallel zu den Projekten ausbilden
"""

TALK_LANGUAGES = {
    "step-strategic-technologies-for-europe-platform": {
        "fr": {
            "title": "STEP : la plateforme Technologies stratégiques pour l'Europe",
            "summary": (
                "Comment la plateforme Technologies stratégiques pour l'Europe oriente les "
                "financements européens vers les technologies numériques et de pointe, les "
                "technologies propres et les biotechnologies, et ce que cela signifie pour les "
                "clusters et leurs membres, avec la task force STEP de la Commission et quatre "
                "clusters."
            ),
            "description": STEP_DESCRIPTION_FR,
            "post_summary": STEP_POST_SUMMARY_FR,
            "banner_alt": (
                "Bannière bleue et turquoise portant les mots EU Clusters Talk et le titre "
                "STEP: Strategic Technologies for Europe Platform"
            ),
            "roles": [
                "Chef par intérim de la task force STEP",
                "Chef de projet principal",
                "Chargé de développement commercial",
                "Chef de projet senior",
                "Responsable du développement commercial",
            ],
            "slides": "Diapositives de la présentation (PDF)",
        },
        "de": {
            "title": "STEP: die Plattform „Strategische Technologien für Europa“",
            "summary": (
                "Wie die Plattform „Strategische Technologien für Europa“ EU-Mittel in "
                "Deep-Tech und digitale, saubere und Biotechnologien lenkt und was das für "
                "Cluster und ihre Mitglieder bedeutet, mit der STEP-Taskforce der Kommission "
                "und vier Clustern."
            ),
            "description": STEP_DESCRIPTION_DE,
            "post_summary": STEP_POST_SUMMARY_DE,
            "banner_alt": (
                "Blau-türkises Banner mit den Worten EU Clusters Talk und dem Titel "
                "STEP: Strategic Technologies for Europe Platform"
            ),
            "roles": [
                "Kommissarischer Leiter der STEP-Taskforce",
                "Leitender Projektmanager",
                "Business Developer",
                "Senior-Projektmanager",
                "Leitung Geschäftsentwicklung",
            ],
            "slides": "Folien des Vortrags (PDF)",
        },
    },
    "hydrogen-valleys-regional-value-chains": {
        "fr": {
            "title": "Vallées de l'hydrogène : bâtir des chaînes de valeur régionales",
            "summary": (
                "Trois régions qui produisent, transportent et utilisent l'hydrogène au même "
                "endroit expliquent comment leurs clusters ont réuni producteurs, gestionnaires "
                "de réseau et industriels."
            ),
            "description": HYDROGEN_DESCRIPTION_FR,
            "banner_alt": (
                "Bannière vert foncé et turquoise portant les mots EU Clusters Talk et le titre "
                "Hydrogen valleys: building regional value chains"
            ),
            "roles": [
                "Directrice",
                "Responsable de programme",
                "Chargée de mission politiques publiques",
            ],
        },
        "de": {
            "title": "Wasserstofftäler: regionale Wertschöpfungsketten aufbauen",
            "summary": (
                "Drei Regionen, die Wasserstoff an einem Ort erzeugen, transportieren und "
                "nutzen, berichten, wie ihre Cluster Erzeuger, Netzbetreiber und Industrie "
                "zusammengebracht haben."
            ),
            "description": HYDROGEN_DESCRIPTION_DE,
            "banner_alt": (
                "Dunkelgrün-türkises Banner mit den Worten EU Clusters Talk und dem Titel "
                "Hydrogen valleys: building regional value chains"
            ),
            "roles": ["Direktorin", "Programmleiter", "Politikreferentin"],
        },
    },
}

# The fields of TALK_LANGUAGES that are the talk's own texts.
EVENT_FIELDS = ("title", "summary", "description", "post_summary", "banner_alt")


def apply_languages(event, slug: str) -> None:
    """Offer a new demo talk in the languages written for it, with their texts."""
    languages = TALK_LANGUAGES.get(slug)
    if not languages:
        return
    event.other_languages = list(languages)
    event.translations = {
        code: {field: texts[field] for field in EVENT_FIELDS if field in texts}
        for code, texts in languages.items()
    }
    for position, speaker in enumerate(event.speakers):
        speaker.translations = {
            code: {"role": texts["roles"][position]} for code, texts in languages.items()
        }
    for material in event.materials:
        material.translations = {
            code: {"title": texts["slides"]}
            for code, texts in languages.items()
            if "slides" in texts
        }


# The demo questions (webinar.demo.questions.QUESTIONS) in the same order:
# label, help text and options.
QUESTION_LANGUAGES = {
    "fr": [
        ("Dans quel domaine technologique votre cluster ou votre organisation est-il actif ?",
         "Choisissez le domaine le plus proche des activités de la plupart de vos membres.",
         ["Technologies numériques et de pointe", "Technologies propres", "Biotechnologies",
          "Un autre domaine", "Je ne travaille pas avec un cluster"]),
        ("De quel domaine s'agit-il ?", "", []),
        ("Avez-vous déjà assisté à l'une de nos conférences en ligne ?", "", []),
        ("Vos questions aux intervenants",
         "Les intervenants les lisent avant la conférence et répondent à autant de questions "
         "que le temps le permet.", []),
        ("J'accepte que la conférence soit enregistrée et que l'enregistrement soit publié "
         "ensuite.", "", []),
    ],
    "de": [
        ("In welchem Technologiebereich ist Ihr Cluster oder Ihre Organisation tätig?",
         "Wählen Sie den Bereich, der der Arbeit der meisten Ihrer Mitglieder am nächsten kommt.",
         ["Deep-Tech und digitale Technologien", "Saubere Technologien", "Biotechnologien",
          "Ein anderer Bereich", "Ich arbeite nicht mit einem Cluster"]),
        ("Um welchen Bereich handelt es sich?", "", []),
        ("Haben Sie schon einmal an einem unserer Online-Vorträge teilgenommen?", "", []),
        ("Ihre Fragen an die Vortragenden",
         "Die Vortragenden lesen sie vor dem Vortrag und beantworten so viele, wie die Zeit "
         "erlaubt.", []),
        ("Ich bin damit einverstanden, dass der Vortrag aufgezeichnet und die Aufzeichnung "
         "anschließend veröffentlicht wird.", "", []),
    ],
}  # fmt: skip


def apply_question_languages(event) -> None:
    """Give a demo talk's questions their texts in the languages the talk is offered in."""
    for code in event.other_languages or ():
        for question, (label, help_text, options) in zip(
            event.questions, QUESTION_LANGUAGES[code], strict=True
        ):
            texts = {"label": label, **({"help_text": help_text} if help_text else {})}
            question.translations = {**(question.translations or {}), code: texts}
            for option, text in zip(question.options, options, strict=True):
                option.translations = {**(option.translations or {}), code: {"text": text}}
