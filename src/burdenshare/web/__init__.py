"""The web app: scenario explorer, role-play with private briefs, classroom runs, JSON API.

Start it with ``burdenshare serve``; build it in code with :func:`burdenshare.web.app.create_app`.
"""
