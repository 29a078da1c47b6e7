"""A process's own peak memory, as the sizing section measures it."""

from __future__ import annotations


def peak_rss_mb() -> float:
    """This process's own peak resident memory: the kernel's VmHWM, reset by exec. Not ``getrusage``'s ru_maxrss,
    which Linux carries across exec from the parent's memory at fork: a job started by the whole ``make bench``
    (a 341 MB process by then, the local stack ran in it) read 341 MB whatever it did."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    import resource  # elsewhere (no /proc): the best there is

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
