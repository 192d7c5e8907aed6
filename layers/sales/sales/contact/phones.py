"""Phone numbers as the contact stores them: E.164, parsed by libphonenumber (the `phonenumbers` port).

The library ships in a layer of its own (layers/phones), attached only to the functions whose contracts
declare it (`layers=("phones",)`), so it is imported here on first use, never with the module.
"""

from __future__ import annotations


class InvalidPhone(ValueError):
    """Not a phone number. The message never repeats the text: callers name the field, not the value."""

    def __init__(self) -> None:
        super().__init__("not a phone number")


def to_e164(text: str, default_region: str | None) -> str:
    """`text` as E.164 (`+4930123456`). A number written without its country code is read as one of
    `default_region` (ISO 3166-1 alpha-2); without a region, it must start with `+`. Numbers the numbering plan
    of their country does not allow are refused, not stored as typed."""
    import phonenumbers

    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        raise InvalidPhone() from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone()
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
