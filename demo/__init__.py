"""Status Tracker demo: simulated media services and a scripted story.

`python -m demo` (or `script/demo`) starts simulated Seerr, Sonarr, Radarr,
qBittorrent, Jellyfin and Shoko on 127.0.0.1, a real Home Assistant with the
integration configured through its config flows, and plays requests through
them until Ctrl-C. Nothing here is part of the integration; it exists so the
integration can be seen working without a media stack.
"""
