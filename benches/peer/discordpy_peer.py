"""The comparison peer of the load bench: the minimal bot a team could
write instead of Advocate. discord.py, logging every reply in a meeting
thread to SQLite in Advocate's schema, one commit per message.

Started by `cargo bench --bench load` (when discord.py is installed) with:
  ADVOCATE_DISCORD_ADDR  host:port of the fake Discord (HTTPS and its CA)
  ADVOCATE_DISCORD_CA    the fake's CA certificate (PEM)
  DISCORD_TOKEN          the bot's token
  PEER_DATABASE          the SQLite file, migrated by the bench
"""

import asyncio
import os
import sqlite3
import ssl
import time

import aiohttp
import discord
import yarl
from discord.http import Route

# The fake serves Discord's REST API at its own address, and names its
# gateway in GET /gateway/bot (read in setup_hook).
Route.BASE = f"https://{os.environ['ADVOCATE_DISCORD_ADDR']}/api/v10"

db = sqlite3.connect(os.environ["PEER_DATABASE"])
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = NORMAL")


class Peer(discord.Client):
    async def setup_hook(self) -> None:
        gateway = await self.http.request(Route("GET", "/gateway/bot"))
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway["url"])

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.guild is None:
            return
        meeting = db.execute("SELECT id FROM meetings WHERE thread_id = ?", (message.channel.id,)).fetchone()
        if meeting is None:
            return
        db.execute(
            "INSERT OR IGNORE INTO answers (guild_id, channel_id, user_id, meeting_id, via, body, impact, segments,"
            " has_evidence, has_assumption, wants_follow_up, message_id, created_at)"
            " VALUES (?, ?, ?, ?, 'thread', ?, 'unknown', '', 0, 0, 0, ?, ?)",
            (
                message.guild.id,
                message.channel.id,
                message.author.id,
                meeting[0],
                message.content,
                message.id,
                int(time.time() * 1000),
            ),
        )
        db.commit()


async def main() -> None:
    tls = ssl.create_default_context(cafile=os.environ["ADVOCATE_DISCORD_CA"])
    tls.check_hostname = False  # the fake's certificate names discord.com
    intents = discord.Intents.default()
    intents.message_content = True
    async with Peer(intents=intents, connector=aiohttp.TCPConnector(ssl=tls)) as peer:
        await peer.start(os.environ["DISCORD_TOKEN"])


if __name__ == "__main__":
    asyncio.run(main())
