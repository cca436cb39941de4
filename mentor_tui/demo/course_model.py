"""What a demo course is: its modules in order, three assignments per module, and a code
sample per module that students' submissions quote."""

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
