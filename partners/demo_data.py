"""Synthetic demo and benchmark data: deterministic, realistic spreads, written in bulk, removed in one go.

Every generated row carries ``is_synthetic=True``. Rows are written with raw multi-row inserts
(``COPY`` on PostgreSQL) rather than ``save()``: per-row history and signals would make a million
interactions take hours, and generated rows have no history worth keeping.
"""
import datetime
import itertools
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from . import search
from .models import (
    Agreement,
    Collaboration,
    CollaborationPartner,
    Contact,
    EventSeries,
    FairParticipation,
    Interaction,
    InternshipFair,
    Organization,
    Participant,
    Sector,
    normalize_name,
)

AUTHOR_PREFIX = "synthetic-author-"
SERIES_NAME = "Synthetic job and internship fair"
BATCH = 5000

SECTORS = [
    "Health", "Energy", "Finance", "Retail", "Manufacturing", "Transportation", "Telecommunications",
    "Construction", "Agriculture", "Environment", "Public administration", "Education", "Media", "Security",
]
PLACES = [
    ("Montreal", "Canada", 30), ("Toronto", "Canada", 14), ("Quebec City", "Canada", 6), ("Ottawa", "Canada", 6),
    ("Vancouver", "Canada", 6), ("Sherbrooke", "Canada", 3), ("Waterloo", "Canada", 3), ("Calgary", "Canada", 3),
    ("Boston", "United States", 4), ("New York", "United States", 4), ("San Francisco", "United States", 4),
    ("Paris", "France", 5), ("London", "United Kingdom", 4), ("Berlin", "Germany", 3), ("Tokyo", "Japan", 2),
]
KINDS = [("industry", 45), ("startup", 25), ("government", 8), ("non_profit", 10), ("academic", 12)]
STATUSES = [("partner", 20), ("prospect", 45), ("former", 15), ("affiliated", 5), ("none", 15)]
STEMS = [
    "Aurora", "Boreal", "Cobalt", "Delta", "Ember", "Fjord", "Granite", "Harbor", "Indigo", "Juniper", "Kestrel",
    "Lumen", "Maple", "Nimbus", "Orion", "Prairie", "Quartz", "Riviera", "Saint-Laurent", "Tundra", "Umbra",
    "Vertex", "Wapiti", "Xylo", "Yukon", "Zephyr", "Laurentide", "Outaouais", "Mauricie", "Gaspé",
]
TRADES = [
    "Analytics", "Robotics", "Health", "Energy", "Logistics", "Bio", "Fintech", "Vision", "Labs", "Systems",
    "Networks", "Materials", "Pharma", "Mobility", "Insights", "Data", "Genomics", "Foods", "Aero", "Cloud",
]
FORMS = {
    "industry": ["Inc.", "Ltd.", "Corporation", "Group"],
    "startup": ["AI", "Technologies", "Labs", ""],
    "government": ["Agency", "Ministry", "Office"],
    "non_profit": ["Foundation", "Institute", "Alliance"],
    "academic": ["University", "College", "Research Centre"],
}
FIRST_NAMES = [
    "Alice", "Amir", "Anaïs", "Benoît", "Camille", "Chloé", "David", "Élise", "Fatima", "François", "Gabriel",
    "Hugo", "Isabelle", "Jasmine", "Julien", "Karim", "Léa", "Louis", "Maya", "Mathieu", "Nadia", "Noah",
    "Olivier", "Priya", "Rachel", "Samuel", "Sofia", "Thomas", "Wei", "Yasmine", "Zoé", "Émile",
]
LAST_NAMES = [
    "Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Gagné", "Ouellet",
    "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc", "Paquette", "Girard", "Simard", "Boucher", "Nguyen",
    "Chen", "Singh", "Patel", "Kim", "Martin", "Smith", "Haddad", "Diallo", "Rossi", "Müller", "Dubois",
]
TITLES = [
    "Chief Technology Officer", "Director of Research", "VP Partnerships", "Data Scientist", "HR Manager",
    "Talent Acquisition Lead", "Product Manager", "Program Officer", "Professor", "Chief Executive Officer", "",
]
INTERACTION_KINDS = [("meeting", 25), ("call", 20), ("email", 40), ("event", 5), ("visit", 4), ("note", 6)]
SUBJECTS = [
    "Partnership renewal", "Internship needs for next term", "Research project scoping", "Quarterly check-in",
    "Fair registration", "Introduction to a researcher", "Agreement follow-up", "Workshop invitation",
    "Hiring of interns", "Data sharing discussion", "Demo of the prototype", "Budget for the collaboration",
]
COLLABORATION_KINDS = [("applied_research", 35), ("academic_research", 15), ("short_term", 20), ("internship", 20),
                       ("workshop", 5), ("startup_support", 5)]
