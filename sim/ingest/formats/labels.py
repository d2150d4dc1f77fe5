"""The words tools and teams use for call dispositions, reply sentiments and channels, and what
each means in the tidy log: the default mappings several formats share (each format adds its
own, and ``--map`` adds a team's). Matching ignores case, spaces, hyphens and underscores.
"""

from __future__ import annotations

CALL_DISPOSITIONS = {
    "connected": "connected",
    "answered": "connected",
    "left live message": "connected",
    "conversation": "connected",
    "no answer": "no_answer",
    "not answered": "no_answer",
    "no answer no voicemail": "no_answer",
    "unanswered": "no_answer",
    "gatekeeper": "no_answer",
    "wrong number": "no_answer",
    "bad number": "no_answer",
    "not in service": "no_answer",
    "hung up": "no_answer",
    "left voicemail": "voicemail_left",
    "left vm": "voicemail_left",
    "voicemail": "voicemail_left",
    "busy": "busy",
    "meeting booked": "meeting_booked",
    "meeting scheduled": "meeting_booked",
    "meeting set": "meeting_booked",
    "demo scheduled": "meeting_booked",
    "interested": "replied_positive",
    "positive": "replied_positive",
    "not interested": "replied_negative",
    "negative": "replied_negative",
    "no need": "replied_negative",
    "bought elsewhere": "replied_negative",
    "not now": "not_now",
    "call back later": "not_now",
    "callback requested": "not_now",
    "follow up later": "not_now",
    "bad timing": "not_now",
    "do not call": "opted_out",
    "do not contact": "opted_out",
    "remove from list": "opted_out",
    "neutral": "connected",
    "other": "connected",
}
"""Call dispositions (what became of the dial) and the outcomes of a conversation."""

REPLY_SENTIMENTS = {
    "positive": "replied_positive",
    "interested": "replied_positive",
    "meeting booked": "meeting_booked",
    "meeting scheduled": "meeting_booked",
    "negative": "replied_negative",
    "not interested": "replied_negative",
    "objection": "replied_negative",
    "referral": "replied_negative",
    "bought elsewhere": "replied_negative",
    "not now": "not_now",
    "bad timing": "not_now",
    "follow up later": "not_now",
    "unsubscribe": "opted_out",
    "unsubscribed": "opted_out",
    "out of office": "sent",
    "auto reply": "sent",
    "auto replied": "sent",
    "autoreply": "sent",
    "neutral": "opened",
}
"""The sentiment of an email reply. An out-of-office auto-reply is no reply (the email was
delivered, nothing more is known); a neutral reply ("thanks") is the model's no decision."""

NO_REPLY = ("sent", "opened", "connected")
"""Sentiments that mean nothing was said: the email's outcome is what it was without the
reply (opened when it was opened), and a reply recorded on its own is left out."""

CHANNEL_WORDS = {
    "call": "call_desk",
    "phone": "call_desk",
    "phone call": "call_desk",
    "desk": "call_desk",
    "mobile": "call_cell",
    "cell": "call_cell",
    "email": "email",
    "e mail": "email",
    "sms": "text",
    "text": "text",
    "linkedin": "social",
    "social": "social",
    "inmail": "social",
    "letter": "letter",
    "mail": "letter",
}
"""Channel words of CRMs (a call without a number type is a desk call)."""

DISPOSITION_OF = {
    "no_answer": "No Answer",
    "busy": "Busy",
    "voicemail_left": "Left Voicemail",
    "connected": "Connected",
    "replied_positive": "Interested",
    "replied_negative": "Not Interested",
    "not_now": "Call Back Later",
    "opted_out": "Do Not Call",
    "meeting_booked": "Meeting Booked",
}
"""The label a synthetic export writes for each call outcome."""

SENTIMENT_OF = {
    "replied_positive": "Positive",
    "replied_negative": "Not Interested",
    "not_now": "Bad Timing",
    "opted_out": "Unsubscribe",
    "meeting_booked": "Meeting Booked",
}
"""The sentiment a synthetic export writes for each kind of reply."""

__all__ = [
    "CALL_DISPOSITIONS",
    "CHANNEL_WORDS",
    "DISPOSITION_OF",
    "REPLY_SENTIMENTS",
    "SENTIMENT_OF",
]
