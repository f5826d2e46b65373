"""The demo talks: the reference EU Clusters Talk and a few upcoming ones.

The reference talk's facts (title, date, speakers) come from a real event page;
its texts are written for this project. The upcoming talks, their speakers and
their organisations are invented.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ECCP = "European Cluster Collaboration Platform, on behalf of the European Commission"
CLUSTER_AUDIENCE = (
    "Cluster managers, cluster members (SMEs and research centres) and regional authorities"
)

# (slug, name): the three STEP priority areas, and two broader tags.
TOPICS = [
    ("deep-and-digital-technologies", "Deep and digital technologies"),
    ("clean-technologies", "Clean technologies"),
    ("biotechnologies", "Biotechnologies"),
    ("funding", "Funding and investment"),
    ("skills", "Skills and training"),
]

# The demo series: their short descriptions, by name.
SERIES = {
    "EU Clusters Talk": (
        "Regular online meetings for the cluster community: each talk brings people from "
        "the European Commission and cluster organisations together on one EU policy or "
        "programme, with time for questions."
    ),
    "Cluster Academy": (
        "Practical workshops for cluster managers and project officers: hands-on sessions "
        "with exercises, in small groups."
    ),
    "Cluster Matchmaking": (
        "Short pitches and one-to-one meetings between companies looking for partners "
        "across borders."
    ),
}

NAVY_TEAL = ((20, 48, 110), (18, 120, 140), (250, 190, 60))
GREEN = ((16, 78, 64), (60, 140, 90), (230, 220, 120))
PLUM = ((70, 30, 90), (170, 70, 110), (255, 180, 120))
INDIGO = ((36, 40, 100), (70, 110, 190), (150, 230, 220))
FOREST = ((30, 70, 50), (20, 120, 130), (240, 160, 90))

STEP_DESCRIPTION = """\
Europe wants to keep its footing in the technologies that its industry will
depend on for decades. The Strategic Technologies for Europe Platform (STEP)
is how the EU intends to get there: instead of opening one more funding
programme, it steers money from existing EU funds towards investment in
critical technologies and the value chains that make them.

In this talk, the Commission's STEP Task Force explains how the platform is
put together, and four cluster practitioners from Denmark, the Netherlands,
Germany and Greece discuss what it could mean for the companies they work with.

STEP concentrates on three groups of technologies:

- **Deep and digital technologies**
    - microelectronics, high-performance and quantum computing
    - cloud and edge computing, artificial intelligence, cybersecurity
    - robotics, 5G and advanced connectivity, virtual realities
- **Clean technologies**
    - renewable energy, electricity and heat storage, heat pumps, the grid
    - renewable fuels, electrolysers and fuel cells, hydrogen
    - carbon capture, utilisation and storage; energy efficiency
    - water purification and desalination, advanced materials
- **Biotechnologies**
    - biomolecules and what they are used for
    - pharmaceuticals and medical technologies
    - crop biotechnology

## What to expect

1. A short introduction to STEP and the funds it draws on.
2. A panel of cluster organisations:
    - how they spot members working on critical technologies
    - how they help small companies turn an idea into a fundable project
    - which partnerships across borders and value chains have worked
3. Questions from the audience.
"""

STEP_POST_SUMMARY = """\
Thank you to everyone who joined. The recording and the slides are on this page.

## Key takeaways

- **STEP builds on what exists.** It does not add a new fund; it points
  existing EU programmes towards the same critical technologies, so one good
  project idea can find more than one door.
- **Three areas, one logic.** Deep and digital, clean, and bio technologies
  are in scope when a project strengthens European value chains or reduces
  dependencies.
- **Clusters are natural matchmakers.** They know which of their members
  work on these technologies and can bring them together:
    - mapping members' capabilities against the STEP areas
    - pairing SMEs with larger partners and research centres
    - reading calls early and sharing them with the right people
- **Start with the value chain, not the call.** A project that names the gap
  in a European supply chain it closes makes the strongest case.
"""

STEP_SLIDES = [
    ("STEP in brief", [
        "A platform, not a new fund: existing EU programmes steered towards critical technologies",
        "Aim: strengthen European value chains and reduce dependencies",
        "Calls stay with the programmes that fund them",
    ]),
    ("Three priority areas", [
        "Deep and digital technologies: microelectronics, computing, AI, cybersecurity, robotics",
        "Clean technologies: renewables, storage, grids, hydrogen, carbon capture, materials",
        "Biotechnologies: biomolecules, pharmaceuticals, medical technologies, crops",
    ]),
    ("What clusters can do", [
        "Map members' capabilities against the three areas",
        "Bring SMEs, larger companies and research centres into one consortium",
        "Watch the calls and pass them to the right members early",
    ]),
]  # fmt: skip


def at(day: date, hour: int, minute: int, zone: str) -> datetime:
    """Return a local wall-clock time in a zone as an aware UTC instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def upcoming(days: int, hour: int, minute: int, zone: str, minutes: int) -> dict:
    """Return starts_at and ends_at for a talk `days` from today, in its zone."""
    today = datetime.now(ZoneInfo(zone)).date()
    starts_at = at(today + timedelta(days=days), hour, minute, zone)
    return {
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=minutes),
        "timezone": zone,
    }


