"""The channels a conversation runs on, and what an address is on each: the contact's handle there, and
every recipient of a message or a forward.

Email (and a web form, whose replies go to the address the form gave) takes an email address, checked by
email-validator; phone an E.164 number, checked by libphonenumber; LINE a user id (`U` and 32 hex digits,
as the Messaging API gives it); Instagram, Facebook and LinkedIn a profile handle, `@` optional.
"""

from __future__ import annotations

import re
from enum import StrEnum

from kernel.errors import FieldIssue, ValidationFailed


class Channel(StrEnum):
    WEB_FORM = "web_form"
    EMAIL = "email"
    LINE = "line"
    INSTAGRAM = "instagram"
    FACEBOOK = "facebook"
    LINKEDIN = "linkedin"
    PHONE = "phone"


# What each channel's address is, for error messages and docs.
ADDRESS_KINDS: dict[Channel, str] = {
    Channel.WEB_FORM: "an email address",
    Channel.EMAIL: "an email address",
    Channel.LINE: "a LINE user id (U followed by 32 hex digits)",
    Channel.INSTAGRAM: "an Instagram handle (1-30 letters, digits, '.' or '_')",
    Channel.FACEBOOK: "a Facebook username (5-50 letters, digits or '.')",
    Channel.LINKEDIN: "a LinkedIn profile name (3-100 letters, digits or '-')",
    Channel.PHONE: "a phone number in E.164 (+ and up to 15 digits)",
}
_LINE_USER = re.compile(r"U[0-9a-f]{32}")
_HANDLES: dict[Channel, re.Pattern[str]] = {
    Channel.INSTAGRAM: re.compile(r"[a-z0-9._]{1,30}"),
    Channel.FACEBOOK: re.compile(r"[a-z0-9.]{5,50}"),
    Channel.LINKEDIN: re.compile(r"[a-z0-9-]{3,100}"),
}
ADDRESS_MAX = 320  # the longest email address SMTP carries; every other kind is shorter


def is_email(channel: Channel) -> bool:
    return channel in (Channel.EMAIL, Channel.WEB_FORM)


def _invalid(channel: Channel, field: str) -> ValidationFailed:
    issue = f"must be {ADDRESS_KINDS[channel]} on channel {channel.value}"
    return ValidationFailed(f"{field} {issue}", [FieldIssue(field, issue)])


def address_on(channel: Channel, text: str, field: str) -> str:
    """`text` as an address on `channel`, normalized (email lower-cased, phone in E.164, handle without `@`,
    lower-cased: the three networks match handles case-insensitively); 400 naming `field` when it is not one."""
    if len(text) > ADDRESS_MAX:
        raise _invalid(channel, field)
    if is_email(channel):
        from sales.contact.model import InvalidEmail, normalize_email

        try:
            return normalize_email(text)
        except InvalidEmail:
            raise _invalid(channel, field) from None
    if channel is Channel.PHONE:
        from sales.contact.phones import InvalidPhone, to_e164

        try:
            return to_e164(text.strip(), None)
        except InvalidPhone:
            raise _invalid(channel, field) from None
    if channel is Channel.LINE:
        if not _LINE_USER.fullmatch(text):
            raise _invalid(channel, field)
        return text
    handle = text.removeprefix("@").lower()
    if not _HANDLES[channel].fullmatch(handle):
        raise _invalid(channel, field)
    return handle


def addresses_on(channel: Channel, texts: list[str], field: str) -> tuple[str, ...]:
    """Every address of a list, normalized, duplicates dropped, in the order given."""
    found: list[str] = []
    for index, text in enumerate(texts):
        address = address_on(channel, text, f"{field}[{index}]")
        if address not in found:
            found.append(address)
    return tuple(found)
