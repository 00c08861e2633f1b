"""Stopping a process and every process it started."""

import psutil


def kill_tree(pid):
    """Kill process `pid` and all its descendants, and wait for it; nothing if it is gone."""
    try:
        parent = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    for process in [*parent.children(recursive=True), parent]:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    try:
        parent.wait()
    except psutil.NoSuchProcess:
        pass
