"""The demo courses in data and operations: Data Science with Python, DevOps and Cloud
Engineering."""

from __future__ import annotations

from mentor_tui.demo.course_model import DemoCourse, DemoModule

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
