"""The simulated services, one module each, all on aiohttp.

Each speaks the subset of its service's API that the integration calls, with
the same paths, authentication and payload shapes (docs/protocols.md), and
answers from the shared `demo.world.World`.
"""
