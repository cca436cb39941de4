"""People for the demo database: given and family names from many cultures, timezones, and the
skills vocabulary that mentors' expertise and students' needs are drawn from (shared on purpose,
so the matching algorithm has real overlaps to find)."""

from __future__ import annotations

import unicodedata

FIRST_NAMES: tuple[str, ...] = (
    # West and East Africa
    "Amara", "Chidi", "Ngozi", "Kwame", "Abena", "Kofi", "Yaw", "Efua", "Tunde", "Folake",
    "Oluwaseun", "Adaeze", "Emeka", "Zainab", "Wanjiru", "Kamau", "Achieng", "Baraka",
    "Nia", "Tendai", "Thabo", "Lerato", "Sipho", "Naledi", "Mandla", "Ayodele", "Halima",
    # North Africa and the Middle East
    "Youssef", "Fatima", "Omar", "Layla", "Karim", "Yasmin", "Tariq", "Nour", "Samir",
    "Rania", "Hassan", "Salma", "Idris", "Leila", "Dalia", "Khalid", "Amira", "Reza",
    "Shirin", "Dariush", "Parisa", "Emre", "Elif", "Deniz", "Zeynep", "Noa", "Avi", "Tamar",
    # South Asia
    "Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Kavya", "Arjun", "Meera", "Sanjay",
    "Divya", "Rahul", "Ishita", "Nikhil", "Sneha", "Farhan", "Nusrat", "Imran", "Ayesha",
    "Tharindu", "Nimali", "Bishal", "Sita",
    # East and Southeast Asia
    "Wei", "Mei", "Jun", "Xiu", "Hao", "Lan", "Haruto", "Yui", "Sota", "Aiko", "Ren",
    "Sakura", "Min-jun", "Ji-woo", "Seo-yeon", "Hyun", "Linh", "Minh", "Thao", "Duc",
    "Siti", "Putri", "Budi", "Ayu", "Rizal", "Jasmine", "Marisol", "Somchai", "Nattaya",
    # Europe
    "Lukas", "Hannah", "Jonas", "Lea", "Mathilde", "Louis", "Chloé", "Élodie", "Søren",
    "Ingrid", "Freya", "Magnus", "Astrid", "Lars", "Sofia", "Matteo", "Giulia", "Lorenzo",
    "Chiara", "Alejandro", "Lucía", "Javier", "Carmen", "João", "Inês", "Tiago", "Beatriz",
    "Łukasz", "Zofia", "Katarzyna", "Piotr", "Tomáš", "Petra", "Ivana", "Nikola", "Dmitri",
    "Olena", "Taras", "Anastasia", "Mihai", "Ioana", "Eleni", "Giorgos", "Zoë", "Niamh",
    "Siobhán", "Ciarán", "Eilidh", "Rhys", "Cerys", "Oliver", "Amelia", "Harry", "Isla",
    # The Americas and Oceania
    "Mateo", "Valentina", "Santiago", "Camila", "Diego", "Isabela", "Gabriel", "Luana",
    "Thiago", "Ximena", "Emiliano", "Renata", "Jayden", "Maya", "Ethan", "Ava", "Noah",
    "Olivia", "Malik", "Imani", "Dakota", "Aiyana", "Tahu", "Aroha", "Kai", "Leilani",
    "Marcus", "Grace", "Daniel", "Chloe", "Samuel", "Elena",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Okafor", "Adeyemi", "Mensah", "Boateng", "Owusu", "Nwosu", "Eze", "Balogun", "Kariuki",
    "Otieno", "Mwangi", "Njoroge", "Moyo", "Dlamini", "Ndlovu", "Khumalo", "Abebe", "Tesfaye",
    "Haddad", "Mansour", "El-Amin", "Benali", "Farouk", "Nasser", "Rahimi", "Karimi",
    "Tehrani", "Yilmaz", "Demir", "Kaya", "Şahin", "Cohen", "Levi", "Mizrahi",
    "Sharma", "Patel", "Iyer", "Reddy", "Nair", "Gupta", "Chatterjee", "Singh", "Kapoor",
    "Menon", "Rahman", "Hossain", "Chowdhury", "Perera", "Fernando", "Shrestha", "Khan",
    "Wang", "Li", "Zhang", "Chen", "Liu", "Huang", "Zhao", "Sato", "Suzuki", "Takahashi",
    "Tanaka", "Watanabe", "Nakamura", "Kim", "Park", "Choi", "Jung", "Nguyễn", "Trần",
    "Phạm", "Santoso", "Wijaya", "Hidayat", "Reyes", "Santos", "Bautista", "Dela Cruz",
    "Srisuk", "Wongsakul",
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Dubois", "Moreau", "Lefèvre",
    "Girard", "Jensen", "Nielsen", "Andersen", "Johansson", "Lindqvist", "Hansen", "Berg",
    "Rossi", "Russo", "Bianchi", "Romano", "García", "Fernández", "López", "Martínez",
    "Sánchez", "Silva", "Oliveira", "Costa", "Pereira", "Kowalski", "Nowak", "Wiśniewska",
    "Novák", "Horvat", "Petrović", "Ivanova", "Kovalenko", "Shevchenko", "Popescu",
    "Papadopoulos", "O'Brien", "Murphy", "Byrne", "MacLeod", "Campbell", "Evans", "Hughes",
    "Smith", "Taylor", "Walker",
    "Hernández", "Ramírez", "Torres", "Flores", "Gómez", "Vargas", "Castillo", "Rojas",
    "Mendoza", "Ferreira", "Almeida", "Johnson", "Williams", "Brown", "Jackson", "Washington",
    "Begay", "Yazzie", "Ngata", "Te Rangi", "Kahananui", "Fonoti",
)  # fmt: skip