COLLABORATION_STATUSES = [("planned", 10), ("active", 35), ("completed", 45), ("on_hold", 5), ("cancelled", 5)]
TOPICS = ["forecasting", "computer vision", "language models", "drug discovery", "energy demand", "fraud detection",
          "supply chains", "climate risk", "robot grasping", "speech recognition", "recommendation", "anomaly detection"]


@dataclass(frozen=True)
class Sizes:
    """How many of each record to generate; collaborations, fairs and agreements follow in proportion."""

    organizations: int
    contacts: int
    interactions: int


def _weighted(rng, pairs, k):
    values, weights = zip(*pairs)
    return rng.choices(values, weights=weights, k=k)


def _zipf_cumulative(n, exponent):
    """Cumulative weights 1/rank^s: a few very active partners and a long tail."""
    return list(itertools.accumulate(1.0 / (rank ** exponent) for rank in range(1, n + 1)))


def _insert(table, columns, rows):
    """Write ``rows`` (tuples in ``columns`` order) with COPY on PostgreSQL, multi-row inserts elsewhere."""
    quote = connection.ops.quote_name
    column_sql = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({column_sql}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {quote(table)} ({column_sql}) VALUES ({placeholders})"
        rows = iter(rows)
        while batch := list(itertools.islice(rows, BATCH)):
            cursor.executemany(sql, [tuple(_adapt(v) for v in row) for row in batch])


def _adapt(value):
    # SQLite stores dates and datetimes as Django's own text format; adapt them the way the ORM does.
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _next_id(model):
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def _reset_sequences(models):
    """Explicit ids bypass PostgreSQL's sequences; move them past the new rows."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _authors(rng):
    users = []
    for number in range(1, 9):
        user, _ = get_user_model().objects.get_or_create(
            username=f"{AUTHOR_PREFIX}{number}",
            defaults={"first_name": rng.choice(FIRST_NAMES), "last_name": rng.choice(LAST_NAMES), "is_active": False},
        )
        users.append(user.pk)
    return users


def _moment(day, rng):
    return datetime.datetime.combine(day, datetime.time(rng.randrange(8, 18), rng.randrange(60)), datetime.UTC)


class Generator:
    """Writes one deterministic data set for a seed; ``run()`` returns the counts written."""

    def __init__(self, sizes, seed, today=None):
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.start = self.today - datetime.timedelta(days=3652)
        self.counts = {}

    def day(self, start=None, end=None):
        start, end = start or self.start, end or self.today
        return start + datetime.timedelta(days=self.rng.randrange((end - start).days + 1))

    @transaction.atomic
    def run(self):
        self.authors = _authors(self.rng)
        self.organizations()
        self.contacts()
        self.interactions()
        self.collaborations()
        self.agreements()
        self.fairs()
        _reset_sequences([Organization, Contact, Interaction, Collaboration, CollaborationPartner, Agreement,
                          EventSeries, InternshipFair, FairParticipation])
        # Bulk loads leave the planner's statistics stale (PostgreSQL's autovacuum catches up minutes later;
        # SQLite has none until asked): without them the first pages after generation pick bad plans.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        search.flush_pending()
        return self.counts

    def organizations(self):
        rng, n = self.rng, self.sizes.organizations
        taken = set(Organization.objects.values_list("name_key", flat=True))
        first = _next_id(Organization)
        kinds, statuses = _weighted(rng, KINDS, n), _weighted(rng, STATUSES, n)
        places = _weighted(rng, [((c, k), w) for c, k, w in PLACES], n)
        rows, self.org_ids, self.org_status = [], list(range(first, first + n)), {}
        for index, org_id in enumerate(self.org_ids):
            kind, status = kinds[index], statuses[index]
            name = " ".join(filter(None, [rng.choice(STEMS), rng.choice(TRADES), rng.choice(FORMS[kind])]))
            key = normalize_name(name)
            if key in taken:
                name = f"{name} {index + 1}"
                key = normalize_name(name)
            taken.add(key)
            short = "".join(word[0] for word in name.split()[:3]).upper() if rng.random() < 0.3 else ""
            since = rng.randrange(2016, self.today.year + 1) if status in ("partner", "former") else None
            owner = rng.choice(self.authors) if rng.random() < 0.7 else None
            created = _moment(self.day(), rng)
            city, country = places[index]
            rows.append((org_id, name, "", key, short, kind, city, country, "", "", rng.choice([None, 12, 40, 250, 1800]),
                         status, since, owner, None, created, created, True, 1, None, ""))
            self.org_status[org_id] = status
        _insert(Organization._meta.db_table,
                ["id", "name", "name_fr", "name_key", "short_name", "kind", "city", "country", "website", "description",
                 "employee_count", "status", "partner_since", "relationship_owner_id", "parent_id", "created_at",
                 "updated_at", "is_synthetic", "version", "archived_at", "external_id"], rows)
        sectors = [Sector.objects.get_or_create(name=name)[0].pk for name in SECTORS]
        links = {(org_id, sector) for org_id in self.org_ids for sector in rng.sample(sectors, rng.randrange(1, 4))}
        _insert(Organization.sectors.through._meta.db_table, ["organization_id", "sector_id"], sorted(links))
        # Activity follows a shuffled Zipf law, so the busiest partners are not the first alphabetically.
        self.by_activity = self.org_ids[:]
        rng.shuffle(self.by_activity)
        self.counts["organizations"] = n

    def contacts(self):
        rng, n = self.rng, self.sizes.contacts
        first = _next_id(Contact)
        owners = rng.choices(self.by_activity, cum_weights=_zipf_cumulative(len(self.by_activity), 0.6), k=n)
        rows, self.contacts_of = [], {}
        for index in range(n):
            contact_id, org_id = first + index, owners[index]
            given, family = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = f"{normalize_name(given)}.{normalize_name(family)}{index + 1}@example.com".replace(" ", "")
            created = _moment(self.day(), rng)
            primary = org_id not in self.contacts_of
            self.contacts_of.setdefault(org_id, []).append(contact_id)
            rows.append((contact_id, given, family, rng.choice(TITLES), org_id, email, "", primary, "", None,
                         created, created, True, 1, None, ""))
        _insert(Contact._meta.db_table,
                ["id", "first_name", "last_name", "title", "organization_id", "email", "phone", "is_primary", "notes",
                 "anonymized_at", "created_at", "updated_at", "is_synthetic", "version", "archived_at", "external_id"], rows)
        self.counts["contacts"] = n

    def interactions(self):
        rng, n = self.rng, self.sizes.interactions
        first = _next_id(Interaction)
        owners = rng.choices(self.by_activity, cum_weights=_zipf_cumulative(len(self.by_activity), 1.0), k=n)
        kinds = _weighted(rng, INTERACTION_KINDS, n)
        links = []

        def rows():
            for index in range(n):
                interaction_id, org_id = first + index, owners[index]
                day = self.day()
                follow_up, done = None, False
                if rng.random() < 0.15:
                    follow_up = day + datetime.timedelta(days=rng.randrange(7, 45))
                    done = follow_up < self.today and rng.random() < 0.85
                people = self.contacts_of.get(org_id)
                if people and rng.random() < 0.4:
                    links.append((interaction_id, rng.choice(people)))
                created = _moment(day, rng)
                yield (interaction_id, org_id, day, kinds[index], rng.choice(SUBJECTS), "", rng.choice(self.authors),
                       follow_up, done, created, created, True, 1, "")

        _insert(Interaction._meta.db_table,
                ["id", "organization_id", "occurred_on", "kind", "subject", "notes", "author_id", "follow_up_on",
                 "follow_up_done", "created_at", "updated_at", "is_synthetic", "version", "external_id"], rows())
        _insert(Interaction.contacts.through._meta.db_table, ["interaction_id", "contact_id"], links)
        self.counts["interactions"] = n

    def collaborations(self):
        rng = self.rng
        n = max(1, self.sizes.organizations // 20)
        first = _next_id(Collaboration)
        kinds, statuses = _weighted(rng, COLLABORATION_KINDS, n), _weighted(rng, COLLABORATION_STATUSES, n)
        cumulative = _zipf_cumulative(len(self.by_activity), 0.8)
        rows, links = [], set()
        for index in range(n):
            collaboration_id = first + index
            start = self.day(end=self.today - datetime.timedelta(days=60))
            end = start + datetime.timedelta(days=rng.randrange(90, 1100))
            created = _moment(start, rng)
            topic = rng.choice(TOPICS)
            rows.append((collaboration_id, f"{topic.capitalize()} project {index + 1}", kinds[index], statuses[index],
                         start.year, start, end, f"Joint work on {topic}.", "", "", created, created, True, 1))
            for org_id in set(rng.choices(self.by_activity, cum_weights=cumulative, k=rng.randrange(1, 4))):
                links.add((collaboration_id, org_id))
        _insert(Collaboration._meta.db_table,
                ["id", "title", "kind", "status", "start_year", "start_on", "end_on", "summary", "objectives",
                 "outcomes", "created_at", "updated_at", "is_synthetic", "version"], rows)
        _insert(CollaborationPartner._meta.db_table, ["collaboration_id", "organization_id"], sorted(links))
        self.counts["collaborations"] = n

    def agreements(self):
        rng, rows = self.rng, []
        first = _next_id(Agreement)
        for org_id in self.org_ids:
            if self.org_status[org_id] not in ("partner", "former"):
                continue
            start = self.day(end=self.today - datetime.timedelta(days=30))
            end = start + datetime.timedelta(days=365 * rng.randrange(1, 4))
            status = "active" if end >= self.today else rng.choice(["expired", "renewed"])
            rows.append((first + len(rows), org_id, rng.choice(["partnership", "research", "renewal"]), status,
                         start.year, start, end, None, "", True, 1))
        _insert(Agreement._meta.db_table,
                ["id", "organization_id", "kind", "status", "start_year", "start_on", "end_on", "announced_on", "notes",
                 "is_synthetic", "version"], rows)
        self.counts["agreements"] = len(rows)

    def fairs(self):
        rng = self.rng
        series = EventSeries.objects.create(name=SERIES_NAME, frequency="twice a year", partner_exclusive=True,
                                            is_synthetic=True)
        fair_rows, first_fair = [], _next_id(InternshipFair)
        for index, year in enumerate(range(self.start.year + 1, self.today.year + 1)):
            for offset, (season, month) in enumerate([("spring", 4), ("fall", 10)]):
                held = datetime.date(year, month, 15)
                fair_rows.append((first_fair + len(fair_rows), series.pk, f"Synthetic {season} {year} fair", season,
                                  year, held, "Montreal", "", True))
        _insert(InternshipFair._meta.db_table,
                ["id", "series_id", "name", "season", "year", "held_on", "location", "notes", "is_synthetic"], fair_rows)
        partners = [o for o in self.org_ids if self.org_status[o] == "partner"]
        rows, first = [], _next_id(FairParticipation)
        for fair in fair_rows:
            held = fair[5]
            for org_id in rng.sample(partners, min(len(partners), max(1, len(partners) // 10))):
                status = ("attended" if rng.random() < 0.8 else "cancelled") if held < self.today else "registered"
                offered = rng.randrange(0, 6)
                hired = rng.randrange(0, offered + 1) if status == "attended" else 0
                rows.append((first + len(rows), fair[0], org_id, status, offered, rng.randrange(0, 3), hired,
                             rng.randrange(0, hired + 1), "", True, 1))
        _insert(FairParticipation._meta.db_table,
                ["id", "fair_id", "organization_id", "status", "internships_offered", "full_time_offered",
                 "interns_hired", "converted_full_time", "notes", "is_synthetic", "version"], rows)
        self.counts["fairs"] = len(fair_rows)
        self.counts["fair participations"] = len(rows)


def generate(*, organizations, contacts, interactions, seed, today=None):
    """Generate a synthetic data set; the same seed (and day) gives the same records."""
    counts = Generator(Sizes(organizations, contacts, interactions), seed, today).run()
    _vacuum()
    return counts


def _vacuum():
    """PostgreSQL: VACUUM after the load, outside its transaction (VACUUM cannot run inside one).

    Until a table is vacuumed its visibility map is empty and an index-only scan visits the table for
    every row anyway: a broad search read 9,400 pages instead of 41 for its partners' collaborations
    right after generating scale L, until autovacuum came by minutes later.
    """
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")


def synthetic_exists():
    return Organization.objects.filter(is_synthetic=True).exists()


@transaction.atomic
def remove():
    """Delete every synthetic record (and what hangs on a synthetic partner) in dependency order."""
    quote = connection.ops.quote_name
    org, collab = quote(Organization._meta.db_table), quote(Collaboration._meta.db_table)
    synthetic_orgs = f"SELECT id FROM {org} WHERE is_synthetic = %s"
    interaction, fair = quote(Interaction._meta.db_table), quote(InternshipFair._meta.db_table)
    steps = [
        (Interaction.contacts.through, f"interaction_id IN (SELECT id FROM {interaction} WHERE is_synthetic = %s "
                                       f"OR organization_id IN ({synthetic_orgs}))", 2),
        (Interaction, f"is_synthetic = %s OR organization_id IN ({synthetic_orgs})", 2),
        (Participant, f"collaboration_id IN (SELECT id FROM {collab} WHERE is_synthetic = %s)", 1),
        (CollaborationPartner, f"organization_id IN ({synthetic_orgs}) "
                               f"OR collaboration_id IN (SELECT id FROM {collab} WHERE is_synthetic = %s)", 2),
        (Collaboration, "is_synthetic = %s", 1),
        (FairParticipation, f"is_synthetic = %s OR organization_id IN ({synthetic_orgs}) "
                            f"OR fair_id IN (SELECT id FROM {fair} WHERE is_synthetic = %s)", 3),
        (InternshipFair, "is_synthetic = %s", 1),
        (EventSeries, "is_synthetic = %s", 1),
        (Agreement, f"is_synthetic = %s OR organization_id IN ({synthetic_orgs})", 2),
        (Organization.sectors.through, f"organization_id IN ({synthetic_orgs})", 1),
        (Organization.programs.through, f"organization_id IN ({synthetic_orgs})", 1),
        (Contact, f"is_synthetic = %s OR organization_id IN ({synthetic_orgs})", 2),
        (Organization, "is_synthetic = %s", 1),
    ]
    removed = {}
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {org} SET parent_id = NULL WHERE parent_id IN ({synthetic_orgs})", [True])
        for model, where, params in steps:
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)} WHERE {where}", [True] * params)
            removed[model._meta.verbose_name_plural] = cursor.rowcount
    get_user_model().objects.filter(username__startswith=AUTHOR_PREFIX, interactions__isnull=True).delete()
    return removed
