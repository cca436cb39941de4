"""What people write in the demo database: submissions, review feedback, mentors' notes and
action items, session agendas and summaries, messages and notifications.

Placeholders: ``{first}`` a student's first name, ``{mentor}`` a mentor's first name,
``{topic}`` a module title in lower case, ``{assignment}`` an assignment title.
"""

from __future__ import annotations

SUBMISSION_INTROS: tuple[str, ...] = (
    "Here is my solution. I kept it small and focused on the core idea first.",
    "This took longer than I expected, mostly because of the edge cases. The main part:",
    "I tried two approaches; this is the one I understand best.",
    "Second try after reading the module notes again. The key function is below.",
    "I paired with a classmate on the tricky part, then rewrote it on my own.",
    "Short version first, explanation after. I am not sure about the naming.",
    "I followed the brief step by step and added a small extra at the end.",
    "Everything works on my machine; I wrote down how I checked it.",
)

SUBMISSION_OUTROS: tuple[str, ...] = (
    "**Question:** is there a cleaner way to handle the error case?",
    "How I tested it:\n\n- the examples from the brief\n- an empty input\n- a very large input",
    (
        "Things I am unsure about:\n\n1. whether this scales past a few thousand items\n"
        "2. if my variable names are clear enough"
    ),
    "I left a `# TODO` where I ran out of time; happy to finish it after feedback.",
    "> The hardest part was reading the error message properly.\n\nLesson learned!",
    "Next time I would write the tests first. Feedback on structure very welcome.",
    "I timed it: it runs in well under a second on the sample data.",
    "Repository link is in my profile; the commit for this one is tagged `week-review`.",
)

FEEDBACK_APPROVED: tuple[str, ...] = (
    "Great work. The structure is clear and the names say what things do. Approved.",
    "Nicely done! Small suggestion for later: extract the repeated block into a helper.",
    "Approved. Your tests cover the edge cases I would have asked about; that is a good habit.",
    (
        "Solid solution. Have a look at `{assignment}` variants in the module notes for a "
        "shorter approach, but this is correct and readable."
    ),
    "Clean and correct. I especially liked how you explained your testing.",
    "Approved — this is exactly the level of detail I hoped for.",
    "Well reasoned. One nit: keep line lengths under 100 characters. Otherwise great.",
    "This works and reads well. Next step: think about what happens with invalid input.",
)

FEEDBACK_CHANGES: tuple[str, ...] = (
    "Close! Please handle the empty input case and add a test for it, then resubmit.",
    "The logic is right but the function does three jobs. Split it up and resubmit.",
    (
        "A few changes please:\n\n- rename `data` to something specific\n"
        "- remove the commented-out code\n- add one test for the error path"
    ),
    "It works for the happy path only. Try the second example from the brief and fix what breaks.",
    "Good start. The brief asks for a short explanation of your approach; please add one.",
    "Please run the formatter and fix the failing test before I review in detail.",
    "Nearly there: the output format does not match the brief (see the expected sample).",
    "Mostly good. Avoid catching every exception; catch the one you expect and say why.",
)

FEEDBACK_REJECTED: tuple[str, ...] = (
    "This submission is for a different assignment. Please submit the `{assignment}` work.",
    "The code does not run: there is a syntax error near the top. Please test before submitting.",
    (
        "This looks copied from an online answer without changes. Let's talk about it in our "
        "next session and then try again in your own words."
    ),
    "The file is empty apart from the template. Resubmit when you have a first attempt.",
    "It does not address the brief yet. Re-read the task and book a session if it's unclear.",
)

NOTES: tuple[str, ...] = (
    (
        "{first} is strong on fundamentals but hesitates to ask questions. Check in proactively "
        "about {topic}."
    ),
    (
        "Talked about pacing. {first} works full time and studies evenings; agreed on two "
        "focused blocks per week."
    ),
    "{first} explained {topic} back to me clearly today — ready for harder exercises.",
    "Noticed {first} copies patterns without knowing why. Next time: explain each line aloud.",
    (
        "{first} got stuck on {topic} for a week before reaching out. Suggested posting in the "
        "forum after 30 minutes of being stuck."
    ),
    "Great energy today. {first} wants to build a portfolio project around {topic}.",
    "{first} mentioned exam stress at university; keep the workload light this fortnight.",
    "Reviewed {first}'s last submissions together: recurring issue is naming and small functions.",
    "{first} prefers written feedback over calls. Keep review comments concrete with examples.",
    "Career chat with {first}: interested in junior roles, wants CV feedback after the capstone.",
    "{first} is ahead of the cohort on {topic}; could pair with someone who is struggling.",
    "Missed the last two check-ins. Sent a friendly nudge; follow up if no reply by Friday.",
    "{first} found a bug in the course material on {topic} and reported it — great initiative.",
    "Debugging habits improving: {first} now reads the traceback from the bottom up.",
    (
        "Discussed imposter syndrome. {first} compares themselves to others a lot; shared my own "
        "story."
    ),
    "{first} asked for more stretch goals. Suggested extending the {topic} assignment.",
)

