"""Local simulator of Chinese district government sites for offline tests and demos.

    from sim import Simulator, SimReport
    with Simulator(platforms=("hanweb",), seed=0) as sim:
        sim.sites, sim.reports, sim.registry(), sim.request_log

Every simulated host listens on its own loopback IP (127.0.0.N) so allowed-domain checks are
real; bytes are a pure function of the seed so report hashes are reproducible.
"""

from .model import SimReport, SimSite
from .simulator import Simulator, available_platforms

__all__ = ["SimReport", "SimSite", "Simulator", "available_platforms"]