def demo_talks() -> list[dict]:
    """Return the demo talks, upcoming dates counted from today.

    Each talk is a dict of Event columns, plus "speakers" (name, role,
    organisation), "topics" (topic slugs), "colours" for its banner and,
    when it has slides, "slides" (heading, points) pages.
    """
    return [
        {
            "slug": "step-strategic-technologies-for-europe-platform",
            "title": "STEP: Strategic Technologies for Europe Platform",
            "series": "EU Clusters Talk",
            "event_type": "Online talk",
            "target_audience": CLUSTER_AUDIENCE,
            "organised_by": ECCP,
            "summary": (
                "How the Strategic Technologies for Europe Platform steers EU funding towards "
                "deep and digital, clean and bio technologies, and what that means for clusters "
                "and their members, with the Commission's STEP Task Force and four clusters."
            ),
            "description": STEP_DESCRIPTION,
            "starts_at": at(date(2023, 12, 6), 8, 30, "Europe/Brussels"),
            "ends_at": at(date(2023, 12, 6), 9, 45, "Europe/Brussels"),
            "timezone": "Europe/Brussels",
            "location": "Virtual Event",
            "join_url": "https://meet.example.org/eu-clusters-talk/step-2023",
            "recording_url": "https://video.example.org/eu-clusters-talks/step-2023",
            "post_summary": STEP_POST_SUMMARY,
            "banner_alt": (
                "Blue and teal banner with the words EU Clusters Talk and the title "
                "STEP: Strategic Technologies for Europe Platform"
            ),
            "speakers": [
                (
                    "Davide Lombardo",
                    "Acting Head of the STEP Task Force",
                    "DG BUDG, European Commission",
                ),
                ("Ben Jorgensen", "Chief Project Manager", "CLEAN"),
                ("Elvis Bajric", "Business Developer", "High Tech NL Robotics"),
                ("Mike Richardson", "Senior Project Manager", "OpTecBB"),
                ("Stamatiki Kritas", "Business Development Manager", "Hellenic Bio Cluster"),
            ],
            "topics": ["deep-and-digital-technologies", "clean-technologies", "biotechnologies"],
            "colours": NAVY_TEAL,
            "slides": STEP_SLIDES,
        },
        {
            "slug": "writing-a-cluster-partnership-proposal",
            "title": "Hands-on: writing a cluster partnership proposal",
            "series": "Cluster Academy",
            "event_type": "Workshop",
            "target_audience": "Cluster managers and project officers preparing an EU proposal",
            "organised_by": ECCP,
            "summary": (
                "A small, practical workshop: bring a project idea and leave with the outline of "
                "a partnership proposal, a consortium sketch and a list of open questions."
            ),
            "description": """\
Most partnership proposals are not rejected for a weak idea but for a story
that reviewers cannot follow. In this workshop we take one real idea per
participant and shape it, step by step, into a proposal outline.

Seats are limited to twenty so that everyone gets feedback. When the workshop
is full, join the waiting list: a seat that frees up goes to the next person.

## Programme

- **Problem and impact** (20 minutes)
    - which gap in a value chain the project closes
    - who benefits, and how you will know
- **Consortium** (25 minutes)
    - the roles a convincing partnership needs
    - bringing in SMEs without overloading them
- **Work plan and budget** (20 minutes)
- **Peer review in pairs** (10 minutes)

Please have a one-paragraph description of your idea ready.
""",
            **upcoming(14, 10, 0, "Europe/Brussels", 75),
            "join_url": "https://meet.example.org/cluster-academy/proposal-workshop",
            "capacity": 20,
            "waitlist_enabled": True,
            "banner_alt": (
                "Green banner with the words Cluster Academy and the title "
                "Hands-on: writing a cluster partnership proposal"
            ),
            "speakers": [
                ("Marta Kowalczyk", "Head of EU Projects", "Vistula Green Industry Cluster"),
                ("Tomás Ruiz Ocaña", "Funding Adviser", "Meseta Agrifood Innovation Cluster"),
            ],
            "topics": ["funding", "skills"],
            "colours": GREEN,
        },
        {
            "slug": "ai-for-manufacturing-smes-nordic-baltic-matchmaking",
            "title": "AI for manufacturing SMEs: Nordic–Baltic matchmaking",
            "series": "Cluster Matchmaking",
            "event_type": "Matchmaking",
            "target_audience": "Manufacturing SMEs and AI providers around the Baltic Sea",
            "organised_by": "Gulf of Finland Digital Manufacturing Cluster",
            "summary": (
                "Short pitches from AI providers and manufacturers looking for them, followed by "
                "one-to-one meetings in breakout rooms."
            ),
            "description": """\
Small manufacturers know where their processes waste time and material; AI
companies know what their models can do. This session puts the two in the
same virtual room.

The session runs on Helsinki time (EET in winter, EEST in summer).

- **Pitches**: three minutes each
    - manufacturers describe a problem they want solved
    - providers describe one solution they have delivered
- **One-to-one meetings**: fifteen minutes each, booked during the session
""",
            **upcoming(21, 11, 0, "Europe/Helsinki", 120),
            "join_url": "https://meet.example.org/matchmaking/ai-manufacturing",
            "capacity": 60,
            "banner_alt": (
                "Indigo banner with the words Cluster Matchmaking and the title "
                "AI for manufacturing SMEs: Nordic–Baltic matchmaking"
            ),
            "speakers": [
                (
                    "Aino Virtanen",
                    "Cluster Manager",
                    "Gulf of Finland Digital Manufacturing Cluster",
                ),
                ("Kristjan Tamm", "Innovation Broker", "Tallinn Industrial AI Hub"),
            ],
            "topics": ["deep-and-digital-technologies"],
            "colours": INDIGO,
        },
        {
            "slug": "hydrogen-valleys-regional-value-chains",
            "title": "Hydrogen valleys: building regional value chains",
            "series": "EU Clusters Talk",
            "event_type": "Online talk",
            "target_audience": CLUSTER_AUDIENCE,
            "organised_by": ECCP,
            "summary": (
                "Three regions that produce, move and use hydrogen in one place explain what "
                "their clusters did to bring producers, grid operators and industry together."
            ),
            "description": """\
A hydrogen valley is a region where hydrogen is produced, stored, moved and
used within a short distance. Building one takes more than an electrolyser:
it needs buyers, infrastructure and skilled people, all at the same time.

Our guests run clusters in three such regions. They will talk about:

- **Demand first**
    - finding industrial users before the first plant is built
    - contracts that make early projects bankable
- **Infrastructure**
    - pipelines, storage and refuelling, and who pays for them
- **People**
    - training technicians and engineers alongside the projects
""",
            **upcoming(35, 9, 30, "Europe/Brussels", 75),
            "join_url": "https://meet.example.org/eu-clusters-talk/hydrogen-valleys",
            "banner_alt": (
                "Dark green and teal banner with the words EU Clusters Talk and the title "
                "Hydrogen valleys: building regional value chains"
            ),
            "speakers": [
                ("Inês Carvalho", "Director", "Atlantic Hydrogen Cluster"),
                ("Jonas Lindqvist", "Programme Lead", "Bothnia Energy Transition Cluster"),
                ("Eleni Papadaki", "Policy Officer", "Aegean Clean Energy Network"),
            ],
            "topics": ["clean-technologies", "funding"],
            "colours": FOREST,
        },
        {
            "slug": "biotech-clusters-from-lab-to-market",
            "title": "Biotech clusters: from the lab to the market",
            "series": "EU Clusters Talk",
            "event_type": "Online talk",
            "target_audience": CLUSTER_AUDIENCE,
            "organised_by": ECCP,
            "summary": (
                "What life-science clusters do to help young biotech companies through "
                "regulation, first production and their first customers."
            ),
            "description": """\
Between a promising result in the lab and a product on the market lie years
of regulation, scale-up and fundraising. Life-science clusters can shorten
that road.

- **Regulation**: getting advice early, and from whom
- **Scale-up**
    - shared pilot facilities
    - contract manufacturers that take on small batches
- **First customers**: hospitals and farms as testing grounds
""",
            **upcoming(56, 9, 0, "Europe/Brussels", 60),
            "registration_opens_at": upcoming(10, 9, 0, "Europe/Brussels", 0)["starts_at"],
            "join_url": "https://meet.example.org/eu-clusters-talk/biotech-lab-to-market",
            "banner_alt": (
                "Plum and rose banner with the words EU Clusters Talk and the title "
                "Biotech clusters: from the lab to the market"
            ),
            "speakers": [
                ("Saoirse Byrne", "Cluster Manager", "Shannon Life Sciences Cluster"),
                ("Luca Ferraro", "Head of Start-up Services", "Po Valley Biotech District"),
            ],
            "topics": ["biotechnologies"],
            "colours": PLUM,
        },
    ]
