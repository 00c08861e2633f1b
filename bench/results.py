"""Summaries of repeated timings and the markdown of RESULTS.md."""

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    """Repeated measurements of one quantity: median, spread (min-max) and count."""

    values: tuple

    @property
    def median(self):
        return statistics.median(self.values)

    @property
    def low(self):
        return min(self.values)

    @property
    def high(self):
        return max(self.values)

    @property
    def n(self):
        return len(self.values)

    def fmt(self, digits=2, unit=""):
        """'median (min-max)' ready for a table cell."""
        if not self.values:
            return "-"
        if self.n == 1:
            return f"{self.median:.{digits}f}{unit}"
        return (f"{self.median:.{digits}f}{unit} ({self.low:.{digits}f}–"
                f"{self.high:.{digits}f})")


def summarize(values):
    return Summary(tuple(float(v) for v in values))


def verdict(value, target):
    """'met' or 'not met' for a measured value against a target it must not exceed."""
    return "**met**" if value <= target else "**not met**"


def table(headers, rows):
    """A markdown table; rows are sequences of cells (converted with str)."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def document(title, machine, sections, *, summary, command, seconds, quick):
    """The whole RESULTS.md: title, machine description, then each section's markdown."""
    parts = [f"# {title}", "",
             f"Written by `{command}` in {seconds / 60:.1f} minutes"
             + (" (**--quick**: fewer repetitions; smoke-test numbers)" if quick else "")
             + ". Every number below was measured in that run. Timings are given as "
             "median (min–max) over the repetitions; peers were timed alternately in the same "
             "run, so the ratios, not the absolute seconds, are what to compare across "
             "machines.", "", "## Machine", "",
             table(["", ""], list(machine.items())), "", "## Targets", "",
             table(["benchmark", "what", "measured", "target", "result"], summary), ""]
    for section in sections:
        parts += [section.strip(), ""]
    return "\n".join(parts)