# Letters that Unicode decomposition leaves alone; everything else folds by NFKD.
_ASCII_EXTRA = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE", "đ": "d",
     "Đ": "D", "ı": "i", "œ": "oe", "þ": "th", "ð": "d"}
)  # fmt: skip


def email_local_part(first: str, last: str) -> str:
    """'Søren', 'Nguyễn' -> 'soren.nguyen': ASCII letters, digits, dots and hyphens only."""
    text = f"{first}.{last}".translate(_ASCII_EXTRA)
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    kept = [c for c in folded.lower().replace(" ", "").replace("'", "") if c.isalnum() or c in ".-"]
    return "".join(kept)


TIMEZONES: tuple[str, ...] = (
    "America/Los_Angeles", "America/Denver", "America/Chicago", "America/New_York",
    "America/Toronto", "America/Mexico_City", "America/Bogota", "America/Lima",
    "America/Sao_Paulo", "America/Argentina/Buenos_Aires", "Europe/London", "Europe/Dublin",
    "Europe/Lisbon", "Europe/Madrid", "Europe/Paris", "Europe/Berlin", "Europe/Stockholm",
    "Europe/Warsaw", "Europe/Athens", "Europe/Kyiv", "Europe/Istanbul", "Africa/Lagos",
    "Africa/Accra", "Africa/Cairo", "Africa/Nairobi", "Africa/Johannesburg", "Asia/Dubai",
    "Asia/Tehran", "Asia/Karachi", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Dhaka",
    "Asia/Bangkok", "Asia/Jakarta", "Asia/Singapore", "Asia/Manila", "Asia/Shanghai",
    "Asia/Seoul", "Asia/Tokyo", "Australia/Perth", "Australia/Sydney", "Pacific/Auckland",
    "Pacific/Honolulu",
)  # fmt: skip

# The shared skills vocabulary: mentors' expertise and students' needed skills.
SKILLS: tuple[str, ...] = (
    "python", "javascript", "typescript", "react", "node.js", "data science",
    "machine learning", "sql", "devops", "docker", "kubernetes", "cloud", "linux",
    "testing", "web accessibility", "system design", "git", "security", "go", "java",
)  # fmt: skip

# Specializations a mentor may hold within an area of expertise.
SPECIALIZATIONS: dict[str, tuple[str, ...]] = {
    "python": ("Python packaging", "async Python", "Django", "FastAPI"),
    "javascript": ("modern JavaScript", "browser performance", "Node.js streams"),
    "typescript": ("TypeScript type design", "TypeScript migrations"),
    "react": ("React hooks", "React state management", "Next.js"),
    "node.js": ("Express APIs", "Node.js streams"),
    "data science": ("pandas", "data visualisation", "experiment design", "statistics"),
    "machine learning": ("scikit-learn", "PyTorch", "model evaluation", "MLOps"),
    "sql": ("PostgreSQL", "query tuning", "data modelling"),
    "devops": ("CI/CD pipelines", "infrastructure as code", "observability"),
    "docker": ("container images", "Docker Compose"),
    "kubernetes": ("Kubernetes operations", "Helm charts"),
    "cloud": ("AWS architecture", "Google Cloud", "Azure fundamentals", "cost optimisation"),
    "linux": ("shell scripting", "Linux administration"),
    "testing": ("test-driven development", "property-based testing", "end-to-end testing"),
    "web accessibility": ("WCAG audits", "screen reader testing"),
    "system design": ("distributed systems", "API design"),
    "git": ("Git workflows", "code review practice"),
    "security": ("web application security", "threat modelling"),
    "go": ("Go concurrency", "Go services"),
    "java": ("Spring Boot", "JVM tuning"),
}

# Where a certificate for a specialization would be checked (reserved example domains).
CERTIFICATE_HOSTS: tuple[str, ...] = (
    "https://certificates.example.org",
    "https://badges.example.com",
    "https://verify.example.net",
)

TEACHING_STYLES: tuple[str, ...] = ("visual", "auditory", "kinesthetic", "mixed")

CONTACT_PREFERENCES: tuple[str, ...] = ("chat", "email", "video call", "phone")

MENTOR_BIOS: tuple[str, ...] = (
    (
        "{years} years building {area} systems in production; I like turning vague questions into "
        "small experiments."
    ),
    (
        "Former teaching assistant, now a {area} engineer. I review code the way I would want mine "
        "reviewed: specific, kind and quick."
    ),
    (
        "I switched careers into {area} after {years} years in another field, so I know how it "
        "feels to start from zero."
    ),
    "Open-source maintainer with a soft spot for {area}. Ask me about reading other people's code.",
    (
        "{years} years of {area} at startups and one very large company. I care about fundamentals "
        "more than frameworks."
    ),
    "I run the local {area} meetup and mentor because someone once did the same for me.",
    "Lead engineer focused on {area}; happiest pairing on a real problem for an hour.",
    "I teach {area} with lots of drawings and worked examples. No question is too small.",
)

STUDENT_GOALS: tuple[str, ...] = (
    "Land a first junior {area} role within six months.",
    "Move from support into a {area} position at my current company.",
    "Build and ship a portfolio project that uses {area} end to end.",
    "Get comfortable enough with {area} to contribute to open source.",
    "Pass a technical interview that includes {area} questions.",
    "Automate the reporting I do by hand at work using {area}.",
    "Finish the course with every module approved and a capstone I am proud of.",
    "Understand {area} well enough to lead a small project at work.",
    "Switch careers from teaching to software, starting with {area}.",
    "Freelance on small {area} projects alongside my studies.",
)

MENTOR_UNAVAILABLE_REASONS: tuple[str, ...] = (
    "Parental leave",
    "Conference travel",
    "Project deadline at work",
    "Medical leave",
)
