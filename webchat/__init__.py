"""The web chat: heard's second channel, over the same engine and storage as Telegram.

``bot/`` turns Telegram updates into calls on ``surveys/``; this package does the same for a
mobile web page served by heard's own aiohttp server (bot/web.py). Pages are rendered on the
server and work as plain forms with JavaScript off; a small script makes them feel like a chat.
"""
