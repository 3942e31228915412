"""`make bench`: measured speed, scale and memory of the service on this machine (issue 8).

Four parts, each against a production-like server (gunicorn, 2 workers, loopback) and each compared with a
baseline measured in the same run: the WeChat gateway, the wizard under a deadline rush (Locust), image
normalisation, and the review desk at 100,000 applications. `python -m bench.run` runs them and rewrites
docs/performance.md. Nothing here is imported by the application.
"""
