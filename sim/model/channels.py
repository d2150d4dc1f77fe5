"""The channels a rep can use, and how each one reaches the prospect.

The channel *set* is fixed by the model (each kind is played out differently); the numbers of
each channel (rep minutes, money, annoyance, recall, salience, delay) are scenario parameters.
"""

from __future__ import annotations

from enum import IntEnum


class Channel(IntEnum):
    """Every channel of MODEL.md; the integer codes are used in the engines' arrays."""

    call_desk = 0
    call_cell = 1
    voicemail = 2
    email = 3
    text = 4
    social = 5
    letter = 6
    fedex = 7
    fax = 8
    gift = 9
    page = 10
    receptionist = 11
    referral = 12
    escalation = 13


class Inbox(IntEnum):
    """Where a message waits to be triaged; each inbox has its own load and triage habits."""

    email = 0
    voicemail = 1
    text = 2
    social = 3
    mail = 4
    parcel = 5
    fax = 6


CALLS = frozenset({Channel.call_desk, Channel.call_cell})
"""Channels that ring a phone and may leave a voicemail."""

INBOX_OF: dict[Channel, Inbox] = {
    Channel.voicemail: Inbox.voicemail,
    Channel.email: Inbox.email,
    Channel.text: Inbox.text,
    Channel.social: Inbox.social,
    Channel.letter: Inbox.mail,
    Channel.fedex: Inbox.parcel,
    Channel.fax: Inbox.fax,
    Channel.gift: Inbox.parcel,
    Channel.referral: Inbox.email,
}
"""Message channels and the inbox each lands in (a referral is an introduction by email)."""

MESSAGES = frozenset(INBOX_OF)

FAVORED_GROUP: dict[Channel, str] = {
    Channel.call_desk: "phone",
    Channel.call_cell: "phone",
    Channel.voicemail: "phone",
    Channel.page: "phone",
    Channel.email: "email",
    Channel.text: "text",
    Channel.social: "social",
}
"""Which of the prospect's favoured venues a channel belongs to (others belong to none)."""

FAVORED_NAMES = ("email", "phone", "text", "social")
"""Favoured-channel codes, in the order of the population's ``favored_channel`` shares."""


def favored_code(channel: Channel) -> int:
    """The favoured-venue code of a channel, or -1 when it belongs to none."""
    group = FAVORED_GROUP.get(channel)
    return FAVORED_NAMES.index(group) if group else -1


FAVORED_CODE = [favored_code(c) for c in Channel]
INBOX_CODE = [int(INBOX_OF[c]) if c in INBOX_OF else -1 for c in Channel]
