"""Due dates and late submissions: how late a submission is, and what that costs it.

nbgrader's `collect` (and `submit`) leave a `timestamp.txt` beside each submitted notebook;
a policy compares it with the due date. A late submission loses `rate` of the assignment's
points for every hour or day it is late, started ones included, at most `cap` of them; after
the cutoff it scores zero.
"""

import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from dateutil import parser as dates

UNITS = {"hour": 3600.0, "day": 86400.0}


class PolicyError(ValueError):
    """A late policy that cannot be understood; the message shows what is expected."""


def parse_time(text, what="a date"):
    """A moment from text such as "2026-12-08 23:59", "2026-12-08T23:59+01:00" or nbgrader's
    "2026-12-08 22:59:30.123456 UTC"; a time without a zone is taken as UTC."""
    try:
        moment = dates.parse(text.strip())
    except (ValueError, OverflowError):
        raise PolicyError(f"{what} {text!r} is not a date and time; write it like "
                          "2026-12-08 23:59 or 2026-12-08T23:59+01:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def parse_rate(text):
    """(fraction, unit) from "10%/day" or "5%/hour"."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%\s*/\s*(hour|day)\s*", text or "")
    if not found:
        raise PolicyError(f"late penalty {text!r}: write it as a percentage of the points per "
                          "hour or day late, like 10%/day or 2%/hour")
    return float(found[1]) / 100, found[2]


def parse_fraction(text):
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%\s*", text or "")
    if not found or float(found[1]) > 100:
        raise PolicyError(f"late penalty cap {text!r}: write it as a percentage, like 50%")
    return float(found[1]) / 100


@dataclass(frozen=True)
class LatePolicy:
    """- due: the due date (an aware datetime), or None: lateness is not checked;
    - rate: the fraction of the points lost per `unit` ("hour" or "day") late, started ones
      included; cap: the largest fraction lost;
    - cutoff: after it a submission scores zero (None: no cutoff)."""

    due: datetime = None
    rate: float = 0.0
    unit: str = "day"
    cap: float = 1.0
    cutoff: datetime = None

    @property
    def charges(self):
        """Whether lateness costs points (a penalty rate or a cutoff), not only reported."""
        return self.rate > 0 or self.cutoff is not None

    def hours_late(self, submitted):
        """How many hours after the due date `submitted` is (0 when on time)."""
        if self.due is None or submitted is None:
            return 0.0
        return max(0.0, (submitted - self.due).total_seconds() / 3600)

    def penalty(self, submitted, points, max_points):
        """The points a submission of `points` (of `max_points`) made at `submitted` loses."""
        hours = self.hours_late(submitted)
        if hours == 0:
            return 0.0
        if self.cutoff is not None and submitted > self.cutoff:
            return points
        units = math.ceil(hours * 3600 / UNITS[self.unit])
        return min(points, min(self.cap, self.rate * units) * max_points)

    def describe(self, submitted, penalty):
        """What the status and the feedback say about a late submission, or ""."""
        hours = self.hours_late(submitted)
        if hours == 0:
            return ""
        rule = ("after the cutoff" if self.cutoff is not None and submitted > self.cutoff
                else f"{self.rate:.0%}/{self.unit}, at most {self.cap:.0%}")
        return f"late by {hours:.1f} h: -{penalty:g} points ({rule})"
