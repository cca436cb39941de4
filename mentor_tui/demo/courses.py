"""The demo programme's courses: modules in order, three assignments per module, and a code
sample per module that students' submissions quote (so the review queue shows real code)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoModule:
    title: str
    assignments: tuple[tuple[str, str], ...]  # (title, description)
    code: str


@dataclass(frozen=True)
class DemoCourse:
    title: str
    description: str
    language: str  # the fence tag of its code samples
    skills: tuple[str, ...]  # which students' needed skills lead to this course
    modules: tuple[DemoModule, ...]


PYTHON_FOUNDATIONS = DemoCourse(
    title="Python Foundations",
    description="From your first variable to a tested command-line application.",
    language="python",
    skills=("python", "testing", "git"),
    modules=(
        DemoModule(
            "Variables, types and input",
            (
                ("Temperature converter", "Convert Celsius to Fahrenheit and back from input."),
                ("Receipt calculator", "Add tax and tip to a bill and print a tidy receipt."),
                ("Name formatter", "Turn messy user input into a properly cased full name."),
            ),
            'celsius = float(input("Temperature in °C: "))\n'
            "fahrenheit = celsius * 9 / 5 + 32\n"
            'print(f"{celsius:.1f} °C is {fahrenheit:.1f} °F")',
        ),
        DemoModule(
            "Control flow",
            (
                ("FizzBuzz with a twist", "FizzBuzz, then let the caller choose the words."),
                ("Number guessing game", "A guessing game that tells the player hot or cold."),
                ("Leap year checker", "Decide leap years, including the century rule."),
            ),
            "def is_leap(year: int) -> bool:\n"
            "    if year % 400 == 0:\n"
            "        return True\n"
            "    if year % 100 == 0:\n"
            "        return False\n"
            "    return year % 4 == 0",
        ),
        DemoModule(
            "Functions",
            (
                ("Password strength checker", "Score a password and explain the score."),
                ("Refactor into functions", "Split a 120-line script into small functions."),
                ("Recursion drills", "Factorial, Fibonacci and flattening nested lists."),
            ),
            "from functools import lru_cache\n\n\n"
            "@lru_cache(maxsize=None)\n"
            "def fib(n: int) -> int:\n"
            "    return n if n < 2 else fib(n - 1) + fib(n - 2)",
        ),
        DemoModule(
            "Lists and dictionaries",
            (
                ("Word frequency counter", "Count the words of a text file, most common first."),
                ("Gradebook", "Store students' grades and report averages per subject."),
                ("Inventory tracker", "Add, remove and report stock with dictionaries."),
            ),
            "from collections import Counter\n\n"
            "def top_words(text: str, n: int = 10) -> list[tuple[str, int]]:\n"
            "    words = [w.strip('.,!?').lower() for w in text.split()]\n"
            "    return Counter(w for w in words if w).most_common(n)",
        ),
        DemoModule(
            "Files and errors",
            (
                ("CSV summary report", "Summarise a CSV of expenses by category."),
                ("Robust config loader", "Load a config file and explain every bad value."),
                ("Log file analyser", "Find the busiest hour and the most common error."),
            ),
            "import csv\nfrom pathlib import Path\n\n"
            "def load_rows(path: Path) -> list[dict[str, str]]:\n"
            "    try:\n"
            '        with path.open(newline="", encoding="utf-8") as f:\n'
            "            return list(csv.DictReader(f))\n"
            "    except FileNotFoundError:\n"
            '        raise SystemExit(f"No such file: {path}")',
        ),
        DemoModule(
            "Classes and objects",
            (
                ("Bank account class", "An account with deposits, withdrawals and history."),
                ("Library system", "Books, members and loans with due dates."),
                ("Shapes with inheritance", "Area and perimeter for a family of shapes."),
            ),
            "class Account:\n"
            "    def __init__(self, owner: str) -> None:\n"
            "        self.owner = owner\n"
            "        self.history: list[int] = []\n\n"
            "    def deposit(self, cents: int) -> None:\n"
            "        if cents <= 0:\n"
            '            raise ValueError("deposit must be positive")\n'
            "        self.history.append(cents)\n\n"
            "    @property\n"
            "    def balance(self) -> int:\n"
            "        return sum(self.history)",
        ),
        DemoModule(
            "Modules and testing",
            (
                ("Package your utilities", "Turn your helpers into an installable package."),
                ("Unit tests with pytest", "Cover your gradebook with meaningful tests."),
                ("Test-driven kata", "Build a Roman numeral converter test first."),
            ),
            "import pytest\n\nfrom roman import to_roman\n\n\n"
            '@pytest.mark.parametrize("n, expected", [(1, "I"), (4, "IV"), (1994, "MCMXCIV")])\n'
            "def test_to_roman(n: int, expected: str) -> None:\n"
            "    assert to_roman(n) == expected",
        ),
        DemoModule(
            "Capstone project",
            (
                ("Capstone proposal", "One page: the problem, the users, the first version."),
                ("Capstone command-line app", "Your working, tested command-line application."),
                ("Capstone write-up", "What you built, what you learned, what comes next."),
            ),
            "import argparse\n\n\n"
            "def main() -> int:\n"
            '    parser = argparse.ArgumentParser(prog="habits")\n'
            '    parser.add_argument("command", choices=["add", "list", "streak"])\n'
            "    args = parser.parse_args()\n"
            "    return run(args.command)",
        ),
    ),
)

WEB_JAVASCRIPT = DemoCourse(
    title="Web Development with JavaScript",
    description="Modern JavaScript in the browser and on the server, finishing with React.",
    language="javascript",
    skills=("javascript", "typescript", "react", "node.js", "web accessibility"),
    modules=(
        DemoModule(
            "JavaScript basics",
            (
                ("Tip calculator", "Split a bill between friends, rounding fairly."),
                ("String utilities", "Capitalise, truncate and slugify strings."),
                ("Array drills", "map, filter and reduce over a list of orders."),
            ),
            "const total = orders\n"
            "  .filter((o) => o.status === 'paid')\n"
            "  .reduce((sum, o) => sum + o.amount, 0);\n"
            "console.log(`Paid total: ${total.toFixed(2)}`);",
        ),
        DemoModule(
            "The DOM",
            (
                ("Interactive to-do list", "Add, complete and remove to-dos without a reload."),
                ("Image gallery", "A keyboard-accessible gallery with a lightbox."),
                ("Form validation", "Validate a sign-up form and explain each error."),
            ),
            "const list = document.querySelector('#todos');\n"
            "form.addEventListener('submit', (event) => {\n"
            "  event.preventDefault();\n"
            "  const item = document.createElement('li');\n"
            "  item.textContent = input.value.trim();\n"
            "  list.append(item);\n"
            "});",
        ),
        DemoModule(
            "Events and state",
            (
                ("Counter with undo", "A counter that can undo and redo every change."),
                ("Keyboard shortcuts", "Add shortcuts to your to-do list app."),
                ("Tabs component", "An accessible tabs widget driven by state."),
            ),
            "const history = [0];\n"
            "let position = 0;\n\n"
            "function apply(delta) {\n"
            "  history.splice(position + 1);\n"
            "  history.push(history[position] + delta);\n"
            "  position += 1;\n"
            "}",
        ),
        DemoModule(
            "Asynchronous JavaScript",
            (
                ("Weather widget", "Fetch a forecast and show loading and error states."),
                ("From promises to async/await", "Rewrite a promise chain with async/await."),
                ("Debounced search", "Search as the user types without flooding the API."),
            ),
            "function debounce(fn, ms) {\n"
            "  let timer;\n"
            "  return (...args) => {\n"
            "    clearTimeout(timer);\n"
            "    timer = setTimeout(() => fn(...args), ms);\n"
            "  };\n"
            "}",
        ),
        DemoModule(
            "Node.js and Express",
            (
                ("REST API for notes", "CRUD endpoints for notes with proper status codes."),
                ("Request logging middleware", "Log method, path, status and duration."),
                ("Input validation", "Reject bad input with helpful error messages."),
            ),
            "app.post('/notes', async (req, res) => {\n"
            "  const { title, body } = req.body;\n"
            "  if (!title) {\n"
            "    return res.status(400).json({ error: 'title is required' });\n"
            "  }\n"
            "  const note = await notes.create({ title, body });\n"
            "  res.status(201).json(note);\n"
            "});",
        ),
        DemoModule(
            "Databases for web apps",
            (
                ("Persist notes in SQLite", "Replace the in-memory store with SQLite."),
                ("Pagination", "Keyset pagination for the notes list."),
                ("Schema migrations", "Add a column without losing data."),
            ),
            "const rows = db\n"
            "  .prepare('SELECT id, title FROM notes WHERE id > ? ORDER BY id LIMIT ?')\n"
            "  .all(afterId, pageSize);",
        ),
        DemoModule(
            "React",
            (
                ("Component library", "Button, Card and Modal components with props."),
                ("Stateful form", "A multi-step form with validation and a summary."),
                ("Data fetching hook", "A reusable useFetch hook with cancellation."),
            ),
            "function useFetch(url) {\n"
            "  const [state, setState] = useState({ loading: true });\n"
            "  useEffect(() => {\n"
            "    const controller = new AbortController();\n"
            "    fetch(url, { signal: controller.signal })\n"
            "      .then((r) => r.json())\n"
            "      .then((data) => setState({ data }));\n"
            "    return () => controller.abort();\n"
            "  }, [url]);\n"
            "  return state;\n"
            "}",
        ),
        DemoModule(
            "Capstone project",
            (
                ("Capstone proposal", "The app, its users and the smallest useful version."),
                ("Capstone full-stack app", "Your deployed full-stack application."),
                ("Capstone retrospective", "What went well, what you would change."),
            ),
            "export default function App() {\n"
            "  const { data, loading } = useFetch('/api/habits');\n"
            "  if (loading) return <Spinner />;\n"
            "  return <HabitList habits={data} />;\n"
            "}",
        ),
    ),
)

DATA_SCIENCE = DemoCourse(
    title="Data Science with Python",
    description="NumPy, pandas, statistics and a first taste of machine learning.",
    language="python",
    skills=("data science", "machine learning", "sql", "python"),
    modules=(
        DemoModule(
            "NumPy essentials",
            (
                ("Array statistics", "Mean, median and spread of sensor readings."),
                ("Vectorise a loop", "Replace a slow Python loop with NumPy."),
                ("Matrix operations", "Solve a small linear system two ways."),
            ),
            "import numpy as np\n\n"
            "readings = np.loadtxt('sensor.csv', delimiter=',')\n"
            "z = (readings - readings.mean()) / readings.std()\n"
            "outliers = readings[np.abs(z) > 3]",
        ),
        DemoModule(
            "pandas fundamentals",
            (
                ("Clean a messy CSV", "Fix types, missing values and duplicated rows."),
                ("Group and aggregate", "Monthly revenue per region with groupby."),
                ("Join two datasets", "Merge customers and orders and explain the joins."),
            ),
            "import pandas as pd\n\n"
            "df = pd.read_csv('sales.csv', parse_dates=['ordered_at'])\n"
            "monthly = (\n"
            "    df.groupby([df.ordered_at.dt.to_period('M'), 'region'])['amount']\n"
            "    .sum()\n"
            "    .unstack()\n"
            ")",
        ),
        DemoModule(
            "Visualisation",
            (
                ("Exploratory plots", "Five plots that taught you something about the data."),
                ("A dashboard figure", "One figure with four panels that share axes."),
                ("One chart, one story", "A single chart with a title that states the finding."),
            ),
            "import matplotlib.pyplot as plt\n\n"
            "fig, ax = plt.subplots(figsize=(8, 4))\n"
            "monthly.plot(ax=ax, marker='o')\n"
            "ax.set_title('Revenue grew fastest in the north after March')\n"
            "fig.savefig('revenue.png', dpi=150, bbox_inches='tight')",
        ),
        DemoModule(
            "Statistics for data science",
            (
                ("Confidence intervals", "Bootstrap a confidence interval for a median."),
                ("A/B test analysis", "Decide whether the new checkout page helped."),
                ("Correlation and causation", "A short essay with two worked examples."),
            ),
            "from scipy import stats\n\n"
            "result = stats.ttest_ind(variant, control, equal_var=False)\n"
            "print(f't = {result.statistic:.2f}, p = {result.pvalue:.4f}')",
        ),
        DemoModule(
            "SQL for analysts",
            (
                ("Window functions", "Running totals and ranks with window functions."),
                ("Cohort retention", "Monthly retention by sign-up cohort in SQL."),
                ("Query a sales database", "Answer ten business questions with SQL."),
            ),
            "SELECT region,\n"
            "       order_month,\n"
            "       SUM(amount) OVER (PARTITION BY region ORDER BY order_month) AS running\n"
            "FROM monthly_sales\n"
            "ORDER BY region, order_month;",
        ),
        DemoModule(
            "Machine learning basics",
            (
                ("Linear regression", "Predict house prices and interpret coefficients."),
                ("Train and test splits", "Show what goes wrong without a held-out set."),
                ("First classifier", "Classify iris species with scikit-learn."),
            ),
            "from sklearn.linear_model import LinearRegression\n"
            "from sklearn.model_selection import train_test_split\n\n"
            "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
            "model = LinearRegression().fit(X_train, y_train)\n"
            "print(model.score(X_test, y_test))",
        ),
        DemoModule(
            "Model evaluation",
            (
                ("Cross-validation", "Compare three models with 5-fold cross-validation."),
                ("Confusion matrix report", "Precision, recall and what they mean here."),
                ("Feature importance", "Which features matter, and how sure are you?"),
            ),
            "from sklearn.model_selection import cross_val_score\n\n"
            "for name, model in candidates.items():\n"
            "    scores = cross_val_score(model, X, y, cv=5, scoring='f1')\n"
            "    print(f'{name:>12}: {scores.mean():.3f} ± {scores.std():.3f}')",
        ),
        DemoModule(
            "Capstone project",
            (
                ("Capstone proposal", "A question, a dataset and how you will answer it."),
                ("Capstone analysis notebook", "The cleaned data, the analysis, the model."),
                ("Capstone presentation", "Ten slides for a non-technical audience."),
            ),
            "pipeline = Pipeline([\n"
            "    ('scale', StandardScaler()),\n"
            "    ('model', RandomForestClassifier(n_estimators=300, random_state=0)),\n"
            "])\n"
            "pipeline.fit(X_train, y_train)",
        ),
    ),
)

DEVOPS_CLOUD = DemoCourse(
    title="DevOps and Cloud Engineering",
    description="Linux, containers, pipelines, infrastructure as code and running services.",
    language="bash",
    skills=("devops", "docker", "kubernetes", "cloud", "linux", "security", "go"),
    modules=(
        DemoModule(
            "Linux and the shell",
            (
                ("Shell scripting basics", "A backup script with arguments and exit codes."),
                ("Log rotation", "Rotate and compress logs older than a week."),
                ("Permissions audit", "Find world-writable files and explain the risk."),
            ),
            "#!/usr/bin/env bash\nset -euo pipefail\n\n"
            'src="${1:?usage: backup.sh SOURCE DEST}"\n'
            'dest="${2:?usage: backup.sh SOURCE DEST}"\n'
            'tar -czf "$dest/backup-$(date +%F).tar.gz" -C "$src" .',
        ),
        DemoModule(
            "Git and collaboration",
            (
                ("Branching strategy", "Propose a branching model for a team of five."),
                ("Resolve a merge conflict", "Resolve a real conflict and explain each choice."),
                ("A good pull request", "Open a PR with a description reviewers will thank."),
            ),
            "git switch -c feature/rotate-logs\n"
            "git add -p\n"
            'git commit -m "Rotate logs weekly and keep four archives"\n'
            "git push -u origin feature/rotate-logs",
        ),
        DemoModule(
            "Containers",
            (
                ("Dockerfile for a web app", "Containerise the notes API."),
                ("Multi-stage builds", "Shrink the image below 100 MB."),
                ("Docker Compose stack", "API, database and a reverse proxy together."),
            ),
            "FROM python:3.12-slim AS build\n"
            "WORKDIR /app\n"
            "COPY requirements.txt .\n"
            "RUN pip install --no-cache-dir --prefix=/install -r requirements.txt\n\n"
            "FROM python:3.12-slim\n"
            "COPY --from=build /install /usr/local\n"
            "COPY . /app\n"
            'CMD ["python", "-m", "notes"]',
        ),
        DemoModule(
            "Continuous integration",
            (
                ("A CI pipeline", "Lint, test and build on every push."),
                ("Caching dependencies", "Cut the pipeline time in half with caching."),
                ("Matrix builds", "Test on three versions and two operating systems."),
            ),
            "jobs:\n"
            "  test:\n"
            "    runs-on: ubuntu-latest\n"
            "    strategy:\n"
            "      matrix:\n"
            '        python: ["3.11", "3.12", "3.13"]\n'
            "    steps:\n"
            "      - uses: actions/checkout@v4\n"
            "      - run: make test",
        ),
        DemoModule(
            "Infrastructure as code",
            (
                ("Provision a server", "A virtual machine and its firewall with Terraform."),
                ("Remote state", "Move state to shared storage with locking."),
                ("Reusable modules", "Extract a module and use it twice."),
            ),
            'resource "aws_instance" "web" {\n'
            "  ami           = var.ami_id\n"
            '  instance_type = "t3.micro"\n'
            "  tags = {\n"
            '    Name = "notes-web"\n'
            "  }\n"
            "}",
        ),
        DemoModule(
            "Kubernetes",
            (
                ("Deploy to Kubernetes", "A Deployment and a Service for the notes API."),
                ("Health checks", "Readiness and liveness probes that mean something."),
                ("Configuration and secrets", "ConfigMaps and Secrets without leaking them."),
            ),
            "apiVersion: apps/v1\n"
            "kind: Deployment\n"
            "metadata:\n"
            "  name: notes-api\n"
            "spec:\n"
            "  replicas: 3\n"
            "  template:\n"
            "    spec:\n"
            "      containers:\n"
            "        - name: api\n"
            "          image: registry.example.org/notes-api:1.4.2\n"
            "          readinessProbe:\n"
            "            httpGet: { path: /healthz, port: 8000 }",
        ),
        DemoModule(
            "Observability",
            (
                ("Structured logging", "JSON logs with request ids across services."),
                ("Metrics and alerts", "Three alerts that would wake you for good reason."),
                ("Incident postmortem", "A blameless write-up of a simulated outage."),
            ),
            "groups:\n"
            "  - name: notes-api\n"
            "    rules:\n"
            "      - alert: HighErrorRate\n"
            '        expr: rate(http_requests_total{status=~"5.."}[5m]) > 0.05\n'
            "        for: 10m",
        ),
        DemoModule(
            "Capstone project",
            (
                ("Capstone design", "Architecture diagram and the reasons behind it."),
                ("Capstone platform", "Your service, deployed by a pipeline, observable."),
                ("Capstone runbook", "How someone else operates it at 3 a.m."),
            ),
            "make plan\n"
            "make apply ENV=staging\n"
            "kubectl rollout status deployment/notes-api --timeout=120s",
        ),
    ),
)

COURSES: tuple[DemoCourse, ...] = (PYTHON_FOUNDATIONS, WEB_JAVASCRIPT, DATA_SCIENCE, DEVOPS_CLOUD)

# Code fences per module where the course language does not fit every module.
FENCE_OVERRIDES: dict[tuple[str, str], str] = {
    (DATA_SCIENCE.title, "SQL for analysts"): "sql",
    (DEVOPS_CLOUD.title, "Containers"): "dockerfile",
    (DEVOPS_CLOUD.title, "Continuous integration"): "yaml",
    (DEVOPS_CLOUD.title, "Infrastructure as code"): "hcl",
    (DEVOPS_CLOUD.title, "Kubernetes"): "yaml",
    (DEVOPS_CLOUD.title, "Observability"): "yaml",
    (WEB_JAVASCRIPT.title, "Capstone project"): "jsx",
}


def fence_for(course: DemoCourse, module: DemoModule) -> str:
    return FENCE_OVERRIDES.get((course.title, module.title), course.language)