ACTION_ITEMS: tuple[str, ...] = (
    "{first}: finish the {topic} exercises and push them before our next session.",
    "{first}: write three tests for the last assignment, including one failing case.",
    "Send {first} the reading list on {topic}.",
    "{first}: draft the capstone proposal (one page) and share it.",
    "Review {first}'s CV and LinkedIn summary.",
    "{first}: redo the {topic} quiz and note the questions that felt unclear.",
    "Introduce {first} to another student working on {topic}.",
    "{first}: refactor the previous submission into smaller functions.",
    "Book a pairing session with {first} on debugging {topic}.",
    "{first}: post one question in the course forum this week.",
)

SESSION_SUMMARIES: tuple[str, ...] = (
    (
        "Went through {first}'s questions on {topic}. Agreed next steps and a target date for "
        "the next submission."
    ),
    (
        "Live debugging session: {first} found the bug themselves after we added print "
        "statements step by step."
    ),
    "Reviewed progress on {topic}; {first} is on track. Discussed the capstone idea briefly.",
    "Career conversation and portfolio review. {first} will polish two projects.",
    "Pair programming on the current assignment. {first} drove; I only asked questions.",
    "Short check-in: {first} had a busy week at work, we re-planned the next two modules.",
    "Walked through review feedback together so {first} understands each comment.",
    "Mock technical interview on {topic}. Strong explanation, needs practice on complexity.",
)

SESSION_GROUP_SUMMARIES: tuple[str, ...] = (
    "Group Q&A on {topic}: most questions were about testing and error handling.",
    "Code review circle: three students presented, everyone gave one kind and one useful comment.",
    "Workshop on {topic} with live coding; shared the recording in the course channel.",
    "Study group: worked through the hardest exercise of {topic} in pairs.",
)

# (title, agenda) of the session templates; a session copies the agenda of its template.
SESSION_TEMPLATES: tuple[tuple[str, str], ...] = (
    (
        "First meeting",
        (
            "1. Introductions and background\n2. Goals for the programme\n"
            "3. How and when we communicate\n4. First steps for this week"
        ),
    ),
    (
        "Weekly check-in",
        (
            "1. Wins since last time\n2. Blockers\n3. Review of open action items\n"
            "4. Plan for next week"
        ),
    ),
    (
        "Code review",
        (
            "1. Walk through the latest submission\n2. Questions on the feedback\n"
            "3. One thing to practise before the next assignment"
        ),
    ),
    (
        "Career planning",
        "1. Where you want to be in a year\n2. Portfolio and CV\n3. Interview practice plan",
    ),
    (
        "Group workshop",
        "1. Short talk on the topic\n2. Live coding\n3. Exercises in pairs\n4. Q&A",
    ),
)

MESSAGES_FROM_MENTOR: tuple[str, ...] = (
    "Hi {first}, I left feedback on your last submission. Shout if anything is unclear!",
    "Hey {first}, how is {topic} going? Happy to jump on a call this week.",
    "Reminder: we meet tomorrow. Bring your questions about {topic}.",
    "Nice progress this week, {first}. Keep the momentum going!",
    "Hi {first}, I haven't seen activity for a while. Is everything okay? No pressure.",
    "Here is the article I mentioned about {topic}; the second half is the useful part.",
)

MESSAGES_FROM_STUDENT: tuple[str, ...] = (
    "Hi {mentor}, could you look at my submission when you have a moment? Thanks!",
    "Thanks for the feedback — the part about small functions really clicked.",
    "I'm stuck on {topic}: my tests pass locally but fail in the grader. Any hints?",
    "Could we move our session to later in the week? Work is busy right now.",
    "Quick question: is it okay to use a library for the {topic} assignment?",
    "I resubmitted with the changes you suggested.",
)

ANNOUNCEMENTS: tuple[str, ...] = (
    "Office hours move to Thursday evenings this month. Same link as usual.",
    "Group workshop on testing next week — bring a piece of code you are unsure about.",
    "I'll be travelling from Monday to Wednesday; replies may be slower. Sessions continue.",
    "Reminder: capstone proposals are due at the end of the month. Start small!",
    "Great work everyone on the last module — average review turnaround was under a day.",
)

# (type, title, message) of the notifications the demo has already delivered, in the shapes the
# services write them (assignment, review decisions, progress). Reminders (review SLA, sessions)
# are left to the reminder jobs, which keep their own once-only logs.
NOTIFICATION_NEW_STUDENT = ("new_student_assignment", "New student assigned",
                            "{name} ({email}) is now your student.")  # fmt: skip
NOTIFICATION_MENTOR_ASSIGNED = ("mentor_assigned", "Mentor assigned",
                                "{mentor} is now your mentor.")  # fmt: skip
NOTIFICATION_MILESTONE = ("student_milestone_achieved", "Milestone reached",
                          "{name} completed the module “{module}”.")  # fmt: skip
NOTIFICATION_FEEDBACK = ("feedback_received", "Feedback available",
                         "Your submission {assignment!r} was {decision}.")  # fmt: skip

DECISION_WORDS = {
    "approved": "approved",
    "rejected": "rejected",
    "changes_requested": "sent back for changes",
}
