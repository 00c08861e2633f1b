"""Stopping a process and every process it started."""

import psutil


def kill_tree(pid, timeout=10):
    """Kill process `pid` and all its descendants, and wait until every one of them is gone
    (a sandbox's processes run in a session of their own and die after their parent, not
    with it); nothing if it is gone."""
    try:
        parent = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    tree = [*parent.children(recursive=True), parent]
    for process in tree:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(tree, timeout=timeout)
