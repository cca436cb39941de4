"""The demo courses in programming: Python Foundations and Web Development with JavaScript."""

from __future__ import annotations

from mentor_tui.demo.course_model import DemoCourse, DemoModule

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
